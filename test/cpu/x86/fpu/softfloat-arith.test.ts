// softfloat floatx80 arithmetic (add, sub, mul, div, sqrt, round to integer, scale, extract,
// remainders, compares) against QEMU 7.2's results on the fpu-vec-arith vectors.
import { describe, expect, it } from 'vitest';
import { runVector, loadVectors } from './vectors.js';
import { ARITH_OPS } from './vector-ops.js';

const VECTORS = loadVectors('fpu-vec-arith');
const GROUP = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 26, 27, 36, 37, 38];

describe('floatx80 arithmetic vs QEMU 7.2', () => {
  it.each(GROUP.map((op) => [ARITH_OPS[op]![0], op] as const))('%s', (_name, op) => {
    const vs = VECTORS.filter((v) => v.op === op);
    expect(vs.length).toBeGreaterThan(0);
    const bad = vs.map((v) => runVector(v, ARITH_OPS[op]![1])).filter((r) => r !== null);
    expect(bad.slice(0, 5).join('\n')).toBe('');
  });
});
