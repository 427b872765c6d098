// The fast floatx80 (fx80-*.ts, 32-bit words) against the BigInt reference (softfloat-arith.ts,
// softfloat-convert.ts, itself checked against QEMU 7.2's vectors): random operands of every
// class (zeros, denormals, pseudo-denormals, unnormals, normals near each other and near the
// limits, infinities, NaNs, pseudo-NaNs) in every rounding mode and precision control, with
// fixed seeds; results and flags must agree bit for bit.

import { describe, expect, it } from 'vitest';
import { FloatStatus, f80, type F80 } from '../../../../src/cpu/x86/fpu/floatx80.js';
import { fx80AddSub, fx80Compare, fx80Div, fx80Mul, setSlotF80, slotF80 } from '../../../../src/cpu/x86/fpu/fx80-arith.js';
import {
  OUT64,
  float32ToSlot,
  float64ToSlot,
  int32ToSlot,
  int64ToSlot,
  slotToFloat32,
  slotToFloat64,
  slotToInt,
} from '../../../../src/cpu/x86/fpu/fx80-convert.js';
import { fx80RoundToInt, fx80Sqrt } from '../../../../src/cpu/x86/fpu/fx80-unary.js';
import type { F80Regs } from '../../../../src/cpu/x86/fpu/fx80-round.js';
import {
  floatx80Add,
  floatx80Compare,
  floatx80Div,
  floatx80Mul,
  floatx80RoundToInt,
  floatx80Sqrt,
  floatx80Sub,
} from '../../../../src/cpu/x86/fpu/softfloat-arith.js';
import {
  float32ToX80,
  float64ToX80,
  int64ToX80,
  x80ToFloat32,
  x80ToFloat64,
  x80ToInt,
} from '../../../../src/cpu/x86/fpu/softfloat-convert.js';

const N = 15000;

/** mulberry32: a small deterministic generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A random 64-bit significand with runs of ones and zeros (where rounding carries and ties live). */
function sig(r: () => number): bigint {
  switch (r() % 6) {
    case 0:
      return (1n << 64n) - 1n - BigInt(r() % 4);
    case 1:
      return (1n << 63n) | BigInt(r() % 4);
    case 2: {
      const k = BigInt(r() % 64);
      const v = ((BigInt(r()) << 32n) | BigInt(r())) & ~((1n << k) - 1n);
      return r() & 1 ? v | (1n << k >> 1n) : v;
    }
    case 3:
      return (BigInt(r()) << 32n) | BigInt(r() & 0xffff0000);
    default:
      return (BigInt(r()) << 32n) | BigInt(r());
  }
}

/** A random operand; `near` (a biased exponent) pulls normals towards another operand's exponent. */
function operand(r: () => number, near = -1): F80 {
  const sign = (r() & 1) << 15;
  const s = sig(r);
  const norm = s | (1n << 63n);
  switch (r() % 16) {
    case 0:
      return f80(sign, 0n);
    case 1:
      return f80(sign, s >> BigInt(1 + (r() % 63))); // denormal
    case 2:
      return f80(sign, norm); // pseudo-denormal
    case 3:
      return f80(sign | (1 + (r() % 0x7ffe)), s & ~(1n << 63n)); // unnormal
    case 4:
      return f80(sign | 0x7fff, 1n << 63n); // infinity
    case 5:
      return f80(sign | 0x7fff, norm | (r() & 1 ? 1n << 62n : 0n) | 1n); // NaN (quiet or signaling)
    case 6:
      return f80(sign | 0x7fff, s & ~(1n << 63n)); // pseudo-NaN / pseudo-infinity
    case 7:
      return f80(sign | (r() & 1 ? 1 + (r() % 80) : 0x7ffe - (r() % 80)), norm); // near the limits
    case 8:
      return f80(sign | (r() & 1 ? 0x1fff : 0x5fff) + (r() % 200) - 100, norm); // products near the limits
    default: {
      const e = near >= 0 ? Math.min(0x7ffe, Math.max(1, near + (r() % 140) - 70)) : 0x3fff + (r() % 200) - 100;
      return f80(sign | e, norm);
    }
  }
}

