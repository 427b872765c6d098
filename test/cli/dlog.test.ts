// QEMU's -d items as tcg86 logs them, against QEMU 7.2's own logs (test/golden/log, recorded by
// scripts/record-golden-log.sh): exec and cpu (Trace line and registers before each block), mmu
// (QEMU's CR0/CR3 lines; tcg86 adds walk and fault lines), nochain, -dfilter with QEMU's forms
// and messages, -d help; and tcg86's page log and --trace-smc on a self-modifying ROM.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, parseDfilter } from '../../src/cli/args.js';
import { logHelp, LOG_ITEM_HELP } from '../../src/cli/help-lists.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { TcgEngine } from '../../src/cpu/x86/tcg/engine.js';
import { romCommandLine, ROOT } from '../roms/rom-runner.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-dlog-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const gold = (name: string) => fs.readFileSync(path.join(ROOT, 'test/golden/log', name), 'latin1');

let runs = 0;
/** Run a ROM with extra flags and a -D file; the log text and the machine (shut down). */
async function logged(rom: string, engine: 'interp' | 'tcg', flags: string[], limit = 50_000_000): Promise<{ log: string; m: PcMachine }> {
  const file = path.join(dir, `log${runs++}.txt`);
  const m = new PcMachine(parseArgs([...romCommandLine(rom, engine), ...flags, '-D', file]), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? new MemoryCharBackend() : null),
  });
  try {
    if (limit < 50_000_000) await m.runUntil(limit);
    else await m.run(limit);
  } finally {
    m.shutdown();
  }
  return { log: fs.readFileSync(file, 'latin1'), m };
}

/** The log cut after the n-th block trace (a Trace line and its register dump). */
function firstTraces(log: string, n: number): string {
  const starts = [...log.matchAll(/^Trace 0: /gm)].map((x) => x.index!);
  return log.slice(0, starts[n] ?? log.length);
}

describe('-d exec,cpu', () => {
  it.each(['tcg', 'interp'] as const)('print QEMU 7.2\'s Trace line and registers before the first blocks (%s)', async (engine) => {
    const { log } = await logged('roms/pmode', engine, ['-d', 'exec,cpu,nochain'], 100);
    // QEMU's first two TBs are the reset jump and the block at F000:0000 (tcg86's start there too).
    // The host address of the TB's code is QEMU's; tcg86 prints its block number, or (nil) and a
    // one-instruction count in cflags for the interpreter.
    const norm = (s: string) => s.replace(/^Trace 0: \S+ \[(\w+)\/(\w+)\/(\w+)\/ff00020[01]\]/gm, 'Trace 0: HOST [$1/$2/$3/ff000200]');
    expect(norm(firstTraces(log, 2))).toBe(norm(gold('pmode.exec-cpu')));
    if (engine === 'tcg') expect(log.startsWith('Trace 0: 0x000000000001 [')).toBe(true);
    else expect(log.startsWith('Trace 0: (nil) [ffff0000/fffffff0/00000040/ff000201] \n')).toBe(true);
  });

  it('trace every block entry but chained ones; with nochain nothing is chained', async () => {
    for (const nochain of [false, true]) {
      const { log, m } = await logged('roms/pmode', 'tcg', ['-d', nochain ? 'exec,nochain' : 'exec']);
      const s = (m.engine as TcgEngine).cache.stats;
      const traced = log.split('\n').filter((l) => l.startsWith('Trace 0: 0x')).length;
      const interpreted = log.split('\n').filter((l) => l.startsWith('Trace 0: (nil)')).length;
      expect(traced).toBe(s.jumpCacheHits + s.hashHits + s.translations + s.dynamicHits);
      expect(interpreted).toBe(s.interpretedInsns);
      if (nochain) expect(s.chainFollows).toBe(0);
      else expect(s.chainFollows).toBeGreaterThan(0);
      expect(log).not.toMatch(/^(EAX|CCS)=/m); // -d cpu was not asked for
    }
  });
});

