// A whole stream at once, with the guest stopped (what `migrate file:` amounts to when the
// guest does not run meanwhile): for snapshots and for tests of the loader.

import type { MemorySystem } from '../memory/index.js';
import { RamSaver } from './ram-save.js';
import { saveDevices, writeEos } from './save-devices.js';
import { SectionWriter } from './section-writer.js';

export function saveSnapshot(sys: MemorySystem): Uint8Array {
  const out = new SectionWriter();
  out.header();
  const ram = new RamSaver(sys);
  ram.setup(out);
  ram.send(out, Infinity);
  saveDevices(sys, out);
  writeEos(out);
  return out.take();
}
