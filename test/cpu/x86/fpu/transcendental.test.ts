// fsin/fcos/fsincos/fptan (through a host double as QEMU) and f2xm1/fyl2x/fyl2xp1/fpatan
// against QEMU 7.2 on the fpu-vec-trans vectors.
import { describe, expect, it } from 'vitest';
import { runVector, loadVectors } from './vectors.js';
import { TRANS_OPS } from './vector-ops.js';

const VECTORS = loadVectors('fpu-vec-trans');

describe('x87 transcendentals vs QEMU 7.2', () => {
  it.each(Object.entries(TRANS_OPS).map(([op, [name]]) => [name, Number(op)] as const))('%s', (_name, op) => {
    const vs = VECTORS.filter((v) => v.op === op);
    expect(vs.length).toBeGreaterThan(0);
    const bad = vs.map((v) => runVector(v, TRANS_OPS[op]![1])).filter((r) => r !== null);
    expect(bad.slice(0, 5).join('\n')).toBe('');
  });
});
