// The live difftest's hardware rules against the committed corpus: every hardware fixup of the
// corpus (QEMU's dump turned into the SDM's) is excused by a named rule, and a rule excuses
// nothing else (a made-up difference outside its fields, or a block without its instruction).

import { describe, expect, it } from 'vitest';
import { expectedDump, HARDWARE_FIXUPS, loadGolden } from './corpus.js';
import { formatDump, makeCase, runTcg86 } from './run.js';
import type { Mode } from './gen.js';
import { excusingRule } from './rules.js';

describe('difftest hardware rules', () => {
  const fixed = Object.keys(HARDWARE_FIXUPS);

  it.each(fixed)('corpus fixup %s is excused by a named rule', (key) => {
    const [mode, seedText] = key.split(':') as [Mode, string];
    const seed = Number(seedText);
    const g = loadGolden(mode).cases.find((c) => c.seed === seed)!;
    const c = makeCase(seed, mode);
    const rule = excusingRule(c.rom, c.program, g.dump, expectedDump(mode, seed, g.dump));
    expect(rule?.name).toBe('cmpxchg8b writes only ZF');
  });

  it('excuses no difference outside the rule, nor one in a block without its instruction', () => {
    const [key] = fixed;
    const [mode, seedText] = key!.split(':') as [Mode, string];
    const seed = Number(seedText);
    const g = loadGolden(mode).cases.find((c) => c.seed === seed)!;
    const c = makeCase(seed, mode);
    const lines = g.dump.split('\n');
    // A register differs too: not excused.
    const regs = lines[2]!.replace(/eax=([0-9a-f]{8})/, (_, v: string) => `eax=${((parseInt(v, 16) ^ 1) >>> 0).toString(16).padStart(8, '0')}`);
    expect(excusingRule(c.rom, c.program, g.dump, [lines[0], lines[1], regs, ...lines.slice(3)].join('\n'))).toBeNull();
    // ZF differs: cmpxchg8b defines it.
    const zf = lines[1]!.replace(/eflags=([0-9a-f]{8})/, (_, v: string) => `eflags=${((parseInt(v, 16) ^ 0x40) >>> 0).toString(16).padStart(8, '0')}`);
    expect(excusingRule(c.rom, c.program, g.dump, [lines[0], zf, ...lines.slice(2)].join('\n'))).toBeNull();
    // A seed without cmpxchg8b or rcl/rcr on memory: a CF difference is not excused.
    const other = loadGolden('pm').cases.find((x) => {
      const oc = makeCase(x.seed, 'pm');
      return !oc.program.units.some((u) => u.bytes.some((b, i) => b === 0x0f && u.bytes[i + 1] === 0xc7)) && !oc.program.units.some((u) => u.kind === 'shift');
    })!;
    const oc = makeCase(other.seed, 'pm');
    const ol = other.dump.split('\n');
    const cf = ol[1]!.replace(/eflags=([0-9a-f]{8})/, (_, v: string) => `eflags=${((parseInt(v, 16) ^ 1) >>> 0).toString(16).padStart(8, '0')}`);
    expect(excusingRule(oc.rom, oc.program, other.dump, [ol[0], cf, ...ol.slice(2)].join('\n'))).toBeNull();
  });
});

describe('setcc fault-frame rule', () => {
  // paging seed 910415: setl into the read-only page; QEMU's frame has SF and ZF both set.
  it('excuses the flags in the frame of a faulting setcc', async () => {
    const c = makeCase(910415, 'paging');
    const g = loadGolden('paging').cases.find((x) => x.seed === 910415)!;
    const got = formatDump(c.program, await runTcg86(c.rom.image, 'tcg'));
    expect(got).not.toBe(g.dump);
    expect(excusingRule(c.rom, c.program, g.dump, got)?.name).toBe('setcc on memory whose store faults keeps the flags');
  });
});

describe('x87 partial-store rule', () => {
  // paging seed 5000: fnstenv across into the read-only page at 0x7000; QEMU writes the bytes
  // below 0x7000 before the fault, tcg86 none.
  it('excuses only the bytes QEMU wrote below the faulting page', async () => {
    const c = makeCase(5000, 'paging');
    const g = loadGolden('paging').cases.find((x) => x.seed === 5000)!;
    const got = formatDump(c.program, await runTcg86(c.rom.image, 'interp'));
    expect(got).not.toBe(g.dump);
    expect(excusingRule(c.rom, c.program, g.dump, got)?.name).toBe('x87 store that faults writes nothing');
    // A byte that tcg86 wrote differently (not left as it was) is not excused.
    const lines = got.split('\n');
    const w = lines.findIndex((l) => l.startsWith('w7000:'));
    lines[w] = `${lines[w]} 6ff0=5a`;
    expect(excusingRule(c.rom, c.program, g.dump, lines.join('\n'))).toBeNull();
  });
});
