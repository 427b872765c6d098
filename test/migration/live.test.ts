// Live migration end to end, in-process, on both engines: the source's output before the
// switch plus the destination's output after it equal an unmigrated run's output, and the
// destination ends at the same instruction count (TCP, file, ping-pong, self-modifying code).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, machine, reference, run, type TestMachine } from './helpers.js';

/** Run a source; if it ends without handing the guest over, stop the destination too. */
async function runSource(src: TestMachine, ...dsts: TestMachine[]): Promise<number> {
  const status = await run(src);
  if (src.m.migration.status !== 'completed') for (const d of dsts) d.m.requestExit(99);
  return status;
}

const ENGINES = ['interp', 'tcg'] as const;

describe.each(ENGINES)('live migration (%s)', (engine) => {
  it('over TCP in the middle of migrate-dirty', async () => {
    const ref = await reference('migrate-dirty', engine);
    const port = await freePort();
    const dst = machine('migrate-dirty', engine);
    dst.m.startIncoming(`tcp:127.0.0.1:${port}`);
    const src = machine('migrate-dirty', engine);
    src.m.migrateAt = { insn: Math.floor(ref.icount / 3), uri: `tcp:127.0.0.1:${port}` };
    const [srcStatus, dstStatus] = await Promise.all([runSource(src, dst), run(dst)]);
    expect(srcStatus, 'the source ends with 0 once the destination has the guest').toBe(0);
    expect(src.m.migration.status).toBe('completed');
    expect(src.out.text().length, 'the source printed part of the output').toBeGreaterThan(0);
    expect(src.out.text() + dst.out.text()).toBe(ref.output);
    expect(dstStatus).toBe(ref.status);
    expect(dst.m.cpu.icount).toBe(ref.icount);
  });

  it('through a file (a snapshot saved, then loaded by a new machine)', async () => {
    const ref = await reference('migrate-dirty', engine);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'snap.mig');
    const src = machine('migrate-dirty', engine);
    src.m.migrateAt = { insn: Math.floor(ref.icount / 2), uri: `file:${file}` };
    expect(await run(src)).toBe(0);
    const dst = machine('migrate-dirty', engine);
    dst.m.startIncoming(`file:${file}`);
    expect(await run(dst)).toBe(ref.status);
    expect(src.out.text() + dst.out.text()).toBe(ref.output);
    expect(dst.m.cpu.icount).toBe(ref.icount);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('ping-pong: A to B, then B back to a new A', async () => {
    const ref = await reference('migrate-dirty', engine);
    const [p1, p2] = [await freePort(), await freePort()];
    const a = machine('migrate-dirty', engine);
    const b = machine('migrate-dirty', engine);
    const a2 = machine('migrate-dirty', engine);
    b.m.startIncoming(`tcp:127.0.0.1:${p1}`);
    a2.m.startIncoming(`tcp:127.0.0.1:${p2}`);
    a.m.migrateAt = { insn: Math.floor(ref.icount / 4), uri: `tcp:127.0.0.1:${p1}` };
    b.m.migrateAt = { insn: Math.floor(ref.icount / 2), uri: `tcp:127.0.0.1:${p2}` };
    const [sa, sb, sa2] = await Promise.all([runSource(a, b, a2), runSource(b, a2), run(a2)]);
    expect([sa, sb]).toEqual([0, 0]);
    expect(a.out.text() + b.out.text() + a2.out.text()).toBe(ref.output);
    expect(sa2).toBe(ref.status);
    expect(a2.m.cpu.icount).toBe(ref.icount);
  });

  it('while a self-modifying-code ROM runs (translated code stays coherent)', async () => {
    // A short ROM: a small guest, so the first pass is done long before the ROM is.
    const small = ['-m', '8', '-vga', 'none'];
    const ref = await reference('smc-loop', engine, small);
    const port = await freePort();
    const dst = machine('smc-loop', engine, small);
    dst.m.startIncoming(`tcp:127.0.0.1:${port}`);
    const src = machine('smc-loop', engine, small);
    src.m.migrateAt = { insn: Math.floor(ref.icount / 8), uri: `tcp:127.0.0.1:${port}` };
    const [srcStatus, dstStatus] = await Promise.all([runSource(src, dst), run(dst)]);
    expect(srcStatus).toBe(0);
    expect(dst.out.text().length, 'the destination printed the rest').toBeGreaterThan(0);
    expect(src.out.text() + dst.out.text()).toBe(ref.output);
    expect(dstStatus).toBe(ref.status);
    expect(dst.m.cpu.icount).toBe(ref.icount);
  });
});

describe('live migration through exec:', () => {
  it('pipes the stream through a shell command on both sides', async () => {
    const ref = await reference('migrate-dirty', 'tcg');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'exec.mig');
    const src = machine('migrate-dirty', 'tcg');
    src.m.migrateAt = { insn: Math.floor(ref.icount / 2), uri: `exec:gzip -c > '${file}'` };
    expect(await run(src)).toBe(0);
    const dst = machine('migrate-dirty', 'tcg');
    dst.m.startIncoming(`exec:gzip -dc '${file}'`);
    expect(await run(dst)).toBe(ref.status);
    expect(src.out.text() + dst.out.text()).toBe(ref.output);
    expect(dst.m.cpu.icount).toBe(ref.icount);
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
