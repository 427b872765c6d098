// floatx80 conversions as QEMU 7.2's softfloat does them: from and to int16/32/64 (any rounding
// mode, invalid on overflow), from float32/float64 (rounded to the x87 precision control, as
// QEMU rounds every floatx80 result) and to float32/float64 with their own rounding.

import {
  BIT62,
  CLS_INF,
  CLS_NORMAL,
  CLS_QNAN,
  CLS_SNAN,
  CLS_ZERO,
  DEFAULT_NAN,
  FLAG_INEXACT,
  FLAG_INVALID,
  M64,
  clz64,
  defaultNanParts,
  returnNan,
  roundPackX80,
  uncanonNormal,
  unpackX80,
  type F80,
  type FloatStatus,
  type Parts,
} from './floatx80.js';
import { roundToIntNormal } from './softfloat-arith.js';

/** int64_to_floatx80 (and int32): exact unless the precision control is below 64 bits. */
export function int64ToX80(v: bigint, s: FloatStatus): F80 {
  if (v === 0n) return roundPackX80({ cls: CLS_ZERO, sign: 0, exp: 0, frac: 0n }, s);
  const sign = v < 0n ? 1 : 0;
  const mag = (sign ? -v : v) & M64;
  const shift = clz64(mag);
  return roundPackX80({ cls: CLS_NORMAL, sign, exp: 63 - shift, frac: ((mag << BigInt(shift)) & M64) << 64n }, s);
}

/**
 * parts_float_to_sint: round in mode `rm`, saturate with invalid (inexact dropped) outside
 * [min, max]; NaNs give max with invalid. An invalid encoding is a default NaN.
 */
export function x80ToInt(a: F80, rm: number, min: bigint, max: bigint, s: FloatStatus): bigint {
  const p = unpackX80(a, s) ?? defaultNanParts();
  switch (p.cls) {
    case CLS_SNAN:
    case CLS_QNAN:
      s.flags |= FLAG_INVALID;
      return max;
    case CLS_INF:
      s.flags |= FLAG_INVALID;
      return p.sign ? min : max;
    case CLS_ZERO:
      return 0n;
  }
  const probe = { rounding: rm, precision: 64, flags: 0 };
  const r = roundToIntNormal(p, rm, 126, probe);
  let flags = probe.flags & FLAG_INEXACT;
  let v: bigint;
  if (r.cls === CLS_ZERO) v = 0n;
  else v = r.exp <= 63 ? (r.frac >> 64n) >> BigInt(63 - r.exp) : M64 + 1n;
  if (p.sign) {
    if (v <= -min) v = -v;
    else {
      flags = FLAG_INVALID;
      v = min;
    }
  } else if (v > max) {
    flags = FLAG_INVALID;
    v = max;
  }
  s.flags |= flags;
  return v;
}

interface FloatFmt {
  fracSize: number;
  bias: number;
  expMax: number;
  defaultNan: bigint;
}
const FLOAT32: FloatFmt = { fracSize: 23, bias: 127, expMax: 255, defaultNan: 0xffc00000n };
const FLOAT64: FloatFmt = { fracSize: 52, bias: 1023, expMax: 2047, defaultNan: 0xfff8000000000000n };

/** Unpack a float32/float64 into 128-bit parts (float*_unpack_canonical, then widened). */
function unpackFloat(bits: bigint, f: FloatFmt): Parts {
  const fs = BigInt(f.fracSize);
  const expBits = f.fracSize === 23 ? 8 : 11;
  const sign = Number(bits >> (fs + BigInt(expBits))) & 1;
  const exp = Number((bits >> fs) & BigInt((1 << expBits) - 1));
  const frac = bits & ((1n << fs) - 1n);
  const shift = BigInt(63 - f.fracSize);
  if (exp === f.expMax) {
    if (frac === 0n) return { cls: CLS_INF, sign, exp: 0, frac: 0n };
    const f64 = frac << shift;
    return { cls: f64 & BIT62 ? CLS_QNAN : CLS_SNAN, sign, exp: 0, frac: f64 << 64n };
  }
  if (exp === 0) {
    if (frac === 0n) return { cls: CLS_ZERO, sign, exp: 0, frac: 0n };
    const n = clz64(frac);
    return { cls: CLS_NORMAL, sign, exp: 63 - f.fracSize - f.bias - n + 1, frac: ((frac << BigInt(n)) & M64) << 64n };
  }
  return { cls: CLS_NORMAL, sign, exp: exp - f.bias, frac: ((frac << shift) | (1n << 63n)) << 64n };
}

function floatToX80(bits: bigint, f: FloatFmt, s: FloatStatus): F80 {
  let p = unpackFloat(bits, f);
  if (p.cls === CLS_SNAN || p.cls === CLS_QNAN) p = returnNan(p, s);
  return roundPackX80(p, s);
}

export function float32ToX80(bits: number, s: FloatStatus): F80 {
  return floatToX80(BigInt(bits >>> 0), FLOAT32, s);
}
export function float64ToX80(bits: bigint, s: FloatStatus): F80 {
  return floatToX80(bits & M64, FLOAT64, s);
}

/** floatx80_to_float32/64: narrow, then round and pack with the float format's own rounding. */
function x80ToFloat(a: F80, f: FloatFmt, s: FloatStatus): bigint {
  const p = unpackX80(a, s);
  const fs = BigInt(f.fracSize);
  const signBit = BigInt(f.fracSize === 23 ? 31 : 63);
  if (!p) return f.defaultNan;
  const sign = BigInt(p.sign) << signBit;
  const expMaxBits = BigInt(f.expMax) << fs;
  const roundBits = 63 - f.fracSize;
  switch (p.cls) {
    case CLS_ZERO:
      return sign;
    case CLS_INF:
      return sign | expMaxBits;
    case CLS_SNAN:
    case CLS_QNAN: {
      const q = returnNan(p, s);
      return sign | expMaxBits | (((q.frac >> 64n) >> BigInt(roundBits)) & ((1n << fs) - 1n));
    }
  }
  const f64 = (p.frac >> 64n) | ((p.frac & M64) !== 0n ? 1n : 0n);
  const r = uncanonNormal(p.sign, p.exp, f64, 64, roundBits, f.bias, f.expMax, s);
  if (r.cls === CLS_INF) return sign | expMaxBits;
  return sign | (BigInt(r.exp) << fs) | ((r.frac >> BigInt(roundBits)) & ((1n << fs) - 1n));
}

export function x80ToFloat32(a: F80, s: FloatStatus): number {
  return Number(x80ToFloat(a, FLOAT32, s));
}
export function x80ToFloat64(a: F80, s: FloatStatus): bigint {
  return x80ToFloat(a, FLOAT64, s);
}

export { DEFAULT_NAN };