function regs(): F80Regs {
  return { se: new Uint16Array(4), hi: new Int32Array(4), lo: new Int32Array(4) };
}
function status(r: () => number): [FloatStatus, FloatStatus] {
  const a = new FloatStatus();
  const b = new FloatStatus();
  a.rounding = b.rounding = r() & 3;
  a.precision = b.precision = [24, 53, 64, 64][r() & 3]!;
  a.flags = b.flags = 0;
  return [a, b];
}
const hex = (v: F80) => `${v.high.toString(16).padStart(4, '0')}:${v.low.toString(16).padStart(16, '0')}`;

/** Run `n` random cases; return the first few disagreements as text. */
function check(seed: number, run: (r: () => number) => string | null): string[] {
  const r = rng(seed);
  const bad: string[] = [];
  for (let k = 0; k < N && bad.length < 5; k++) {
    const d = run(r);
    if (d) bad.push(d);
  }
  return bad;
}

const BINARY: [string, (a: F80, b: F80, s: FloatStatus) => F80, (x: F80Regs, s: FloatStatus) => void][] = [
  ['add', floatx80Add, (x, s) => fx80AddSub(x, 2, 0, 1, false, s)],
  ['sub', floatx80Sub, (x, s) => fx80AddSub(x, 2, 0, 1, true, s)],
  ['mul', floatx80Mul, (x, s) => fx80Mul(x, 2, 0, 1, s)],
  ['div', floatx80Div, (x, s) => fx80Div(x, 2, 0, 1, s)],
];

