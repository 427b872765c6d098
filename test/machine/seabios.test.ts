// The proof that tcg86 is the PC SeaBIOS expects: Debian's SeaBIOS 1.16 on
// `-nodefaults -vga std` writes the same debug log (port 0x402) as on QEMU 7.2
// (test/golden/pci/seabios-nodefaults.log, scripts/record-golden-pci.mjs) from its banner
// through PCI enumeration and resource allocation, the VGA option ROM (SeaVGABIOS in the
// ROM BAR, its LFB found in BAR0), the boot menu's device scan, to "No bootable device.",
// on both engines; and the PCI functions end configured as on QEMU. With -smp 2
// (seabios-smp2.log) SeaBIOS wakes the AP with INIT-SIPI-SIPI, counts two CPUs and builds its
// MP table and MADT for both, again as on QEMU.
//
// Lines that differ, each for a reason tcg86 does not model yet (DEVIATIONS.md):
// - tcg86's DSDT is smaller than QEMU's (no PCI or CPU hotplug AML), so the FACP that follows it
//   and the DSDT's length differ in SeaBIOS's two ACPI lines;
// - no kvmvapic option ROM: its bootorder search and "Running option rom at ca00" are absent,
//   the UMB space starts where it would have been, and as that legacy ROM is also a boot
//   connection vector on QEMU (which puts "Hard Disk" first), SeaBIOS tries the floppy first.
import { afterEach, describe, expect, it } from 'vitest';
import { formatPciInfo } from '../../src/devices/pci/pci-info.js';
import type { PcMachine } from '../../src/machine/pc.js';
import { dumpConfig, readDump } from '../devices/pci/pci-helpers.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { END, haveSeabios, runSeabios } from './seabios-run.js';

const GOLD = path.resolve(import.meta.dirname, '../golden/pci');

/** QEMU lines that depend on what tcg86 lacks, and tcg86 lines QEMU does not print. */
const QEMU_ONLY = [/^Searching bootorder for: \/rom@genroms\/kvmvapic\.bin$/, /^Running option rom at ca00:0003$/];
const TCG86_ONLY: RegExp[] = [];
/** Lines whose numbers differ (the pattern must match both). */
const VALUES_DIFFER = [
  /^table\(50434146\)=0x[0-9a-f]+ \(via rsdt\)$/,
  /^ACPI: parse DSDT at 0x[0-9a-f]+ \(len \d+\)$/,
  // SeaBIOS builds the MP table in its heap after one record per fw_cfg file; QEMU has more
  // files (genroms/kvmvapic.bin, etc/tpm/log), so the heap address differs.
  /^Copying MPTABLE from 0x[0-9a-f]+\/[0-9a-f]+ to 0x[0-9a-f]+$/,
  /^Space available for UMB: /,
];
/** Boot attempts whose order differs (see above). */
const BOOT_ORDER = /^Booting from (Hard Disk|Floppy)\.\.\.$/;

/** QEMU's log and ours with the known differences removed or masked. */
function comparable(log: string, only: RegExp[]): string[] {
  return log
    .split('\n')
    .filter((l) => !only.some((r) => r.test(l)))
    .map((l) => (BOOT_ORDER.test(l) ? '<Booting from the hard disk or the floppy>' : l))
    .map((l) => (VALUES_DIFFER.some((r) => r.test(l)) ? `<differs: ${l.replace(/[0-9a-fx]*[0-9][0-9a-fx]*/g, 'N')}>` : l));
}

let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

describe.skipIf(!haveSeabios)('SeaBIOS boots as on QEMU 7.2', () => {
  const qemu = fs.readFileSync(path.join(GOLD, 'seabios-nodefaults.log'), 'latin1');

  it.each(['tcg', 'interp'] as const)('%s: the debug log matches QEMU line by line to "No bootable device."', async (engine) => {
    const run = await runSeabios(engine);
    machine = run.machine;
    expect(run.log).toContain(END);
    expect(comparable(run.log, TCG86_ONLY)).toEqual(comparable(qemu, QEMU_ONLY));
    // Everything up to the MP table is identical, unmasked.
    const prefix = qemu.slice(0, qemu.indexOf('Copying MPTABLE'));
    expect(prefix.split('\n').length).toBeGreaterThan(8);
    expect(run.log.startsWith(prefix)).toBe(true);
  });

  it.each(['tcg', 'interp'] as const)('%s -smp 2: SeaBIOS starts the AP and its log matches QEMU\'s the same way', async (engine) => {
    const qemu2 = fs.readFileSync(path.join(GOLD, 'seabios-smp2.log'), 'latin1');
    const run = await runSeabios(engine, ['-smp', '2']);
    machine = run.machine;
    expect(run.log).toContain(END);
    expect(run.log).toContain('handle_smp: apic_id=0x1\n');
    expect(run.log).toContain('Found 2 cpu(s) max supported 2 cpu(s)\n');
    expect(comparable(run.log, TCG86_ONLY)).toEqual(comparable(qemu2, QEMU_ONLY));
    // The AP ran SeaBIOS's start-up code and went back to sleep (halted with interrupts off).
    const ap = run.machine.cpus[1]!;
    expect(ap.waitForSipi).toBe(false);
    expect(ap.icount).toBeGreaterThan(0);
  });

  it('leaves every PCI function configured as on QEMU (BARs, PAM, PIRQ routing, PM and SMBus bases)', async () => {
    const run = await runSeabios('tcg');
    machine = run.machine;
    const golden = readDump('config-seabios.txt');
    for (const [devfn, words] of golden) {
      const ours = dumpConfig(run.machine, devfn);
      for (let i = 0; i < 64; i++) {
        const want = words[i]!;
        expect(ours[i]!.toString(16), `devfn ${devfn.toString(16)} reg ${(i * 4).toString(16)}`).toBe(want.toString(16));
      }
    }
    expect(formatPciInfo(run.machine.pciBoard.bus)).toBe(fs.readFileSync(path.join(GOLD, 'info-pci-seabios.txt'), 'utf8'));
  });
});
