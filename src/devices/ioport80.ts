// Port 0x80, the POST-code / I/O-delay port of the PC. As in QEMU's pc board, reads float
// (all ones) and writes are accepted; we keep the last code written for debugging.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { VMStateDescription } from '../memory/index.js';

/** The POST code port: the last code written. */
export const IOPORT80_VMSTATE: VMStateDescription = {
  name: 'ioport80',
  versionId: 1,
  minimumVersionId: 1,
  fields: [{ name: 'lastPostCode', type: 'int32' }],
  unmigrated: ['iobase'],
};

export class IoPort80 {
  readonly iobase = 0x80;
  readonly region: MemoryRegion;
  /** The last POST code written (-1 before any write). */
  lastPostCode = -1;

  /** `onPost` (optional) sees each code, e.g. for a `-d` trace. */
  constructor(sys: MemorySystem, private readonly onPost: ((code: number) => void) | null = null) {
    this.region = MemoryRegion.io(sys, 'ioport80', 'ioport80', 1, {
      read: () => 0xff,
      write: (_addr, value) => {
        this.lastPostCode = value & 0xff;
        this.onPost?.(this.lastPostCode);
      },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    sys.vmstate.register(IOPORT80_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }
}
