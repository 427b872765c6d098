// The monitor's migration commands: parameters and capabilities as QEMU names and prints them,
// `migrate` of a paused guest to a file and `info migrate` after it, `-incoming defer` then
// `migrate_incoming`, and the errors QEMU gives for misuse.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Monitor } from '../../src/monitor/monitor.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function monitored(extra: string[]): { machine: PcMachine; stdio: MemoryCharBackend } {
  const stdio = new MemoryCharBackend();
  const args = ['-bios', path.join(ROOT, 'roms/migrate-dirty.bin'), '-m', '16', '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'null', ...extra];
  const machine = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null) });
  new Monitor(machine, machine.chardevs.get(machine.config.monitor!), { muxed: false });
  return { machine, stdio };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let k = 0; k < 2000 && !cond(); k++) await sleep(5);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('monitor migration commands', () => {
  it('set parameters, migrate a paused guest to a file, load it with -incoming defer + migrate_incoming', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'mon.mig');
    const a = monitored(['-S']);
    const runA = a.machine.run(50_000_000);
    a.stdio.inject(
      'migrate_set_parameter downtime-limit 100\nmigrate_set_parameter max-bandwidth 64M\n' +
        'migrate_set_parameter speed 1\nmigrate_set_capability auto-converge on\ninfo migrate_parameters\n' +
        `migrate -d file:${file}\n`,
    );
    await until(() => a.machine.migration.status === 'completed', 'the migration');
    a.stdio.inject('info migrate\nmigrate_incoming file:x\nquit\n');
    expect(await runA).toBe(0);
    const text = a.stdio.text().replace(/\r\n/g, '\n');
    expect(text).toContain("Invalid parameter 'speed'");
    expect(text).toContain('max-bandwidth: 67108864 bytes/second\ndowntime-limit: 100 ms\n');
    expect(text).toContain('capabilities: auto-converge: on\n');
    expect(text).toMatch(/Migration status: completed\ntotal time: \d+ ms\ndowntime: \d+ ms\nsetup: \d+ ms\ntransferred ram: \d+ kbytes\n/);
    // Every RAMBlock's used length: guest RAM, vram, the BIOS and the VGA BIOS ROM.
    const totalKiB = a.machine.sys.ramList.blocks.reduce((n, b) => n + b.usedLength, 0) / 1024;
    expect(text).toMatch(new RegExp(`total ram: ${totalKiB} kbytes\nduplicate: \\d+ pages\nskipped: 0 pages\nnormal: \\d+ pages\n`));
    expect(text).toContain("'-incoming' was not specified on the command line");
    expect(a.machine.runState).toBe('postmigrate');
    a.machine.shutdown();

    const b = monitored(['-incoming', 'defer', '-S']);
    const runB = b.machine.run(50_000_000);
    b.stdio.inject(`migrate_incoming file:${file}\n`);
    await until(() => b.machine.runState === 'paused', 'the stream to load (paused: -S)');
    expect(b.machine.cpu.eip).toBe(a.machine.cpu.eip);
    expect(b.machine.cpu.icount).toBe(a.machine.cpu.icount);
    b.stdio.inject('info status\nquit\n');
    await until(() => b.stdio.text().includes('VM status'), 'info status');
    expect(b.stdio.text()).toContain('VM status: paused');
    expect(await runB).toBe(0);
    b.machine.shutdown();
    fs.rmSync(path.dirname(file), { recursive: true });
  });
  it('migrate without -d holds the prompt until the migration ends, while the guest and another monitor go on', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'sync.mig');
    const stdio = new MemoryCharBackend();
    const other = new MemoryCharBackend();
    const args = ['-bios', path.join(ROOT, 'roms/qmp-guest.bin'), '-m', '16', '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'null'];
    const machine = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null) });
    new Monitor(machine, machine.chardevs.get(machine.config.monitor!), { muxed: false });
    new Monitor(machine, other, { muxed: false });
    const run = machine.run();
    // 1 MiB/s: the guest's few hundred KiB of non-zero pages take a good fraction of a second.
    stdio.inject(`migrate_set_parameter max-bandwidth 1M\nmigrate file:${file}\ninfo status\n`);
    await until(() => machine.migration.status === 'active', 'the migration to start');
    const insn = machine.cpu.icount;
    other.inject('info status\n');
    await until(() => other.text().includes('VM status: running'), 'the other monitor');
    expect(machine.migration.status, 'still migrating (the check above is meaningful)').toBe('active');
    expect(machine.cpu.icount, 'the guest runs while the prompt is held').toBeGreaterThan(insn);
    const held = stdio.text().replace(/\r\n/g, '\n');
    expect(held.endsWith(`(qemu) migrate file:${file}\n`), held).toBe(true);
    await until(() => machine.migration.status === 'completed', 'the migration');
    await until(() => stdio.text().includes('VM status: paused (postmigrate)'), 'the held line to run');
    // The prompt came back only after the migration, then the held line ran.
    expect(stdio.text().replace(/\r\n/g, '\n')).toContain(`(qemu) migrate file:${file}\n(qemu) info status\nVM status: paused (postmigrate)\n`);
    stdio.inject('quit\n');
    expect(await run).toBe(0);
    machine.shutdown();
  });
});
