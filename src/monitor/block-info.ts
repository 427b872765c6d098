// `info block` in QEMU's layout: one entry per drive with its image, format and flags, where it
// is attached, tray state for removable media and the cache mode. Node names count the drives
// (QEMU's are allocation numbers); "Attached to" names the controller slot (tcg86 has no QOM tree).

import type { PcMachine } from '../machine/pc.js';

export function formatBlockInfo(machine: PcMachine): string {
  const out: string[] = [];
  machine.blockDevices.forEach(({ spec, blk }, n) => {
    const bus = Math.floor(spec.index / 2);
    const unit = spec.index % 2;
    const name = spec.interface === 'floppy' ? `floppy${spec.index}` : `ide${bus}-${spec.media === 'cdrom' ? 'cd' : 'hd'}${unit}`;
    const flags = ['raw', ...(blk.readonly ? ['read-only'] : [])].join(', ');
    let entry = `${name} (#block${n + 1}): ${blk.filename} (${flags})\n`;
    entry += `    Attached to:      ${spec.interface === 'floppy' ? `isa-fdc unit ${spec.index}` : `piix3-ide ide.${bus} unit ${unit}`}\n`;
    if (spec.media === 'cdrom') {
      const drive = machine.pciBoard.ide.drives[spec.index];
      entry += `    Removable device: ${drive?.trayLocked ? 'locked' : 'not locked'}, tray ${drive?.trayOpen ? 'open' : 'closed'}\n`;
    }
    // A snapshot's writes live in memory: a flush has nothing to make durable.
    entry += `    Cache mode:       writeback${blk.snapshot ? ', ignore flushes' : ''}\n`;
    if (blk.snapshot) entry += `    Backing file:     ${blk.filename} (chain depth: 1)\n`;
    out.push(entry);
  });
  return out.join('\n');
}
