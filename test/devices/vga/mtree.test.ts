// The VGA parts of `info mtree` / `info mtree -f` on the pc board against QEMU 7.2's output for
// the same port writes (recorded by scripts/record-golden-mtree.mjs): vga-lowmem in the PCI
// space, the vga.chain4 alias of vga.vram in each chain-4 map and VBE bank, the vga/vbe ports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { PcMachine } from '../../../src/machine/pc.js';
import { formatMtree, formatMtreeFlat } from '../../../src/memory/index.js';
import { flatSections, treeSections } from '../mtree-sections.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const GOLD = path.join(ROOT, 'test/golden/mtree');

interface State {
  name: string;
  writes: [number, number, number][];
}
const { states } = JSON.parse(fs.readFileSync(path.join(GOLD, 'vga-states.json'), 'utf8')) as { states: State[] };

const vgaLines = (lines: string[] | undefined) => (lines ?? []).filter((l) => /vga|vbe/.test(l));

describe('info mtree: the VGA regions match QEMU', () => {
  it.each(states.map((s) => [s.name, s] as const))('%s', (name, st) => {
    const golden = fs.readFileSync(path.join(GOLD, `${name}.txt`), 'utf8');
    const [, qemuTree, qemuFlat] = golden.split(/^## info mtree(?: -f)?\n/m) as [string, string, string];
    const machine = new PcMachine(
      parseArgs(['-bios', path.join(ROOT, 'roms/vga.bin'), '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot']),
    );
    try {
      for (const [size, port, value] of st.writes) {
        if (size === 1) machine.io.stb(port, value);
        else machine.io.stw(port, value);
      }
      const ours = treeSections(formatMtree(machine.sys));
      const theirs = treeSections(qemuTree);
      for (const key of ['address-space: memory', 'address-space: I/O', 'memory-region: pci', 'memory-region: vga.vram']) {
        expect(ours.has(key), key).toBe(theirs.has(key));
        expect(vgaLines(ours.get(key)), key).toEqual(vgaLines(theirs.get(key)));
      }
      const oursFlat = flatSections(formatMtreeFlat(machine.sys));
      const theirsFlat = flatSections(qemuFlat);
      for (const as of ['memory', 'I/O']) expect(vgaLines(oursFlat.get(as)), `-f ${as}`).toEqual(vgaLines(theirsFlat.get(as)));
      // The checks above must have had something to compare.
      expect(vgaLines(theirs.get('address-space: I/O')).length).toBe(6);
    } finally {
      machine.shutdown();
    }
  });
});
