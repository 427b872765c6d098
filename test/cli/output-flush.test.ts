// Buffered stdio/file output reaches the host on every way out of the process: a normal run
// gives the same bytes as the guest wrote (stdout pipe and -debugcon file:), and bytes held in
// a buffer survive process.exit, an uncaught exception, an unhandled rejection, SIGTERM and
// SIGINT (the process still dies of the signal). Runs the real CLI, bundled with esbuild.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, floodCode, ROM_FLAGS as COMMON, ROOT, type CliProcess } from './cli-process.js';

let p: CliProcess;
beforeAll(async () => {
  p = await cliProcess();
});
afterAll(() => p.remove());

/** Length of the prefix of `out` that follows the 0..255 pattern. */
function patternPrefix(out: Buffer): number {
  let i = 0;
  while (i < out.length && out[i] === (i & 0xff)) i++;
  return i;
}

describe('buffered output on a normal run', () => {
  it('stdout (a pipe) and -debugcon file: get exactly the bytes the guest wrote', () => {
    const N = (3 << 20) + 12345; // not a multiple of the buffer size
    const rom = p.rom('flood.bin', floodCode(N));
    const r = p.run(['-bios', rom, ...COMMON, '-debugcon', 'stdio']);
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(N);
    expect(patternPrefix(r.stdout)).toBe(N);
    const file = path.join(p.dir, 'debugcon.out');
    const f = p.run(['-bios', rom, ...COMMON, '-debugcon', `file:${file}`]);
    expect(f.status).toBe(1);
    expect(Buffer.compare(fs.readFileSync(file), r.stdout)).toBe(0);
  });

  it('a guest that prints and triple-faults with -no-reboot: its output arrives, status 0', () => {
    // print "hi" on debugcon, then lidt with a zero limit and int3: #GP, #DF, triple fault
    const rom = p.rom('tf.bin', [0xba, 0xe9, 0x00, 0xb0, 0x68, 0xee, 0xb0, 0x69, 0xee, 0x2e, 0x0f, 0x01, 0x1e, 0x40, 0x00, 0xcc, 0xf4]);
    const r = p.run(['-bios', rom, ...COMMON, '-debugcon', 'stdio']);
    expect(r.stdout.toString('latin1')).toBe('hi');
    expect(r.stderr.toString()).toMatch(/triple-faulted/);
    expect(r.status).toBe(0);
  });
});

describe('buffered output on abnormal exits', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} in the middle of a flood: the output is an unbroken prefix and the process dies of ${signal}`, async () => {
      const rom = p.rom(`forever-${signal}.bin`, floodCode(0));
      const child = spawn(process.execPath, [p.cli, '-bios', rom, ...COMMON, '-debugcon', 'stdio'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let got = 0;
      const done = new Promise<[number | null, string | null]>((resolve) => child.on('close', (code, sig) => resolve([code, sig])));
      child.stdout.on('data', (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (got >= 1 << 20 && !child.killed) child.kill(signal);
      });
      const [code, sig] = await done;
      expect(sig).toBe(signal);
      expect(code).toBeNull();
      const out = Buffer.concat(chunks);
      expect(out.length).toBeGreaterThanOrEqual(1 << 20);
      expect(patternPrefix(out)).toBe(out.length);
    });
  }

  // A child that puts bytes in a buffered file backend and a stdio backend, then leaves in the
  // way given: nothing flushed them but the exit hooks.
  const ways: [string, string, (r: { status: number | null; signal: string | null }) => void][] = [
    ['process.exit(3)', 'process.exit(3);', (r) => expect(r.status).toBe(3)],
    ['an uncaught exception', "setTimeout(() => { throw new Error('boom'); });", (r) => expect(r.status).toBe(1)],
    ['an unhandled rejection', "Promise.reject(new Error('boom'));", (r) => expect(r.status).toBe(1)],
    ['SIGTERM', "process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000);", (r) => expect(r.signal).toBe('SIGTERM')],
    ['SIGINT', "process.kill(process.pid, 'SIGINT'); setTimeout(() => {}, 5000);", (r) => expect(r.signal).toBe('SIGINT')],
  ];
  for (const [name, leave, check] of ways) {
    it(`bytes still in the buffers reach stdout and the file on ${name}`, async () => {
      const file = path.join(p.dir, `hook-${name.replace(/\W+/g, '_')}.out`);
      const entry = path.join(p.dir, `hook-${name.replace(/\W+/g, '_')}.mjs`);
      await build({
        stdin: {
          contents: `import { FileCharBackend, StdioCharBackend } from './src/devices/chardev.ts';
            const f = new FileCharBackend(${JSON.stringify(file)});
            const s = new StdioCharBackend({ input: false });
            const bytes = new TextEncoder().encode('held in the buffer\\n');
            f.write(bytes);
            s.write(bytes);
            ${leave}`,
          resolveDir: ROOT,
          loader: 'ts',
        },
        bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: entry, logLevel: 'silent',
      });
      const r = spawnSync(process.execPath, [entry]);
      check(r);
      expect(r.stdout.toString()).toBe('held in the buffer\n');
      expect(fs.readFileSync(file, 'utf8')).toBe('held in the buffer\n');
    });
  }
});

describe('output while the guest runs', () => {
  it('a guest that prints once and never halts: its byte reaches the -serial file while it runs', async () => {
    // mov dx,0x3f8; mov al,'A'; out dx,al; L: jmp L
    const rom = p.rom('print-spin.bin', [0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xeb, 0xfe]);
    const file = path.join(p.dir, 'spin-serial.out');
    const child = spawn(process.execPath, [p.cli, '-bios', rom, '-display', 'none', '-serial', `file:${file}`, '-monitor', 'none'], { stdio: 'ignore' });
    try {
      let size = 0;
      for (let k = 0; k < 300 && size === 0; k++) {
        await new Promise((r) => setTimeout(r, 100));
        size = fs.existsSync(file) ? fs.statSync(file).size : 0;
      }
      expect(child.exitCode).toBeNull(); // still running
      expect(fs.readFileSync(file, 'latin1')).toBe('A');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
