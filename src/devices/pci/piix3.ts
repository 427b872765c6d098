// The PIIX3 PCI-to-ISA bridge, 00:01.0 (8086:7000), as QEMU's hw/isa/piix3.c: PIRQA-D
// routing (0x60-0x63, bit 7 disables) of the PCI INTx lines onto the 8259's inputs, and the
// reset control register at 0xcf9 ("piix3-reset-control", over pci-conf-idx).

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import type { IrqLine } from '../irq.js';
import { PCIDevice, overlaps } from './pci-device.js';
import type { PCIBus, PciIrqRouting } from './pci-bus.js';
import { PCI_HEADER_TYPE_MULTI_FUNCTION, PCI_STATUS_DEVSEL_MEDIUM } from './pci-regs.js';
import { PIIX3_VMSTATE } from './pci-vmstate.js';

export const PIIX_PIRQCA = 0x60;
export const PIIX_NUM_PIRQS = 4;
const PIIX_NUM_PIC_IRQS = 16;
/** Reset control: bit 2 resets, bit 1 (hard/soft) is kept. */
const RCR_SYS_RST = 0x02;
const RCR_RST_CPU = 0x04;

/** QEMU's piix3_reset values of the device-specific registers. */
const RESET_VALUES: [number, number][] = [
  [0x04, 0x07], [0x05, 0x00], [0x06, 0x00], [0x07, PCI_STATUS_DEVSEL_MEDIUM >> 8], [0x4c, 0x4d], [0x4e, 0x03],
  [0x4f, 0x00], [0x60, 0x80], [0x61, 0x80], [0x62, 0x80], [0x63, 0x80], [0x69, 0x02], [0x70, 0x80], [0x76, 0x0c],
  [0x77, 0x0c], [0x78, 0x02], [0x79, 0x00], [0x80, 0x00], [0x82, 0x00], [0xa0, 0x08], [0xa2, 0x00], [0xa3, 0x00],
  [0xa4, 0x00], [0xa5, 0x00], [0xa6, 0x00], [0xa7, 0x00], [0xa8, 0x0f], [0xaa, 0x00], [0xab, 0x00], [0xac, 0x00],
  [0xae, 0x00],
];

export class PIIX3 extends PCIDevice implements PciIrqRouting {
  /** Which (PIC input, PIRQ) pairs are asserted: bit pic*4+pirq (QEMU's pic_levels). */
  private picLevels = 0n;
  rcr = 0;
  readonly resetControl: MemoryRegion;

  constructor(
    sys: MemorySystem,
    bus: PCIBus,
    /** The 8259 inputs 0-15. */
    private readonly pic: readonly IrqLine[],
    private readonly resetRequest: () => void,
  ) {
    super(sys, 'PIIX3', 0x08, { vendor: 0x8086, device: 0x7000, classId: 0x0601, headerType: PCI_HEADER_TYPE_MULTI_FUNCTION });
    bus.plug(this);
    bus.routing = this;
    this.resetControl = MemoryRegion.io(sys, 'piix3', 'piix3-reset-control', 1, {
      read: () => this.rcr,
      write: (_a, value) => {
        if (value & RCR_RST_CPU) this.resetRequest();
        this.rcr = value & RCR_SYS_RST;
      },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    this.resetRegisters();
    sys.vmstate.register(PIIX3_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregionOverlap(0xcf9, this.resetControl, 1);
  }

  /** i440FX slot swizzle (QEMU's pci_slot_get_pirq): pin + slot, modulo 4. */
  mapIrq(dev: PCIDevice, pin: number): number {
    return (pin + dev.slot) & 3;
  }

  setBusIrq(pirq: number, level: boolean): void {
    const picIrq = this.config[PIIX_PIRQCA + pirq]!;
    if (picIrq >= PIIX_NUM_PIC_IRQS) return;
    this.setLevel(picIrq, pirq, level);
    this.pic[picIrq]!.set(this.picLevelOf(picIrq));
  }

  private setLevel(picIrq: number, pirq: number, level: boolean): void {
    const mask = 1n << BigInt(picIrq * PIIX_NUM_PIRQS + pirq);
    this.picLevels = level ? this.picLevels | mask : this.picLevels & ~mask;
  }

  private picLevelOf(picIrq: number): boolean {
    return ((this.picLevels >> BigInt(picIrq * PIIX_NUM_PIRQS)) & 0xfn) !== 0n;
  }

  override writeConfig(addr: number, value: number, len: number): void {
    this.defaultWriteConfig(addr, value, len);
    if (overlaps(addr, len, PIIX_PIRQCA, 4)) this.updateIrqLevels();
  }

  /**
   * Routing changed: recompute the levels from the bus, then drive all 16 PIC inputs, as
   * QEMU's piix3_write_config does (an input no PIRQ routes to any more is lowered).
   */
  private updateIrqLevels(): void {
    const bus = this.bus!;
    this.picLevels = 0n;
    for (let pirq = 0; pirq < PIIX_NUM_PIRQS; pirq++) {
      const picIrq = this.config[PIIX_PIRQCA + pirq]!;
      if (picIrq < PIIX_NUM_PIC_IRQS) this.setLevel(picIrq, pirq, bus.irqLevel(pirq));
    }
    for (let i = 0; i < PIIX_NUM_PIC_IRQS; i++) this.pic[i]!.set(this.picLevelOf(i));
  }

  private resetRegisters(): void {
    for (const [at, v] of RESET_VALUES) this.config[at] = v;
    this.picLevels = 0n;
    this.rcr = 0;
  }

  override reset(): void {
    this.resetRegisters();
    super.reset();
  }
}
