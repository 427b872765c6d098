// The chipset's share of `info mtree` / `info mtree -f` against QEMU 7.2 on -nodefaults -vga
// std with SeaBIOS (test/golden/pci/mtree-*.txt, scripts/record-golden-pci.mjs): at reset, the PAM
// aliases, SMRAM window, pci container, config ports, reset control, PM, APM and SMBus
// regions; after SeaBIOS, the PAM segments it made RAM and the BARs it placed. Regions of
// devices tcg86 lacks (DMA, IDE/floppy ports, kvmvapic, the VGA's EDID...) are
// not compared.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { PcMachine } from '../../../src/machine/pc.js';
import { formatMtree, formatMtreeFlat } from '../../../src/memory/index.js';
import { flatSections, treeSections } from '../mtree-sections.js';
import { haveSeabios, runSeabios } from '../../machine/seabios-run.js';

const GOLD = path.resolve(import.meta.dirname, '../../golden/pci');
const CHIPSET = /pam-|smram|hpet|[ @]pci\b|pci-conf|vga|bochs dispi|qemu extended|piix|acpi-(evt|cnt|tmr)|pm-smbus|apm-io|bmdma|ram-below-4g|ioapic|pc\.bios|isa-bios|pc\.rom|: pc\.ram/;
/** SeaBIOS without ACPI tables from the machine keeps pm_base 0xb000 (QEMU's moves to 0x600). */
const PM_BASE_DEPENDENT = /acpi-(evt|cnt|tmr)|pm-smbus|piix4-pm/;
/** QEMU's kvmvapic ROM (RAM alias at 0xca000) and the std VGA's EDID blob at mmio 0x000-0x17f. */
const KVMVAPIC_EDID_DEPENDENT = /^ {2}00000000000c[0-9a-f]{4}-|^ {2}00000000febf0(000|180)-00000000febf03ff .*vga\.mmio/;
const AFTER_SEABIOS = new RegExp(`${PM_BASE_DEPENDENT.source}|${KVMVAPIC_EDID_DEPENDENT.source}`);

function compare(m: PcMachine, golden: string, skip: RegExp | null): number {
  const [, qemuTree, qemuFlat] = golden.split(/^## info mtree(?: -f)?\n/m) as [string, string, string];
  const pick = (lines: string[] | undefined) => (lines ?? []).filter((l) => CHIPSET.test(l) && !(skip && skip.test(l)));
  const ours = treeSections(formatMtree(m.sys));
  const theirs = treeSections(qemuTree);
  let compared = 0;
  for (const key of ['address-space: memory', 'address-space: I/O', 'memory-region: pci']) {
    expect(pick(ours.get(key)), key).toEqual(pick(theirs.get(key)));
    compared += pick(theirs.get(key)).length;
  }
  const oursFlat = flatSections(formatMtreeFlat(m.sys));
  const theirsFlat = flatSections(qemuFlat);
  for (const as of ['memory', 'I/O']) {
    expect(pick(oursFlat.get(as)), `-f ${as}`).toEqual(pick(theirsFlat.get(as)));
    compared += pick(theirsFlat.get(as)).length;
  }
  return compared;
}

let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

describe('info mtree: the chipset regions match QEMU', () => {
  it.skipIf(!haveSeabios)('at reset', () => {
    machine = new PcMachine(parseArgs(['-nodefaults', '-vga', 'std', '-display', 'none']));
    expect(compare(machine, fs.readFileSync(path.join(GOLD, 'mtree-reset.txt'), 'utf8'), null)).toBeGreaterThan(40);
  });

  it.skipIf(!haveSeabios)('after SeaBIOS (PAM segments now RAM, BARs placed)', async () => {
    const run = await runSeabios('tcg');
    machine = run.machine;
    expect(compare(machine, fs.readFileSync(path.join(GOLD, 'mtree-seabios.txt'), 'utf8'), AFTER_SEABIOS)).toBeGreaterThan(40);
  });
});
