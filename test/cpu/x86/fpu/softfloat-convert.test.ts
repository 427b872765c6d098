// softfloat conversions (float32/float64 loads and stores, integer loads and stores with every
// rounding mode, packed BCD) and the rounded constants against QEMU 7.2 on the fpu-vec-arith vectors.
import { describe, expect, it } from 'vitest';
import { runVector, loadVectors } from './vectors.js';
import { ARITH_OPS } from './vector-ops.js';

const VECTORS = loadVectors('fpu-vec-arith');
const GROUP = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 29, 30, 31, 32, 33, 34, 35];

describe('floatx80 conversions vs QEMU 7.2', () => {
  it.each(GROUP.map((op) => [ARITH_OPS[op]![0], op] as const))('%s', (_name, op) => {
    const vs = VECTORS.filter((v) => v.op === op);
    expect(vs.length).toBeGreaterThan(0);
    const bad = vs.map((v) => runVector(v, ARITH_OPS[op]![1])).filter((r) => r !== null);
    expect(bad.slice(0, 5).join('\n')).toBe('');
  });
});
