// isa-debugcon: the Bochs/QEMU "port E9" console. Every byte written goes to a char backend;
// a read returns the readback value so guests can detect the port (QEMU: 0xE9).

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { CharBackend } from './chardev.js';

export interface DebugconOptions {
  /** I/O port (QEMU's default 0xE9; SeaBIOS uses 0x402). */
  iobase?: number;
  /** Value returned by reads (QEMU's `readback` property, default 0xE9). */
  readback?: number;
}

export class Debugcon {
  readonly iobase: number;
  readonly readback: number;
  readonly region: MemoryRegion;
  private readonly byte = new Uint8Array(1);

  constructor(sys: MemorySystem, readonly chr: CharBackend, opts: DebugconOptions = {}) {
    this.iobase = opts.iobase ?? 0xe9;
    this.readback = (opts.readback ?? 0xe9) & 0xff;
    this.region = MemoryRegion.io(sys, 'isa-debugcon', 'isa-debugcon', 1, {
      read: () => this.readback,
      write: (_addr, value) => {
        this.byte[0] = value & 0xff;
        this.chr.write(this.byte);
      },
      // QEMU accepts byte accesses only; wider ones are decode errors.
      valid: { minAccessSize: 1, maxAccessSize: 1 },
    });
  }

  /** Put the port into the machine's I/O space. */
  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }
}
