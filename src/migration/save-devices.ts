// Device and CPU sections of the stream (QEMU's qemu_savevm_state_complete_precopy for the
// non-iterative devices) and the end marker.

import type { MemorySystem } from '../memory/index.js';
import type { SectionWriter } from './section-writer.js';
import { SEC_DEVICE, SEC_EOS } from './stream-format.js';
import { saveState } from './vmstate-codec.js';

export function saveDevices(sys: MemorySystem, out: SectionWriter): void {
  for (const e of sys.vmstate.entries) {
    const w = out.begin(SEC_DEVICE);
    w.str(e.idstr);
    w.u32(e.instanceId);
    w.u32(e.vmsd.versionId);
    saveState(e.vmsd, e.opaque, w);
    out.end();
  }
}

export function writeEos(out: SectionWriter): void {
  out.begin(SEC_EOS);
  out.end();
}
