// Every ROM with a golden file runs on both tcg86 engines and must print exactly what QEMU
// printed (or the hardware-correct line recorded in test/golden/DEVIATIONS.md), exit with the
// same status, and retire the same number of instructions on both engines.

import { describe, expect, it } from 'vitest';
import { golden, goldenRoms, runRom } from './rom-runner.js';

// The sweeping ROMs (bcd, pit-fast) take tens of seconds on a loaded machine: more than the
// default per-test limit allows.
const ROM_TIMEOUT_MS = 180_000;

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
    expect(tcg.perCpu, 'instructions retired by each vCPU on the two engines').toEqual(interp.perCpu);
  }, ROM_TIMEOUT_MS);
});