describe('fast floatx80 vs the BigInt reference', () => {
  it.each(BINARY.map((b, k) => [b[0], k] as const))('%s', (_name, k) => {
    const [, ref, fast] = BINARY[k]!;
    const bad = check(0x5eed0 + k, (r) => {
      let a = operand(r);
      const b = operand(r, a.high & 0x7fff);
      if (r() % 4 === 0) {
        // a = b * m exactly (when it is): quotients with no remainder, sums that cancel.
        const m = f80(0x3fff + (r() % 40), (BigInt(r() | 0x80000000) << 32n) & (r() & 1 ? 0xffff000000000000n : ~0n));
        const st = new FloatStatus();
        const p = floatx80Mul(b, m, st);
        if (!(st.flags & 0x20)) a = r() & 1 ? p : f80(p.high ^ 0x8000, p.low);
      }
      const [s1, s2] = status(r);
      const want = ref(a, b, s1);
      const x = regs();
      setSlotF80(x, 0, a);
      setSlotF80(x, 1, b);
      fast(x, s2);
      const got = slotF80(x, 2);
      if (got.high === want.high && got.low === want.low && s1.flags === s2.flags) return null;
      return `${hex(a)} ${hex(b)} rc${s1.rounding} pc${s1.precision}: want ${hex(want)} f${s1.flags} got ${hex(got)} f${s2.flags}`;
    });
    expect(bad.join('\n')).toBe('');
  });

  it('in place (destination is an operand)', () => {
    const bad = check(0x5eed9, (r) => {
      const a = operand(r);
      const b = operand(r, a.high & 0x7fff);
      const [s1, s2] = status(r);
      const want = floatx80Sub(b, a, s1);
      const x = regs();
      setSlotF80(x, 0, a);
      setSlotF80(x, 1, b);
      fx80AddSub(x, 0, 1, 0, true, s2);
      const got = slotF80(x, 0);
      return got.high === want.high && got.low === want.low && s1.flags === s2.flags ? null : `${hex(a)} ${hex(b)}`;
    });
    expect(bad.join('\n')).toBe('');
  });

  it.each([false, true])('compare (quiet %s)', (quiet) => {
    const bad = check(quiet ? 0xc0de1 : 0xc0de0, (r) => {
      const a = operand(r);
      const b = r() % 8 === 0 ? a : operand(r, a.high & 0x7fff);
      const [s1, s2] = status(r);
      const want = floatx80Compare(a, b, quiet, s1);
      const x = regs();
      setSlotF80(x, 0, a);
      setSlotF80(x, 1, b);
      const got = fx80Compare(x, 0, 1, quiet, s2);
      return got === want && s1.flags === s2.flags ? null : `${hex(a)} ${hex(b)}: want ${want} f${s1.flags} got ${got} f${s2.flags}`;
    });
    expect(bad.join('\n')).toBe('');
  });

  it.each([
    ['sqrt', floatx80Sqrt, fx80Sqrt],
    ['round to integer', floatx80RoundToInt, fx80RoundToInt],
  ] as const)('%s', (name, ref, fast) => {
    const bad = check(name === 'sqrt' ? 0x5a1 : 0x5a2, (r) => {
      let a = r() % 4 === 0 ? f80((r() & 1) << 15 | (0x3fff + (r() % 70)), sig(r) | (1n << 63n)) : operand(r);
      if (r() % 4 === 0) {
        // A perfect square (or one off), where the root's remainder ties its trial values.
        const k = BigInt(r() >>> (r() % 32));
        const sq = k * k + BigInt((r() % 3) - 1);
        if (sq > 0n) {
          const n = 64 - sq.toString(2).length;
          a = f80(0x3fff + 63 - n + (r() % 9) - 4, sq << BigInt(n));
        }
      }
      const [s1, s2] = status(r);
      const want = ref(a, s1);
      const x = regs();
      setSlotF80(x, 0, a);
      fast(x, 1, 0, s2);
      const got = slotF80(x, 1);
      if (got.high === want.high && got.low === want.low && s1.flags === s2.flags) return null;
      return `${hex(a)} rc${s1.rounding} pc${s1.precision}: want ${hex(want)} f${s1.flags} got ${hex(got)} f${s2.flags}`;
    });
    expect(bad.join('\n')).toBe('');
  });

  it('float32, float64 and integer loads', () => {
    const bad = check(0x10ad, (r) => {
      const [s1, s2] = status(r);
      const x = regs();
      const kind = r() % 4;
      let want: F80;
      if (kind === 0) {
        const bits = r() % 4 === 0 ? (r() & 0x807fffff) | (r() & 1 ? 0x7f800000 : 0) : r();
        want = float32ToX80(bits, s1);
        float32ToSlot(x, 0, bits, s2);
      } else if (kind === 1) {
        const hi = r() % 4 === 0 ? (r() & 0x800fffff) | (r() & 1 ? 0x7ff00000 : 0) : r();
        const lo = r();
        want = float64ToX80((BigInt(hi) << 32n) | BigInt(lo), s1);
        float64ToSlot(x, 0, lo, hi, s2);
      } else if (kind === 2) {
        const v = r() % 3 === 0 ? (r() << 16) >> 16 : r() | 0;
        const exact = (r() & 1) === 1;
        if (exact) s1.precision = 64;
        want = int64ToX80(BigInt(v), s1);
        int32ToSlot(x, 0, v, exact, s2);
      } else {
        const hi = r() % 4 === 0 ? r() & 0x80000000 : r();
        const lo = r();
        s1.precision = 64;
        want = int64ToX80(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)), s1);
        int64ToSlot(x, 0, lo, hi);
      }
      const got = slotF80(x, 0);
      return got.high === want.high && got.low === want.low && s1.flags === s2.flags ? null : `kind ${kind}: want ${hex(want)} f${s1.flags} got ${hex(got)} f${s2.flags}`;
    });
    expect(bad.join('\n')).toBe('');
  });

  it('float32, float64 and integer stores', () => {
    const bad = check(0x570e, (r) => {
      const a = r() % 3 === 0 ? f80((r() & 1) << 15 | (0x3fff + (r() % 66) - 2), sig(r) | (1n << 63n)) : operand(r);
      const [s1, s2] = status(r);
      const x = regs();
      setSlotF80(x, 0, a);
      const kind = r() % 4;
      let want: bigint;
      let got: bigint;
      if (kind === 0) {
        want = BigInt(x80ToFloat32(a, s1));
        got = BigInt(slotToFloat32(x, 0, s2) >>> 0);
      } else if (kind === 1) {
        want = x80ToFloat64(a, s1);
        slotToFloat64(x, 0, s2);
        got = (BigInt(OUT64[1]! >>> 0) << 32n) | BigInt(OUT64[0]! >>> 0);
      } else {
        const wide = kind === 3;
        const rm = r() & 3;
        const min = wide ? -(1n << 63n) : -0x80000000n;
        want = x80ToInt(a, rm, min, -min - 1n, s1);
        slotToInt(x, 0, rm, wide, s2);
        got = (BigInt(OUT64[1]! >>> 0) << 32n) | BigInt(OUT64[0]! >>> 0);
        got = wide ? BigInt.asIntN(64, got) : BigInt.asIntN(32, got & 0xffffffffn);
      }
      return got === want && s1.flags === s2.flags ? null : `${hex(a)} kind ${kind} rc${s1.rounding}: want ${want.toString(16)} f${s1.flags} got ${got.toString(16)} f${s2.flags}`;
    });
    expect(bad.join('\n')).toBe('');
  });
});
