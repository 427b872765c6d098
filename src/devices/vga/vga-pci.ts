// The std VGA as the PCI function 00:02.0 (1234:1111, class 0300), as QEMU's
// hw/display/vga-pci.c: BAR0 is vga.vram (prefetchable: the linear framebuffer goes where
// the firmware puts it), BAR2 is "vga.mmio" (the VGA ports at 0x400, the Bochs VBE registers
// at 0x500, QEMU's extended registers at 0x600), and the ROM BAR holds the VGA BIOS.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import { PCIDevice } from '../pci/pci-device.js';
import type { PCIBus } from '../pci/pci-bus.js';
import { PCI_BASE_ADDRESS_MEM_PREFETCH, PCI_BASE_ADDRESS_SPACE_MEMORY, PCI_ROM_SLOT } from '../pci/pci-regs.js';
import type { VGACommonState } from './vga.js';
import { vgaIoportRead, vgaIoportWrite } from './vga-ioport.js';
import { vbeIoportReadData, vbeIoportWriteData } from './vbe.js';
import { PCI_VGA_VMSTATE } from '../pci/pci-vmstate.js';

const PCI_VGA_MMIO_SIZE = 0x1000;
const PCI_VGA_IOPORT_OFFSET = 0x400;
const PCI_VGA_IOPORT_SIZE = 0x20;
const PCI_VGA_BOCHS_OFFSET = 0x500;
const PCI_VGA_BOCHS_SIZE = 0x0b * 2;
const PCI_VGA_QEXT_OFFSET = 0x600;
const PCI_VGA_QEXT_SIZE = 8;
const PCI_VGA_QEXT_LITTLE_ENDIAN = 0x1e1e1e1e;
const PCI_VGA_QEXT_BIG_ENDIAN = 0xbebebebe;

export class PCIVGAState extends PCIDevice {
  readonly mmio: MemoryRegion;
  readonly rom: MemoryRegion | null = null;
  /** QEMU's big_endian_fb, set through the extended registers (a display would honour it). */
  bigEndianFb = false;

  constructor(
    sys: MemorySystem,
    bus: PCIBus,
    readonly vga: VGACommonState,
    /** The VGA BIOS image for the ROM BAR (QEMU's romfile), or null for none. */
    romImage: Uint8Array | null,
  ) {
    super(sys, 'VGA', 0x10, { vendor: 0x1234, device: 0x1111, classId: 0x0300, revision: 0x02 });
    bus.plug(this);
    const owner = vga.vram.owner;
    this.mmio = MemoryRegion.io(sys, owner, 'vga.mmio', PCI_VGA_MMIO_SIZE, {
      read: (_a, size) => (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1),
      write: () => {},
    });
    const ioports = MemoryRegion.io(sys, owner, 'vga ioports remapped', PCI_VGA_IOPORT_SIZE, {
      read: (addr, size) => {
        let v = vgaIoportRead(vga, 0x3c0 + addr) & 0xff;
        if (size === 2) v |= (vgaIoportRead(vga, 0x3c1 + addr) & 0xff) << 8;
        return v;
      },
      write: (addr, value, size) => {
        vgaIoportWrite(vga, 0x3c0 + addr, value & 0xff);
        if (size === 2) vgaIoportWrite(vga, 0x3c1 + addr, (value >>> 8) & 0xff);
      },
      valid: { minAccessSize: 1, maxAccessSize: 2 },
      impl: { minAccessSize: 1, maxAccessSize: 2 },
    });
    const bochs = MemoryRegion.io(sys, owner, 'bochs dispi interface', PCI_VGA_BOCHS_SIZE, {
      read: (addr) => {
        vga.vbeIndex = addr >> 1;
        return vbeIoportReadData(vga);
      },
      write: (addr, value) => {
        vga.vbeIndex = addr >> 1;
        vbeIoportWriteData(vga, value & 0xffff);
      },
      valid: { minAccessSize: 1, maxAccessSize: 4 },
      impl: { minAccessSize: 2, maxAccessSize: 2 },
    });
    const qext = MemoryRegion.io(sys, owner, 'qemu extended regs', PCI_VGA_QEXT_SIZE, {
      read: (addr) => (addr === 0 ? PCI_VGA_QEXT_SIZE : addr === 4 ? (this.bigEndianFb ? PCI_VGA_QEXT_BIG_ENDIAN : PCI_VGA_QEXT_LITTLE_ENDIAN) : 0),
      write: (addr, value) => {
        if (addr !== 4) return;
        if (value >>> 0 === PCI_VGA_QEXT_BIG_ENDIAN) this.bigEndianFb = true;
        if (value >>> 0 === PCI_VGA_QEXT_LITTLE_ENDIAN) this.bigEndianFb = false;
      },
      valid: { minAccessSize: 4, maxAccessSize: 4 },
      impl: { minAccessSize: 4, maxAccessSize: 4 },
    });
    sys.transaction(() => {
      this.mmio.addSubregion(PCI_VGA_IOPORT_OFFSET, ioports);
      this.mmio.addSubregion(PCI_VGA_BOCHS_OFFSET, bochs);
      this.mmio.addSubregion(PCI_VGA_QEXT_OFFSET, qext);
    });
    this.registerBar(0, PCI_BASE_ADDRESS_MEM_PREFETCH, vga.vram);
    this.registerBar(2, PCI_BASE_ADDRESS_SPACE_MEMORY, this.mmio);
    if (romImage) {
      // QEMU's pci_add_option_rom: a ROM region of the image's size rounded up to a power of two.
      const size = 2 ** Math.ceil(Math.log2(Math.max(romImage.length, 1)));
      const rom = MemoryRegion.rom(sys, owner, 'vga.rom', size);
      rom.ramBlock!.host.set(romImage);
      this.rom = rom;
      this.registerBar(PCI_ROM_SLOT, PCI_BASE_ADDRESS_SPACE_MEMORY, rom);
    }
    sys.vmstate.register(PCI_VGA_VMSTATE, this);
  }
}
