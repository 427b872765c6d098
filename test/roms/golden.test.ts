// Every ROM with a golden file runs on both tcg86 engines and must print exactly what QEMU
// printed (or the hardware-correct line recorded in test/golden/DEVIATIONS.md), exit with the
// same status, and retire the same number of instructions on both engines.

import { describe, expect, it } from 'vitest';
import { golden, goldenRoms, runRom } from './rom-runner.js';

describe('golden ROMs', () => {
  it.each(goldenRoms())('%s', async (id) => {
    const want = golden(id);
    const interp = await runRom(id, 'interp');
    expect(interp.output, 'interpreter output').toBe(want.output);
    expect(interp.status, 'interpreter exit status').toBe(want.status);
    const tcg = await runRom(id, 'tcg');
    expect(tcg.output, 'translator output').toBe(want.output);
    expect(tcg.status, 'translator exit status').toBe(want.status);
    expect(tcg.instructions, 'instructions retired by the two engines').toBe(interp.instructions);
    // bcd and pit-fast run tens of millions of instructions twice: on a loaded machine (2 cores
    // shared by many runs) they took over the 60 s default.
  }, 240_000);
});
