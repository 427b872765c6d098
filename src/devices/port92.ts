// Port 0x92, "system control port A" (PS/2 fast A20 and fast reset), as QEMU's port92:
// bit 1 drives the A20 gate, a rising bit 0 asks for a system reset; reads return the byte.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { IrqLine } from './irq.js';
import type { VMStateDescription } from '../memory/index.js';

/** System control port A (QEMU's vmstate_port92_isa). */
export const PORT92_VMSTATE: VMStateDescription = {
  name: 'port92',
  versionId: 1,
  minimumVersionId: 1,
  fields: [{ name: 'outport', type: 'uint8' }],
  unmigrated: ['iobase'],
};

export class Port92 {
  readonly iobase = 0x92;
  readonly region: MemoryRegion;
  outport = 0;

  /** `a20` carries the gate level (true = A20 enabled); `resetRequest` resets the machine. */
  constructor(sys: MemorySystem, readonly a20: IrqLine, readonly resetRequest: () => void) {
    this.region = MemoryRegion.io(sys, 'port92', 'port92', 1, {
      read: () => this.outport,
      write: (_addr, value) => {
        const old = this.outport;
        this.outport = value & 0xff;
        this.a20.set((value & 2) !== 0);
        // Only a 0 -> 1 transition of bit 0 resets, so a guest may leave the bit set.
        if (value & 1 && !(old & 1)) this.resetRequest();
      },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    sys.vmstate.register(PORT92_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }

  /** Machine reset: the reset bit falls, A20 keeps its setting (as QEMU). */
  reset(): void {
    this.outport &= ~1;
  }
}
