// PCI configuration mechanism #1 (QEMU's pci_host conf ops): the address register at 0xcf8
// ("pci-conf-idx", dword accesses only) and the data window at 0xcfc-0xcff ("pci-conf-data")
// that reaches the configuration space of the function the address selects while bit 31 is set.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import type { PCIBus } from './pci-bus.js';

export class PCIHostState {
  /** QEMU's config_reg. */
  configReg = 0;
  readonly confIdx: MemoryRegion;
  readonly confData: MemoryRegion;

  constructor(
    sys: MemorySystem,
    owner: string,
    readonly bus: PCIBus,
  ) {
    this.confIdx = MemoryRegion.io(sys, owner, 'pci-conf-idx', 4, {
      // Only a dword at 0xcf8 reaches the register; anything else reads all-ones, writes nothing.
      read: (addr, size) => (addr === 0 && size === 4 ? this.configReg : size === 4 ? 0xffffffff : (1 << (8 * size)) - 1),
      write: (addr, value, size) => {
        if (addr === 0 && size === 4) this.configReg = value >>> 0;
      },
      impl: { minAccessSize: 1, maxAccessSize: 4, unaligned: true },
      valid: { unaligned: true },
    });
    this.confData = MemoryRegion.io(sys, owner, 'pci-conf-data', 4, {
      read: (addr, size) => {
        if (!(this.configReg & 0x80000000)) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
        return this.dataRead(addr, size);
      },
      write: (addr, value, size) => {
        if (this.configReg & 0x80000000) this.dataWrite(addr, value, size);
      },
      impl: { minAccessSize: 1, maxAccessSize: 4, unaligned: true },
      valid: { unaligned: true },
    });
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(0xcf8, this.confIdx);
    ioRoot.addSubregion(0xcfc, this.confData);
  }

  /** The register the data port reaches: bus 0 only (QEMU: config_reg | (port & 3)). */
  private dataRead(addr: number, size: number): number {
    const a = (this.configReg | (addr & 3)) >>> 0;
    if ((a >>> 16) & 0xff) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    return this.bus.configRead((a >>> 8) & 0xff, a & 0xff, size);
  }

  private dataWrite(addr: number, value: number, size: number): void {
    const a = (this.configReg | (addr & 3)) >>> 0;
    if (!((a >>> 16) & 0xff)) this.bus.configWrite((a >>> 8) & 0xff, a & 0xff, value, size);
  }

  reset(): void {
    this.configReg = 0;
  }
}
