// Port 0xF0 of the PC (QEMU's ioportF0): a write tells the chipset to stop forwarding the
// FPU's error signal, so it asserts IGNNE# and deasserts FERR# (IRQ 13); reads float.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';

export class IoPortF0 {
  readonly iobase = 0xf0;
  readonly region: MemoryRegion;

  /** `onWrite` asserts IGNNE# on the CPU and lowers IRQ 13 (QEMU's cpu_set_ignne). */
  constructor(sys: MemorySystem, private readonly onWrite: () => void) {
    this.region = MemoryRegion.io(sys, 'ioportF0', 'ioportF0', 1, {
      read: () => 0xff,
      write: () => this.onWrite(),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }
}
