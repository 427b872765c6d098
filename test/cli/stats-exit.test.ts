// --stats is written on every way out of the command line: the guest's exit, a triple fault with
// -no-reboot, the monitor's quit, and SIGTERM (after which the process still dies of the signal);
// --profile too, and plugins' atexit callbacks (SIGINT).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROM_FLAGS, ROOT, type CliProcess } from './cli-process.js';

let cli: CliProcess;
beforeAll(async () => {
  cli = await cliProcess();
});
afterAll(() => cli?.remove());

const HEADER = /^tcg86 statistics \(tcg engine\)\n {2}guest instructions +[\d,]+\n/m;

describe('--stats on every way out', () => {
  it('after the guest exits through isa-debug-exit, as JSON', () => {
    const p = cli.rom('exit.bin', [0xb0, 0x00, 0xe6, 0xf4]); // mov al,0; out 0xf4,al
    const r = cli.run(['-bios', p, ...ROM_FLAGS, '--stats=json']);
    expect(r.status).toBe(1);
    const s = JSON.parse(r.stderr.toString().trim()) as { icount: number };
    expect(s.icount).toBe(3); // the reset vector's far jump, mov, out
  });

  it('after a triple fault with -no-reboot', () => {
    // mov ax,0xf000; mov ds,ax; lidt [0x100] (limit 0); int3: #GP, #DF, shutdown.
    const p = cli.rom('triple.bin', [0xb8, 0x00, 0xf0, 0x8e, 0xd8, 0x0f, 0x01, 0x1e, 0x00, 0x01, 0xcc]);
    const r = cli.run(['-bios', p, ...ROM_FLAGS, '--stats']);
    const err = r.stderr.toString();
    expect(r.status).toBe(0);
    expect(err).toContain('triple-faulted');
    expect(err).toMatch(HEADER);
  });

  it('after quit in the monitor (and --profile FILE.html)', () => {
    const p = cli.rom('halt.bin', [0xfa, 0xf4]); // cli; hlt
    const html = path.join(cli.dir, 'quit.html');
    const r = cli.run(['-bios', p, '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '--stats', '--profile', html], { input: 'quit\n' });
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toMatch(HEADER);
    // The bundle inlines uPlot: the file needs nothing else.
    const text = fs.readFileSync(html, 'utf8');
    expect(text).toContain('<title>tcg86 profile</title>');
    expect(text.length).toBeGreaterThan(50_000); // uPlot (about 51 KB minified) is in it
  });

  it('on SIGTERM, and the process still ends by the signal (the --profile file too)', async () => {
    const prof = path.join(cli.dir, 'sigterm.json');
    const child = spawn(process.execPath, [cli.cli, '-bios', path.join(ROOT, 'roms/mon-busy.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'none', '--stats', '--profile', prof], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    // The prompt shows the machine runs (and the handlers are in place).
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('(qemu)') && resolve()));
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(err).toMatch(HEADER);
    const profile = JSON.parse(fs.readFileSync(prof, 'utf8')) as { header: { icount: number }; series: { instructions: number[] } };
    expect(profile.header.icount).toBeGreaterThan(0);
    expect(profile.series.instructions.at(-1)).toBe(profile.header.icount);
  });

  it("runs plugins' atexit callbacks on SIGINT, and the process still ends by the signal", async () => {
    const log = path.join(cli.dir, 'sigint-plugin.log');
    const child = spawn(process.execPath, [cli.cli, '-bios', path.join(ROOT, 'roms/mon-busy.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'none', '-plugin', path.join(ROOT, 'plugins/hotblocks.mjs'), '-D', log], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('(qemu)') && resolve()));
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    // hotblocks' report, written by its atexit callback.
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^collected \d+ entries in the hash table\npc, tcount, icount, ecount\n0x/m);
  });
});
