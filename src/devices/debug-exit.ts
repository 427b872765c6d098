// isa-debug-exit: a write of v asks the machine to exit with status (v << 1) | 1, so a test
// ROM can report pass/fail and never be mistaken for a clean 0 exit.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';

export interface DebugExitOptions {
  /** QEMU's defaults are iobase=0x501, iosize=2; test ROMs usually ask for 0xf4/4. */
  iobase?: number;
  iosize?: number;
}

export class DebugExit {
  readonly iobase: number;
  readonly iosize: number;
  readonly region: MemoryRegion;

  /**
   * `requestExit` receives (v << 1) | 1 computed without 32-bit overflow; a process exit code
   * keeps its low 8 bits, as QEMU's exit() does. The machine flushes output, then exits.
   */
  constructor(sys: MemorySystem, readonly requestExit: (status: number) => void, opts: DebugExitOptions = {}) {
    this.iobase = opts.iobase ?? 0x501;
    this.iosize = opts.iosize ?? 2;
    this.region = MemoryRegion.io(sys, 'isa-debug-exit', 'isa-debug-exit', this.iosize, {
      // No read callback, as in QEMU: the port is write-only.
      write: (_addr, value) => this.requestExit(value * 2 + 1),
      // One access of 1..4 bytes is one exit request (the core must not split it).
      valid: { minAccessSize: 1, maxAccessSize: 4 },
      impl: { minAccessSize: 1, maxAccessSize: 4 },
    });
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }
}
