// A PCI bus (QEMU's PCIBus): 256 device/function slots, the memory and I/O spaces BARs map
// into, and INTx routing: map_irq turns a device's pin into a bus IRQ, whose count of
// asserting devices drives set_irq (QEMU's pci_change_irq_level).

import type { MemoryRegion } from '../../memory/index.js';
import type { PCIDevice } from './pci-device.js';
import { PCI_NUM_PINS } from './pci-regs.js';

export interface PciIrqRouting {
  /** Bus IRQ (0..nirq-1) for a device's pin (0 = INTA). */
  mapIrq(dev: PCIDevice, pin: number): number;
  /** The bus IRQ is now asserted by at least one device (or by none). */
  setBusIrq(irq: number, level: boolean): void;
}

export class PCIBus {
  readonly devices: (PCIDevice | null)[] = new Array<PCIDevice | null>(256).fill(null);
  /** Asserting devices per bus IRQ (QEMU's irq_count). */
  readonly irqCount = new Int32Array(PCI_NUM_PINS);
  routing: PciIrqRouting | null = null;

  constructor(
    readonly name: string,
    /** The PCI memory space (QEMU's pci_address_space), where memory BARs go. */
    readonly memSpace: MemoryRegion,
    /** The PCI I/O space (on the pc, the system I/O space). */
    readonly ioSpace: MemoryRegion,
  ) {}

  plug(dev: PCIDevice): void {
    if (this.devices[dev.devfn]) {
      throw new Error(`PCI: slot ${dev.slot} function ${dev.fn} not available for ${dev.name}, in use by ${this.devices[dev.devfn]!.name}`);
    }
    this.devices[dev.devfn] = dev;
    dev.bus = this;
  }

  /** The first free slot's function 0 (QEMU's automatic devfn for -device), or -1. */
  freeDevfn(): number {
    for (let devfn = 0; devfn < 256; devfn += 8) if (!this.devices[devfn]) return devfn;
    return -1;
  }

  /** Device at bus 0's devfn (functions other than 0 need function 0, as on hardware). */
  find(devfn: number): PCIDevice | null {
    const dev = this.devices[devfn & 0xff] ?? null;
    if (dev && (devfn & 7) !== 0 && !this.devices[devfn & 0xf8]) return null;
    return dev;
  }

  changeIrqLevel(dev: PCIDevice, pin: number, change: number): void {
    const r = this.routing;
    if (!r || change === 0) return;
    const irq = r.mapIrq(dev, pin);
    this.irqCount[irq]! += change;
    r.setBusIrq(irq, this.irqCount[irq]! !== 0);
  }

  /** Is a bus IRQ asserted by some device? */
  irqLevel(irq: number): boolean {
    return this.irqCount[irq]! !== 0;
  }

  reset(): void {
    for (const dev of this.devices) dev?.reset();
  }

  /** Read `len` bytes of a function's configuration space; all-ones where nothing answers. */
  configRead(devfn: number, addr: number, len: number): number {
    const dev = this.find(devfn);
    if (!dev) return len === 4 ? 0xffffffff : (1 << (8 * len)) - 1;
    return dev.readConfig(addr, Math.min(len, 256 - addr));
  }

  configWrite(devfn: number, addr: number, value: number, len: number): void {
    this.find(devfn)?.writeConfig(addr, value, Math.min(len, 256 - addr));
  }
}
