// Memory of hostile runs (the real CLI as a child process): the peak RSS of a run must not grow
// with how long a hostile guest keeps going (debugcon flood, code rewritten every iteration,
// PIT IRQ0 at its fastest rate) nor with a huge -m the guest does not touch. Each case runs a
// small and a large version of the same guest and compares the two peaks.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, REQUIRE_BANNER, floodCode, le32, ROM_FLAGS, ROOT, type CliProcess } from './cli-process.js';

let p: CliProcess;
beforeAll(async () => {
  p = await cliProcess();
});
afterAll(() => p.remove());

/** RAM code at 0000:1000 that increments the immediate of the next instruction n times, then exits. */
function smcRom(name: string, n: number): string {
  const ram = [
    0x66, 0xb9, ...le32(n), //             1000 mov ecx, n
    0x66, 0x31, 0xdb, //                   1006 xor ebx, ebx
    0xfe, 0x06, 0x10, 0x10, //             1009 inc byte [0x1010]
    0x66, 0x83, 0xc3, 0x00, //             100d add ebx, imm8 (patched)
    0x66, 0x49, //                         1011 dec ecx
    0x75, 0xf4, //                         1013 jnz 1009
    0xb0, 0x00, 0xe6, 0xf4, 0xf4, //       exit(0)
  ];
  const SRC = 0x100;
  // cli; ss=es=0; sp; ds=f000; copy the RAM code to 0000:1000; ds=0; jmp 0000:1000
  const code = [0xfa, 0x31, 0xc0, 0x8e, 0xd0, 0x8e, 0xc0, 0xbc, 0x00, 0x20, 0xb8, 0x00, 0xf0, 0x8e, 0xd8, 0xbe, SRC & 0xff, SRC >> 8,
    0xbf, 0x00, 0x10, 0xb9, ram.length, 0x00, 0xfc, 0xf3, 0xa4, 0x31, 0xc0, 0x8e, 0xd8, 0xea, 0x00, 0x10, 0x00, 0x00];
  return p.rom(name, code, [[SRC, ram]]);
}

/** IRQ0 from PIT channel 0 in mode 3 with count 2 (an edge every PIT clock) during n loop iterations. */
function pitRom(name: string, n: number): string {
  const H = 0x80; // IRQ0 handler: push ax; inc word [0x500]; EOI; pop ax; iret
  const code = [
    0xfa, 0x31, 0xc0, 0x8e, 0xd0, 0x8e, 0xd8, 0xbc, 0x00, 0x20,
    0x66, 0xb9, 0x1b, 0x00, 0x00, 0x00, 0x0f, 0x32, 0x80, 0xe4, 0xf7, 0x0f, 0x30, // APIC off: the 8259 reaches the CPU
    0xc7, 0x06, 0x20, 0x00, H, 0x00, 0xc7, 0x06, 0x22, 0x00, 0x00, 0xf0,
    0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x08, 0xe6, 0x21, 0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x01, 0xe6, 0x21, 0xb0, 0xfe, 0xe6, 0x21,
    0xb0, 0x36, 0xe6, 0x43, 0xb0, 0x02, 0xe6, 0x40, 0xb0, 0x00, 0xe6, 0x40, // mode 3, count 2
    0xfb, 0x66, 0xb9, ...le32(n), 0x67, 0xe2, 0xfd, // sti; mov ecx,n; L: a32 loop L
    0xfa, 0xb0, 0x00, 0xe6, 0xf4, 0xf4,
  ];
  return p.rom(name, code, [[H, [0x50, 0xff, 0x06, 0x00, 0x05, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf]]]);
}

const MiB = 1024;
/** Peak RSS may differ this much (KiB) between two runs of the same process for no reason of ours. */
const NOISE = 12 * MiB;

function peak(args: string[]): number {
  const r = p.run([...ROM_FLAGS, ...args]);
  expect(r.status, r.stderr.toString()).toBe(1);
  expect(r.maxRssKiB).toBeGreaterThan(0);
  return r.maxRssKiB;
}

describe('peak RSS of hostile runs does not grow with the guest', () => {
  it('debugcon flood: 1 MiB and 12 MiB of output', () => {
    const small = peak(['-bios', p.rom('flood1.bin', floodCode(1 << 20)), '-debugcon', 'stdio']);
    const large = peak(['-bios', p.rom('flood12.bin', floodCode(12 << 20)), '-debugcon', 'stdio']);
    expect(large - small).toBeLessThan(NOISE);
  });

  it('code rewritten on every iteration: 10^4 and 10^6 iterations', () => {
    const small = peak(['-bios', smcRom('smc-small.bin', 10_000), '-debugcon', 'null']);
    const large = peak(['-bios', smcRom('smc-large.bin', 1_000_000), '-debugcon', 'null']);
    expect(large - small).toBeLessThan(NOISE);
  });

  it('PIT at its fastest rate: 10^5 and 10^7 loop iterations with IRQ0 every other clock', () => {
    const small = peak(['-bios', pitRom('pit-small.bin', 100_000), '-debugcon', 'null']);
    const large = peak(['-bios', pitRom('pit-large.bin', 10_000_000), '-debugcon', 'null']);
    expect(large - small).toBeLessThan(NOISE);
  });

  it('-m 3900M that the guest never touches costs no more than -m 16M', () => {
    const exit = p.rom('exit.bin', [0xb0, 0x00, 0xe6, 0xf4, 0xf4]);
    const small = peak(['-bios', exit, '-m', '16M', '-debugcon', 'null']);
    const large = peak(['-bios', exit, '-m', '3900M', '-debugcon', 'null']);
    expect(large - small).toBeLessThan(NOISE);
  });

  it('short-lived machines one after another in one process (as the fuzzer runs them): 15 and 150 machines', async () => {
    // -vga none keeps each backing store at 19 MiB, where glibc's heap (zero-filled by calloc)
    // used to serve it: the peak then grew with every machine the GC had not yet freed.
    const entry = path.join(p.dir, 'machines.mjs');
    const exit = p.rom('exit-many.bin', [0xb0, 0x00, 0xe6, 0xf4, 0xf4]);
    await build({
      stdin: {
        contents: `import { parseArgs } from './src/cli/args.ts';
          import { PcMachine } from './src/machine/pc.ts';
          import { NullCharBackend } from './src/devices/chardev.ts';
          const args = ['-bios', ${JSON.stringify(exit)}, '-m', '2', '-vga', 'none', ...${JSON.stringify(ROM_FLAGS)}, '-debugcon', 'stdio'];
          for (let i = 0; i < Number(process.argv[2]); i++) {
            const m = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? new NullCharBackend() : null) });
            await m.run(1e6);
            m.shutdown();
          }
          process.stdout.write(String(process.resourceUsage().maxRSS));`,
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: entry, logLevel: 'silent', banner: REQUIRE_BANNER,
    });
    const peakOf = (n: number) => {
      const r = spawnSync(process.execPath, [entry, String(n)]);
      expect(r.status, r.stderr.toString()).toBe(0);
      return Number(r.stdout.toString());
    };
    const small = peakOf(15);
    const large = peakOf(150);
    expect(large - small).toBeLessThan(NOISE);
  });
});
