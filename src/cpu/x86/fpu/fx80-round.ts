// The fast floatx80 rounding routine (QEMU 7.2's parts_uncanon_normal and
// floatx80_round_pack_canonical) on plain numbers: a significand as three 32-bit words with
// the integer bit at bit 31 of `hi` and a sticky-jammed third word, written straight into a
// register slot or packed as a float32/float64. No BigInt and no allocation: words cross
// function boundaries and sit in module state as int32 (V8 keeps those unboxed) and are
// read as unsigned only inside a function.

import {
  EXP_BIAS,
  EXP_MAX,
  FLAG_INEXACT,
  FLAG_OVERFLOW,
  FLAG_UNDERFLOW,
  RC_CHOP,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  type FloatStatus,
} from './floatx80.js';

/** A file of floatx80 slots: sign+exponent, significand bits 63-32 and 31-0 (X87State is one). */
export interface F80Regs {
  readonly se: Uint16Array;
  readonly hi: Int32Array;
  readonly lo: Int32Array;
}

/**
 * Where rounding happens in the 96-bit frame: SEL_64 rounds off the third word (64-bit
 * significand), SEL_53 11 more bits (PC=53, float64), SEL_24 40 more (PC=24, float32).
 */
export const SEL_64 = 0;
export const SEL_53 = 1;
export const SEL_24 = 2;

// The result of uncanon(): class (0 zero, 1 normal, 2 infinity), biased exponent, significand.
let rCls = 0;
let rExp = 0;
let rHi = 0;
let rLo = 0;

/**
 * parts_uncanon_normal with tininess before rounding: round the exact value
 * (-1)^sign * 0.hi:lo:ext * 2^(exp+1) (sticky in ext's bit 0) at `sel`, for a format of
 * `bias` and `expMax`; flags go to `s`.
 */
function uncanon(sign: number, exp: number, hi32: number, lo32: number, ext32: number, sel: number, bias: number, expMax: number, s: FloatStatus): void {
  let hi = hi32 >>> 0;
  let lo = lo32 >>> 0;
  let ext = ext32 >>> 0;
  const rm = s.rounding;
  let e = exp + bias;
  let flags = 0;
  const tiny = e <= 0;
  if (tiny) {
    // shift128RightJamming by 1-e.
    const n = 1 - e;
    let sticky: number;
    if (n >= 96) {
      sticky = hi | lo | ext;
      hi = lo = ext = 0;
    } else if (n >= 64) {
      const m = n - 64;
      sticky = lo | ext | (m === 0 ? 0 : hi << (32 - m));
      ext = hi >>> m;
      hi = lo = 0;
    } else if (n >= 32) {
      const m = n - 32;
      if (m === 0) {
        sticky = ext;
        ext = lo;
        lo = hi;
      } else {
        sticky = ext | (lo << (32 - m));
        ext = ((lo >>> m) | (hi << (32 - m))) >>> 0;
        lo = hi >>> m;
      }
      hi = 0;
    } else {
      sticky = ext << (32 - n);
      ext = ((ext >>> n) | (lo << (32 - n))) >>> 0;
      lo = ((lo >>> n) | (hi << (32 - n))) >>> 0;
      hi = hi >>> n;
    }
    if (sticky !== 0) ext = (ext | 1) >>> 0;
  }
  // The rounded-off part: its top word `mw` (half = `halfw`) and whether anything is below it.
  let mw: number;
  let halfw: number;
  let below: boolean;
  let odd: boolean;
  if (sel === SEL_64) {
    mw = ext;
    halfw = 0x80000000;
    below = false;
    odd = (lo & 1) !== 0;
  } else if (sel === SEL_53) {
    mw = lo & 0x7ff;
    halfw = 0x400;
    below = ext !== 0;
    odd = (lo & 0x800) !== 0;
  } else {
    mw = hi & 0xff;
    halfw = 0x80;
    below = (lo | ext) !== 0;
    odd = (hi & 0x100) !== 0;
  }
  if (mw !== 0 || below) {
    flags = FLAG_INEXACT;
    let up: boolean;
    if (rm === RC_NEAREST) up = mw > halfw || (mw === halfw && (below || odd));
    else if (rm === RC_CHOP) up = false;
    else if (rm === RC_UP) up = sign === 0;
    else up = sign !== 0;
    if (sel === SEL_64) {
      if (up) {
        lo += 1;
        if (lo > 0xffffffff) {
          lo = 0;
          hi += 1;
        }
      }
    } else if (sel === SEL_53) {
      lo = (lo & ~0x7ff) >>> 0;
      if (up) {
        lo += 0x800;
        if (lo > 0xffffffff) {
          lo -= 0x100000000;
          hi += 1;
        }
      }
    } else {
      lo = 0;
      hi = (hi & ~0xff) >>> 0;
      if (up) hi += 0x100;
    }
    // An increment past the top gives 1.0 at the next exponent (only possible when not tiny).
    if (hi > 0xffffffff) {
      hi = 0x80000000;
      e++;
    }
  }
  rCls = 1;
  if (!tiny) {
    if (e >= expMax) {
      flags |= FLAG_OVERFLOW | FLAG_INEXACT;
      const toMax = rm === RC_CHOP || (rm === RC_UP ? sign !== 0 : rm === RC_DOWN && sign === 0);
      if (toMax) {
        e = expMax - 1;
        if (sel === SEL_64) {
          hi = lo = 0xffffffff;
        } else if (sel === SEL_53) {
          hi = 0xffffffff;
          lo = 0xfffff800;
        } else {
          hi = 0xffffff00;
          lo = 0;
        }
      } else {
        rCls = 2;
        e = expMax;
        hi = lo = 0;
      }
    }
  } else {
    e = hi >= 0x80000000 ? 1 : 0;
    if (flags) flags |= FLAG_UNDERFLOW;
    if (e === 0 && (hi | lo) === 0) rCls = 0;
  }
  s.flags |= flags;
  rExp = e;
  rHi = hi | 0;
  rLo = lo | 0;
}