describe('-d mmu', () => {
  it.each(['tcg', 'interp'] as const)('logs QEMU\'s CR0/CR3 updates and tcg86\'s walks and faults (%s)', async (engine) => {
    const { log } = await logged('roms/paging', engine, ['-d', 'mmu']);
    const lines = log.split('\n');
    // QEMU resets its CPU twice before the guest starts (realize, then system reset) and logs
    // CR0 both times; tcg86 resets once.
    const qemu = gold('paging.mmu').split('\n').slice(1);
    expect(lines.filter((l) => !l.startsWith('mmu: ')).join('\n')).toBe(qemu.join('\n'));
    expect(lines).toContain('mmu: walk 00500000 -> 00030000 r-x 4K (load at 00500000, kernel, 32-bit)');
    expect(lines.some((l) => /^mmu: fault 00506000 \(load, user\) #PF error 5$/.test(l))).toBe(true);
  });

  it('gives the same walks and faults on both engines', async () => {
    const [a, b] = await Promise.all([logged('roms/paging', 'tcg', ['-d', 'mmu']), logged('roms/paging', 'interp', ['-d', 'mmu'])]);
    expect(a.log).toBe(b.log);
  });
});

describe('-dfilter', () => {
  it('takes QEMU\'s three forms, comma separated', () => {
    expect(parseDfilter('-dfilter', '0x1000+0x100')).toEqual([{ lo: 0x1000, hi: 0x10ff }]);
    expect(parseDfilter('-dfilter', '0x1000..0x1fff')).toEqual([{ lo: 0x1000, hi: 0x1fff }]);
    // START-SIZE: the SIZE bytes that end at START.
    expect(parseDfilter('-dfilter', '0x1fff-0x1000')).toEqual([{ lo: 0x1000, hi: 0x1fff }]);
    expect(parseDfilter('-dfilter', '0xf0000+16,0xfffffff0..0xffffffff')).toEqual([{ lo: 0xf0000, hi: 0xf000f }, { lo: 0xfffffff0, hi: 0xffffffff }]);
  });

  it('refuses what QEMU 7.2 refuses, with its messages', () => {
    // QEMU: "qemu-system-i386: -dfilter 0x1000-0x1fff: Invalid range" (START-SIZE below 0).
    expect(() => parseArgs(['-dfilter', '0x1000-0x1fff'])).toThrow(/^-dfilter: Invalid range$/);
    expect(() => parseArgs(['-dfilter', '0x10..0x5'])).toThrow(/^-dfilter: Invalid range$/);
    expect(() => parseArgs(['-dfilter', 'abc'])).toThrow(/^-dfilter: Bad range specifier$/);
    expect(() => parseArgs(['-dfilter', '0x1000'])).toThrow(/^-dfilter: Bad range specifier$/);
    expect(() => parseArgs(['-dfilter', 'zz+4'])).toThrow(/^-dfilter: Invalid number to the left of \+$/);
    expect(() => parseArgs(['-dfilter', '0x10..q'])).toThrow(/^-dfilter: Invalid number to the right of \.\.$/);
  });

  it('restricts exec and in_asm to the ranges', async () => {
    const { log } = await logged('roms/pmode', 'tcg', ['-d', 'exec,in_asm', '-dfilter', '0xfffffff0+1,0xf0000..0xf0000']);
    const pcs = new Set([...log.matchAll(/^Trace 0: \S+ \[\w+\/(\w+)\//gm)].map((x) => x[1]));
    expect([...pcs].sort()).toEqual(['000f0000', 'fffffff0']);
    expect(log).toContain('IN: \n0xfffffff0:  ');
    expect(log).not.toContain('0x000f0006:');
  });
});

describe('-d in_asm', () => {
  it.each(['tcg', 'interp'] as const)('prints what QEMU prints: address, bytes (8 a line), capstone\'s AT&T text (%s)', async (engine) => {
    // The interpreter logs only what it has run: let it run the whole ROM.
    const { log } = await logged('roms/pmode', engine, ['-d', 'in_asm'], engine === 'tcg' ? 100 : undefined);
    // Every instruction line is one of QEMU's own lines for the same ROM, to the character.
    const qemu = new Set(gold('pmode.in_asm').split('\n').filter((l) => l.startsWith('0x')));
    const ours = log.split('\n').filter((l) => l.startsWith('0x'));
    expect(ours.length).toBeGreaterThan(20);
    expect(ours.filter((l) => !qemu.has(l))).toEqual([]);
    expect(log).toContain('IN: \n0x000f0000:  fa                       cli      \n');
    expect(log).toContain('0x000f0002:  31 c0                    xorw     %ax, %ax\n');
    expect(log).toMatch(/\n0x[0-9a-f]{8}:  c7 05 04 30 00 00 00 00  movl     \$0x90000, 0x3004\n0x[0-9a-f]{8}:  09 00\n/);
  });
});

describe('-d page and --trace-smc', () => {
  it('log every block added and dropped, and every invalidation with its writer (smc-next)', async () => {
    const { log, m } = await logged('roms/smc-next', 'tcg', ['-d', 'page', '--trace-smc']);
    const s = (m.engine as TcgEngine).cache.stats;
    const lines = log.split('\n');
    expect(lines.filter((l) => / added: pc /.test(l)).length).toBe(s.translations);
    expect(lines.filter((l) => / dropped \((write|dma|flush)\): /.test(l)).length).toBe(s.invalidationsWrite + s.invalidationsDma + s.invalidationsFlush);
    const smc = lines.filter((l) => l.startsWith('smc: '));
    const dropped = smc.reduce((n, l) => n + (l.match(/tb \d+ pc /g)?.length ?? 0), 0);
    expect(dropped).toBe(s.invalidationsWrite + s.invalidationsDma - s.checkedChanged);
    expect(smc.filter((l) => l.endsWith('(the running block: it ends after the store)')).length).toBe(s.smcEvents);
    expect(s.smcEvents).toBeGreaterThan(0);
    // The writer is named by its address and instruction.
    expect(smc[0]).toMatch(/^smc: cpu store by [0-9a-f]{8} \(movw %bx, %cs:\(%di\)\) wrote ram [0-9a-f]{8}\+2: dropped tb \d+ pc [0-9a-f]{8}/);
  });
});
