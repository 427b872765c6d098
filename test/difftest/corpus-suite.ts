// The difftest corpus suite for one mode: ROMs regenerated from committed seeds run on both tcg86
// engines and must dump exactly what QEMU 7.2 dumped (test/golden/difftest/MODE.json), with the
// hardware fixups of corpus.ts where QEMU departs from the SDM, or a difference the live run's
// hardware rules (rules.ts) excuse. Known disagreements run as expected failures (it.fails)
// named in corpus.ts KNOWN. Every generator unit class appears in the corpus of each mode.

import { describe, expect, it } from 'vitest';
import type { Mode } from './gen.js';
import { disassemble, formatDump, makeCase, romHash, runTcg86 } from './run.js';
import { expectedDump, HARDWARE_FIXUPS, KNOWN, loadGolden } from './corpus.js';
import { UNIT_KINDS } from './gen.js';
import { excusingRule } from './rules.js';

function diffLines(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) out.push(`  want: ${a[i] ?? '(none)'}\n  got:  ${b[i] ?? '(none)'}`);
  }
  return out.join('\n');
}

export function corpusSuite(mode: Mode): void {
  const golden = loadGolden(mode);
  describe(`difftest corpus (${mode}, ${golden.cases.length} seeds)`, () => {
    it('covers every generator unit class', () => {
      const seen = new Set(golden.cases.flatMap((g) => makeCase(g.seed, mode).program.units.map((u) => u.kind)));
      expect([...UNIT_KINDS].filter((k) => !seen.has(k))).toEqual([]);
    });
    for (const g of golden.cases) {
      const known = KNOWN[`${mode}:${g.seed}`];
      const test = known ? it.fails : it;
      test(`seed ${g.seed}${known ? ` (known: ${known})` : ''}`, async () => {
        const c = makeCase(g.seed, mode);
        expect(romHash(c.rom.image), 'the ROM generator changed: re-record with npm run difftest -- --record').toBe(g.hash);
        const problems: string[] = [];
        const want = expectedDump(mode, g.seed, g.dump);
        for (const engine of ['interp', 'tcg'] as const) {
          const got = formatDump(c.program, await runTcg86(c.rom.image, engine));
          if (got === want) continue;
          // Without a recorded fixup, a documented hardware rule may excuse the difference.
          if (!HARDWARE_FIXUPS[`${mode}:${g.seed}`] && excusingRule(c.rom, c.program, g.dump, got)) continue;
          problems.push(`${engine} differs from the expected dump:\n${diffLines(want, got)}`);
        }
        if (problems.length) {
          throw new Error(`seed ${g.seed} mode ${mode}\n${problems.join('\n')}\nblock:\n${disassemble(c.rom, c.program)}`);
        }
      });
    }
  });
}