/**
 * floatx80_round_pack_canonical for a normal value: (-1)^sign * 1.xxx * 2^exp with the
 * significand hi:lo:ext normalized (bit 31 of hi set), rounded to the precision control.
 */
export function roundPackTo(r: F80Regs, dst: number, sign: number, exp: number, hi: number, lo: number, ext: number, s: FloatStatus): void {
  const p = s.precision;
  let e = exp + EXP_BIAS;
  if (p === 64 && e > 0 && e < EXP_MAX - 1) {
    // The common case: 64 bits, neither tiny nor able to overflow; only the third word rounds off.
    if (ext !== 0) {
      s.flags |= FLAG_INEXACT;
      const rm = s.rounding;
      const x = ext >>> 0;
      let up: boolean;
      if (rm === RC_NEAREST) up = x > 0x80000000 || (x === 0x80000000 && (lo & 1) !== 0);
      else if (rm === RC_CHOP) up = false;
      else if (rm === RC_UP) up = sign === 0;
      else up = sign !== 0;
      if (up) {
        lo = (lo + 1) | 0;
        if (lo === 0) {
          hi = (hi + 1) | 0;
          if (hi === 0) {
            hi = -0x80000000;
            e++;
          }
        }
      }
    }
    r.se[dst] = (sign << 15) | e;
    r.hi[dst] = hi;
    r.lo[dst] = lo;
    return;
  }
  uncanon(sign, exp, hi, lo, ext, p === 64 ? SEL_64 : p === 53 ? SEL_53 : SEL_24, EXP_BIAS, EXP_MAX, s);
  if (rCls === 2 || rExp === EXP_MAX) {
    r.se[dst] = (sign << 15) | EXP_MAX;
    r.hi[dst] = -0x80000000;
    r.lo[dst] = 0;
    return;
  }
  r.se[dst] = (sign << 15) | rExp;
  r.hi[dst] = rHi;
  r.lo[dst] = rLo;
}

/** floatx80_to_float32's rounding and packing of a normal value (flags to `s`), as an int32. */
export function roundPackFloat32(sign: number, exp: number, hi: number, lo: number, s: FloatStatus): number {
  uncanon(sign, exp, hi, lo, 0, SEL_24, 127, 255, s);
  if (rCls === 2) return (sign << 31) | 0x7f800000;
  return (sign << 31) | (rExp << 23) | ((rHi >>> 8) & 0x7fffff);
}

/** floatx80_to_float64's rounding and packing of a normal value: the two halves in `out`. */
export function roundPackFloat64(sign: number, exp: number, hi: number, lo: number, s: FloatStatus, out: Int32Array): void {
  uncanon(sign, exp, hi, lo, 0, SEL_53, 1023, 2047, s);
  if (rCls === 2) {
    out[0] = 0;
    out[1] = (sign << 31) | 0x7ff00000;
    return;
  }
  out[0] = (rHi << 21) | (rLo >>> 11);
  out[1] = (sign << 31) | (rExp << 20) | ((rHi >>> 11) & 0xfffff);
}

/** normalize64's result: the shifted significand words (int32, as everywhere here). */
export let normHi = 0;
export let normLo = 0;

/**
 * Shift the non-zero 64-bit significand hi:lo left until its bit 63 is set; the words go to
 * normHi/normLo and the shift count is returned (denormal operands and integer conversions).
 */
export function normalize64(hi: number, lo: number): number {
  hi >>>= 0;
  lo >>>= 0;
  const k = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
  if (k >= 32) {
    hi = (lo << (k - 32)) >>> 0;
    lo = 0;
  } else if (k > 0) {
    hi = ((hi << k) | (lo >>> (32 - k))) >>> 0;
    lo = (lo << k) >>> 0;
  }
  normHi = hi | 0;
  normLo = lo | 0;
  return k;
}

