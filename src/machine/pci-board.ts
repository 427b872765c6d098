// The pc's PCI side, as QEMU's pc_init1 builds it with i440fx_init and piix3: the host bridge
// (config mechanism #1, PAM, SMRAM) at 00:00.0, the PIIX3 ISA bridge 00:01.0 routing PIRQA-D
// to the 8259, its IDE 00:01.1 and PM 00:01.3 functions, and the std VGA at 00:02.0.

import * as fs from 'node:fs';
import type { AddressSpace, MemoryRegion, MemorySystem } from '../memory/index.js';
import type { VirtualClock } from '../devices/clock.js';
import type { IrqLine } from '../devices/irq.js';
import { PCIBus } from '../devices/pci/pci-bus.js';
import { PCIHostState } from '../devices/pci/pci-host.js';
import { I440FX } from '../devices/pci/i440fx.js';
import { PIIX3 } from '../devices/pci/piix3.js';
import { PiixIde, type IdeDriveSpec } from '../devices/pci/piix-ide.js';
import { PIIX4PM } from '../devices/pci/piix4-pm.js';
import { PCIVGAState } from '../devices/vga/vga-pci.js';
import { PCI_BUS_VMSTATE, PCI_HOST_VMSTATE } from '../devices/pci/pci-vmstate.js';
import type { VGACommonState } from '../devices/vga/index.js';

export interface PciBoardConfig {
  system: MemoryRegion;
  ram: MemoryRegion;
  pci: MemoryRegion;
  ioRoot: MemoryRegion;
  /** Where bus-master DMA goes (the CPU's `memory` space). */
  dma: AddressSpace;
  /** IDE drives by slot (primary master, primary slave, secondary master, secondary slave). */
  ideDrives: readonly (IdeDriveSpec | null)[];
  clock: VirtualClock;
  pic: readonly IrqLine[];
  ramSize: number;
  vga: VGACommonState | null;
  /** The VGA BIOS for the VGA's ROM BAR (null: no ROM BAR). */
  vgaRom: string | null;
  serials: { com1: boolean; com2: boolean };
  resetRequest(): void;
  shutdown(): void;
  unimp(msg: string): void;
}

export class PciBoardError extends Error {}

export class PciBoard {
  readonly bus: PCIBus;
  readonly host: PCIHostState;
  readonly i440fx: I440FX;
  readonly piix3: PIIX3;
  readonly ide: PiixIde;
  readonly pm: PIIX4PM;
  readonly vga: PCIVGAState | null = null;

  constructor(sys: MemorySystem, cfg: PciBoardConfig) {
    this.bus = new PCIBus('pci.0', cfg.pci, cfg.ioRoot);
    this.host = new PCIHostState(sys, 'i440fx-pcihost', this.bus);
    this.i440fx = new I440FX(sys, cfg.system, cfg.ram, cfg.pci, cfg.ramSize);
    this.bus.plug(this.i440fx);
    this.piix3 = new PIIX3(sys, this.bus, cfg.pic, cfg.resetRequest);
    this.ide = new PiixIde(sys, this.bus, cfg.dma, { primary: cfg.pic[14]!, secondary: cfg.pic[15]! }, cfg.ideDrives);
    // QEMU wires the SCI to ISA IRQ 9.
    this.pm = new PIIX4PM(sys, this.bus, cfg.clock, cfg.pic[9]!, { shutdown: cfg.shutdown, unimp: cfg.unimp }, cfg.serials);
    if (cfg.vga) {
      let rom: Uint8Array | null = null;
      if (cfg.vgaRom) {
        try {
          rom = new Uint8Array(fs.readFileSync(cfg.vgaRom));
        } catch (e) {
          throw new PciBoardError(`VGA BIOS ${cfg.vgaRom}: cannot read it (${(e as Error).message})`);
        }
        if (rom.length === 0 || rom.length > 16 * 1024 * 1024) throw new PciBoardError(`VGA BIOS ${cfg.vgaRom}: ${rom.length} bytes is not a ROM size`);
      }
      this.vga = new PCIVGAState(sys, this.bus, cfg.vga, rom);
    }
    // The bus and the config address register after the functions, as QEMU orders them.
    sys.vmstate.register(PCI_BUS_VMSTATE, this.bus);
    sys.vmstate.register(PCI_HOST_VMSTATE, this.host);
    sys.transaction(() => {
      this.host.map(cfg.ioRoot);
      this.piix3.map(cfg.ioRoot);
      this.ide.mapLegacy(cfg.ioRoot);
      this.pm.map(cfg.ioRoot);
    });
  }

  /** System reset: every function's PCI reset (the i440FX keeps its PAM and SMRAM). */
  reset(): void {
    this.host.reset();
    this.bus.reset();
  }
}
