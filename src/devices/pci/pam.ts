// One Programmable Attribute Map segment of the i440FX (QEMU's hw/pci-host/pam.c): four
// aliases over the same guest range, of which one is enabled at a time: PCI (0), RAM read
// only (1, writes dropped), RAM for writes only (2: QEMU maps plain RAM, reads included),
// RAM (3).

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';

export const PAM_ATTR_MASK = 3;

export class PAMMemoryRegion {
  readonly alias: MemoryRegion[];
  current = 0;

  constructor(sys: MemorySystem, owner: string, system: MemoryRegion, ram: MemoryRegion, pci: MemoryRegion, start: number, size: number) {
    const toPci = MemoryRegion.alias(sys, owner, 'pam-pci', pci, start, size);
    const rom = MemoryRegion.alias(sys, owner, 'pam-rom', ram, start, size);
    rom.setReadonly(true);
    const writeOnly = MemoryRegion.alias(sys, owner, 'pam-pci', ram, start, size);
    const rw = MemoryRegion.alias(sys, owner, 'pam-ram', ram, start, size);
    this.alias = [toPci, rom, writeOnly, rw];
    sys.transaction(() => {
      for (const a of this.alias) {
        a.setEnabled(false);
        system.addSubregionOverlap(start, a, 1);
      }
      this.alias[0]!.setEnabled(true);
    });
  }

  /** Enable the alias for attribute bits `attr` (QEMU's pam_update). */
  update(attr: number): void {
    const next = attr & PAM_ATTR_MASK;
    if (next === this.current) return;
    this.alias[this.current]!.setEnabled(false);
    this.current = next;
    this.alias[next]!.setEnabled(true);
  }
}
