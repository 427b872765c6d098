// The i440FX host bridge, 00:00.0 (8086:1237), as QEMU's hw/pci-host/i440fx.c: the PAM
// registers 0x59-0x5f drive the 0xc0000-0xfffff shadow segments, SMRAM control (0x72) opens
// RAM at 0xa0000 in place of the PCI space (the VGA window) while D_OPEN is set, and 0x57
// reports the RAM size in 8 MiB units as QEMU's does.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import { PCIDevice, overlaps } from './pci-device.js';
import { PAMMemoryRegion } from './pam.js';
import { I440FX_VMSTATE } from './pci-vmstate.js';

export const I440FX_PAM = 0x59;
export const I440FX_PAM_SIZE = 7;
export const I440FX_SMRAM = 0x72;
export const I440FX_COREBOOT_RAM_SIZE = 0x57;
export const SMRAM_D_OPEN = 0x40;
export const SMRAM_G_SMRAME = 0x08;
const SMRAM_DEFAULT = 0x02;

export class I440FX extends PCIDevice {
  /** Segment 0 is 0xf0000-0xfffff (PAM0's high nibble); 1-12 are the 16 KiB ones from 0xc0000. */
  readonly pam: PAMMemoryRegion[] = [];
  readonly smramRegion: MemoryRegion;

  constructor(sys: MemorySystem, system: MemoryRegion, ram: MemoryRegion, pci: MemoryRegion, ramSize: number) {
    super(sys, 'i440FX', 0, { vendor: 0x8086, device: 0x1237, classId: 0x0600, revision: 0x02 });
    const owner = 'i440fx';
    this.smramRegion = MemoryRegion.alias(sys, owner, 'smram-region', pci, 0xa0000, 0x20000);
    sys.transaction(() => {
      system.addSubregionOverlap(0xa0000, this.smramRegion, 1);
      this.pam.push(new PAMMemoryRegion(sys, owner, system, ram, pci, 0xf0000, 0x10000));
      for (let i = 0; i < 12; i++) this.pam.push(new PAMMemoryRegion(sys, owner, system, ram, pci, 0xc0000 + i * 0x4000, 0x4000));
    });
    this.config[I440FX_COREBOOT_RAM_SIZE] = Math.min(255, Math.floor(ramSize / (8 * 1024 * 1024)));
    this.config[I440FX_SMRAM] = SMRAM_DEFAULT;
    sys.vmstate.register(I440FX_VMSTATE, this);
  }

  override writeConfig(addr: number, value: number, len: number): void {
    this.defaultWriteConfig(addr, value, len);
    if (overlaps(addr, len, I440FX_PAM, I440FX_PAM_SIZE) || overlaps(addr, len, I440FX_SMRAM, 1)) this.updateMemoryMappings();
  }

  /** QEMU's i440fx_update_memory_mappings. */
  updateMemoryMappings(): void {
    this.sys.transaction(() => {
      for (let i = 0; i < this.pam.length; i++) {
        const reg = this.config[I440FX_PAM + ((i + 1) >> 1)]!;
        this.pam[i]!.update(i & 1 ? reg : reg >> 4);
      }
      this.smramRegion.setEnabled(!(this.config[I440FX_SMRAM]! & SMRAM_D_OPEN));
    });
  }
  // The PAM and SMRAM registers survive a system reset, as in QEMU (SeaBIOS relies on it).
}
