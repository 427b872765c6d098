// QEMU's pc-testdev (hw/misc/pc-testdev.c), the ISA device kvm-unit-tests drive: a 32-bit
// scratch register at 0xe0 (any width) and 0xe8 (byte-wise), a page-flush port at 0xe4, one
// port per ISA IRQ line at 0x2000-0x2017 (write non-zero to raise, zero to lower) and 64 KiB of
// scratch MMIO at 0xff000000.

import { MemoryRegion, type MemorySystem, type VMStateDescription } from '../memory/index.js';
import type { IrqLine } from './irq.js';

const IOMEM_LEN = 0x10000;
export const PC_TESTDEV_IOMEM_BASE = 0xff000000;

export const PC_TESTDEV_VMSTATE: VMStateDescription = {
  name: 'pc-testdev',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'ioportData', type: 'uint32' },
    { name: 'iomem', type: 'buffer' },
  ],
};

export class PcTestdev {
  ioportData = 0;
  readonly iomem = new Uint8Array(IOMEM_LEN);
  private readonly regions: { ioport: MemoryRegion; flush: MemoryRegion; ioportByte: MemoryRegion; irq: MemoryRegion; mem: MemoryRegion };

  constructor(
    sys: MemorySystem,
    /** The ISA IRQ lines 0-23 (the pc's GSIs). */
    irqs: readonly IrqLine[],
  ) {
    const owner = 'pc-testdev';
    // The scratch register: a `len`-byte access at byte `addr & 3` of it.
    const read = (addr: number, len: number): number => {
      const shift = (addr & 3) * 8;
      const mask = len === 4 ? 0xffffffff : (1 << (len * 8)) - 1;
      return ((this.ioportData >>> shift) & mask) >>> 0;
    };
    const write = (addr: number, value: number, len: number): void => {
      const shift = (addr & 3) * 8;
      const mask = ((len === 4 ? 0xffffffff : (1 << (len * 8)) - 1) << shift) >>> 0;
      this.ioportData = ((this.ioportData & ~mask) | ((value << shift) & mask)) >>> 0;
    };
    const ioport = MemoryRegion.io(sys, owner, 'pc-testdev-ioport', 4, { read, write });
    const ioportByte = MemoryRegion.io(sys, owner, 'pc-testdev-ioport-byte', 4, {
      read,
      write,
      valid: { minAccessSize: 1, maxAccessSize: 4 },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    // On QEMU this mprotects the host page behind a guest page (a KVM fault test); under TCG
    // nothing a guest can observe changes, so the write only has to be accepted.
    const flush = MemoryRegion.io(sys, owner, 'pc-testdev-flush-page', 4, {
      read: () => 0,
      write: () => {},
      valid: { minAccessSize: 4, maxAccessSize: 4 },
    });
    const irq = MemoryRegion.io(sys, owner, 'pc-testdev-irq-line', 24, {
      read: () => 0,
      write: (addr, value) => irqs[addr]?.set(value !== 0),
      valid: { minAccessSize: 1, maxAccessSize: 1 },
    });
    const mem = MemoryRegion.io(sys, owner, 'pc-testdev-iomem', IOMEM_LEN, {
      read: (addr, len) => {
        let v = 0;
        for (let i = len - 1; i >= 0; i--) v = v * 256 + (this.iomem[addr + i] ?? 0);
        return v;
      },
      write: (addr, value, len) => {
        for (let i = 0; i < len && addr + i < IOMEM_LEN; i++) this.iomem[addr + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
      },
    });
    this.regions = { ioport, flush, ioportByte, irq, mem };
    sys.vmstate.register(PC_TESTDEV_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion, system: MemoryRegion): void {
    ioRoot.addSubregion(0xe0, this.regions.ioport);
    ioRoot.addSubregion(0xe4, this.regions.flush);
    ioRoot.addSubregion(0xe8, this.regions.ioportByte);
    ioRoot.addSubregion(0x2000, this.regions.irq);
    system.addSubregion(PC_TESTDEV_IOMEM_BASE, this.regions.mem);
  }
}
