// Every ROM with a golden file runs on tcg86 and must print exactly what QEMU printed (or the
// hardware-correct line recorded in test/golden/DEVIATIONS.md) and exit with the same status.

import { describe, expect, it } from 'vitest';
import { golden, goldenRoms, runRom } from './rom-runner.js';

const ENGINES = ['interp', 'tcg'] as const;

describe.each(ENGINES)('golden ROMs on the %s engine', (engine) => {
  it.each(goldenRoms())('%s', async (name) => {
    const want = golden(name);
    const got = await runRom(name, engine);
    expect(got.output).toBe(want.output);
    expect(got.status).toBe(want.status);
  });
});
