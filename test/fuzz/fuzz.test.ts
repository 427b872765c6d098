// Fuzz batch (fixed seeds): random code with random IDT/GDT/page tables in every mode, bounded by
// an instruction limit; no host exception on either engine and both engines end in the same state.
// Known engine disagreements run as expected failures (it.fails) with the problem named.

import { describe, expect, it } from 'vitest';
import { FUZZ_MODES, fuzzOne, type FuzzMode, type FuzzResult } from './fuzz.js';

const SEEDS = Array.from({ length: 8 }, (_, i) => i);
const LIMIT = 20_000;

/** "mode:seed" -> a known engine disagreement, run as an expected failure (none at present). */
const KNOWN: Readonly<Record<string, string>> = {};

// Each program runs once; its two tests share the result.
const cache = new Map<string, Promise<FuzzResult>>();
const result = (seed: number, mode: FuzzMode) => {
  const k = `${mode}:${seed}`;
  if (!cache.has(k)) cache.set(k, fuzzOne(seed, mode, LIMIT));
  return cache.get(k)!;
};

for (const mode of FUZZ_MODES) {
  describe(`fuzz (${mode})`, () => {
    for (const seed of SEEDS) {
      const known = KNOWN[`${mode}:${seed}`];
      it(`seed ${seed}: no host exception`, async () => {
        const r = await result(seed, mode);
        expect(r.interp.hostError).toBeNull();
        expect(r.tcg.hostError).toBeNull();
        expect(r.interp.icount).toBeLessThanOrEqual(LIMIT);
      });
      (known ? it.fails : it)(`seed ${seed}: engines agree${known ? ` (known: ${known})` : ''}`, async () => {
        const r = await result(seed, mode);
        expect(r.tcg.state).toBe(r.interp.state);
      });
    }
  });
}
