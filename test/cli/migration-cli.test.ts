// Migration through the real command line: two tcg86 processes over loopback TCP
// (--migrate-at-insn on the source, -incoming on the destination), a snapshot file that the
// destination refuses once truncated (one line, status 1), and bad -incoming/--migrate-at-insn.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROM_FLAGS, ROOT, type CliProcess } from './cli-process.js';
import { freePort } from '../migration/helpers.js';

const ROM = ['-bios', path.join(ROOT, 'roms/migrate-dirty.bin'), '-m', '16', ...ROM_FLAGS, '-debugcon', 'stdio'];
const GOLDEN = fs.readFileSync(path.join(ROOT, 'test/golden/roms/migrate-dirty.out'), 'latin1');

function icountOf(stderr: Buffer | string): number {
  const m = /"icount":(\d+)/.exec(String(stderr));
  if (!m) throw new Error(`no --stats=json in: ${String(stderr)}`);
  return Number(m[1]);
}

describe('migration on the command line', () => {
  let cli: CliProcess;
  beforeAll(async () => {
    cli = await cliProcess();
  });
  afterAll(() => cli.remove());

  it('moves a running guest to a second process over TCP', async () => {
    const ref = cli.run([...ROM, '--stats=json']);
    expect(ref.stdout.toString('latin1')).toBe(GOLDEN);
    const port = await freePort();
    const dst = spawn(process.execPath, [cli.cli, ...ROM, '-incoming', `tcp:127.0.0.1:${port}`, '--stats=json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let dstOut = '';
    let dstErr = '';
    dst.stdout.on('data', (d: Buffer) => (dstOut += d.toString('latin1')));
    dst.stderr.on('data', (d: Buffer) => (dstErr += d.toString('latin1')));
    const dstExit = new Promise<number | null>((r) => dst.on('exit', (code) => r(code)));
    // The destination listens once it has started; retry the source until it connects.
    let src = cli.run([...ROM, '--migrate-at-insn', '1000000', `tcp:127.0.0.1:${port}`]);
    for (let k = 0; k < 20 && /ECONNREFUSED/.test(src.stderr.toString()); k++) {
      await new Promise((r) => setTimeout(r, 250));
      src = cli.run([...ROM, '--migrate-at-insn', '1000000', `tcp:127.0.0.1:${port}`]);
    }
    expect(src.stderr.toString()).toBe('');
    expect(src.status, 'the source exits 0 once the destination has the guest').toBe(0);
    expect(await dstExit).toBe(ref.status);
    expect(src.stdout.toString('latin1') + dstOut).toBe(GOLDEN);
    expect(icountOf(dstErr)).toBe(icountOf(ref.stderr));
  });

  it('refuses a truncated snapshot with one line and status 1', () => {
    const file = path.join(cli.dir, 'snap.mig');
    const src = cli.run([...ROM, '--migrate-at-insn', '1000000', `file:${file}`]);
    expect(src.status).toBe(0);
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 100));
    const dst = cli.run([...ROM, '-incoming', `file:${file}`]);
    expect(dst.status).toBe(1);
    expect(dst.stdout.toString()).toBe('');
    expect(dst.stderr.toString()).toMatch(/^tcg86: incoming migration refused: the stream is truncated: it ends \d+ bytes into section \d+ \(device state\) at offset \d+\n$/);
    fs.writeFileSync(file, whole);
    const ok = cli.run([...ROM, '-incoming', `file:${file}`]);
    expect(ok.status).toBe(1); // the ROM's own exit (isa-debug-exit 0)
    expect(src.stdout.toString('latin1') + ok.stdout.toString('latin1')).toBe(GOLDEN);
  });

  it('names a bad URI or a missing file', () => {
    const bad = cli.run([...ROM, '-incoming', 'udp:1.2.3.4:5']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toBe("tcg86: -incoming: 'udp:1.2.3.4:5': expected tcp:HOST:PORT, file:PATH, exec:CMD or defer\n");
    const badPort = cli.run([...ROM, '-incoming', 'tcp:127.0.0.1:99999']);
    expect(badPort.stderr.toString()).toBe("tcg86: -incoming: 'tcp:127.0.0.1:99999': expected tcp:HOST:PORT with a port number 0-65535\n");
    const missing = cli.run([...ROM, '-incoming', `file:${path.join(cli.dir, 'nope.mig')}`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.toString()).toMatch(/^tcg86: incoming migration refused: cannot read .*nope\.mig: ENOENT/);
    const at = cli.run([...ROM, '--migrate-at-insn', 'soon', 'file:x']);
    expect(at.stderr.toString()).toBe("tcg86: --migrate-at-insn: 'soon' is not an instruction count\n");
  });
});
