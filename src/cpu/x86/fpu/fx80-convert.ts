// floatx80 conversions on register slots without BigInt or allocation, as QEMU 7.2's softfloat
// does them: float32/float64 and int16/32/64 into a slot (rounded to the precision control
// where QEMU rounds), a slot to float32/float64 (their own rounding) and to a signed integer in
// any rounding mode (invalid outside the range). 64-bit values travel as two 32-bit halves.

import { EXP_BIAS, FLAG_INEXACT, FLAG_INVALID, RC_CHOP, RC_NEAREST, RC_UP, type FloatStatus } from './floatx80.js';
import { normalize64, normHi, normLo, roundPackFloat32, roundPackFloat64, roundPackTo, type F80Regs } from './fx80-round.js';

/** The low and high halves of the last 64-bit result (float64 or int64), as int32 words. */
export const OUT64 = new Int32Array(2);

/** float32_to_floatx80: always exact (24 bits fit every precision control); SNaNs are quieted. */
export function float32ToSlot(r: F80Regs, dst: number, bits: number, s: FloatStatus): void {
  const sign = bits >>> 31;
  const e = (bits >>> 23) & 0xff;
  const f = bits & 0x7fffff;
  if (e === 0xff) {
    if (f === 0) {
      r.se[dst] = (sign << 15) | 0x7fff;
      r.hi[dst] = 0x80000000;
    } else {
      if (!(f & 0x400000)) s.flags |= FLAG_INVALID;
      r.se[dst] = (sign << 15) | 0x7fff;
      r.hi[dst] = (0xc0000000 | (f << 8)) >>> 0;
    }
  } else if (e === 0) {
    if (f === 0) {
      r.se[dst] = sign << 15;
      r.hi[dst] = 0;
    } else {
      const k = Math.clz32(f);
      r.se[dst] = (sign << 15) | (EXP_BIAS - 118 - k);
      r.hi[dst] = (f << k) >>> 0;
    }
  } else {
    r.se[dst] = (sign << 15) | (e - 127 + EXP_BIAS);
    r.hi[dst] = (0x80000000 | (f << 8)) >>> 0;
  }
  r.lo[dst] = 0;
}

/** float64_to_floatx80 from its halves: rounded to the precision control (PC=24 can round). */
export function float64ToSlot(r: F80Regs, dst: number, lo32: number, hi32: number, s: FloatStatus): void {
  const sign = hi32 >>> 31;
  const e = (hi32 >>> 20) & 0x7ff;
  const fh = hi32 & 0xfffff;
  const fl = lo32 >>> 0;
  if (e === 0x7ff) {
    r.se[dst] = (sign << 15) | 0x7fff;
    if ((fh | fl) === 0) {
      r.hi[dst] = 0x80000000;
      r.lo[dst] = 0;
    } else {
      if (!(fh & 0x80000)) s.flags |= FLAG_INVALID;
      r.hi[dst] = (0xc0000000 | (fh << 11) | (fl >>> 21)) >>> 0;
      r.lo[dst] = (fl << 11) >>> 0;
    }
    return;
  }
  if (e === 0) {
    if ((fh | fl) === 0) {
      r.se[dst] = sign << 15;
      r.hi[dst] = 0;
      r.lo[dst] = 0;
      return;
    }
    // Denormal: normalize the 52-bit fraction to bit 63.
    const k = fh !== 0 ? Math.clz32(fh) : 32 + Math.clz32(fl);
    let hi: number;
    let lo: number;
    if (k >= 32) {
      hi = (fl << (k - 32)) >>> 0;
      lo = 0;
    } else {
      hi = ((fh << k) | (fl >>> (32 - k))) >>> 0;
      lo = (fl << k) >>> 0;
    }
    roundPackTo(r, dst, sign, -1011 - k, hi | 0, lo | 0, 0, s);
    return;
  }
  roundPackTo(r, dst, sign, e - 1023, 0x80000000 | (fh << 11) | (fl >>> 21), fl << 11, 0, s);
}

/** int32_to_floatx80 rounded to the precision control (`exact`: at 64 bits, QEMU's maximised precision). */
export function int32ToSlot(r: F80Regs, dst: number, v: number, exact: boolean, s: FloatStatus): void {
  if (v === 0) {
    r.se[dst] = 0;
    r.hi[dst] = 0;
    r.lo[dst] = 0;
    return;
  }
  const sign = v < 0 ? 1 : 0;
  const mag = sign ? -v : v;
  const k = Math.clz32(mag);
  const hi = (mag << k) >>> 0;
  if (exact || s.precision >= 32) {
    r.se[dst] = (sign << 15) | (EXP_BIAS + 31 - k);
    r.hi[dst] = hi;
    r.lo[dst] = 0;
  } else roundPackTo(r, dst, sign, 31 - k, hi | 0, 0, 0, s);
}

/** int64_to_floatx80 exactly (fild m64 into ST0: QEMU maximises the precision). */
export function int64ToSlot(r: F80Regs, dst: number, lo32: number, hi32: number): void {
  let lo = lo32 >>> 0;
  let hi = hi32 >>> 0;
  const sign = hi >>> 31;
  if (sign) {
    lo = -lo >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  if ((hi | lo) === 0) {
    r.se[dst] = 0;
    r.hi[dst] = 0;
    r.lo[dst] = 0;
    return;
  }
  const k = normalize64(hi, lo);
  hi = normHi >>> 0;
  lo = normLo >>> 0;
  r.se[dst] = (sign << 15) | (EXP_BIAS + 63 - k);
  r.hi[dst] = hi;
  r.lo[dst] = lo;
}

/** Unpack slot i to sign/exponent/normalized significand; returns 0 zero, 1 normal, 2 NaN, 3 infinity, 4 invalid encoding. */
let uSign = 0;
let uExp = 0;
let uHi = 0;
let uLo = 0;
function unpack(r: F80Regs, i: number): number {
  const se = r.se[i]!;
  const e = se & 0x7fff;
  let hi = r.hi[i]! >>> 0;
  let lo = r.lo[i]! >>> 0;
  uSign = se >>> 15;
  uHi = hi | 0;
  uLo = lo | 0;
  if (e !== 0 && hi < 0x80000000) return 4;
  if (e === 0x7fff) return ((hi & 0x7fffffff) | lo) === 0 ? 3 : 2;
  if (e === 0) {
    if ((hi | lo) === 0) return 0;
    const k = normalize64(hi, lo);
    hi = normHi >>> 0;
    lo = normLo >>> 0;
    uExp = 1 - EXP_BIAS - k;
    uHi = hi | 0;
    uLo = lo | 0;
    return 1;
  }
  uExp = e - EXP_BIAS;
  return 1;
}

/** floatx80_to_float32, as an int32 bit pattern. */
export function slotToFloat32(r: F80Regs, i: number, s: FloatStatus): number {
  const c = unpack(r, i);
  const sign = uSign << 31;
  switch (c) {
    case 0:
      return sign;
    case 1:
      return roundPackFloat32(uSign, uExp, uHi, uLo, s);
    case 2:
      if (!(uHi & 0x40000000)) s.flags |= FLAG_INVALID;
      return sign | 0x7fc00000 | ((uHi >>> 8) & 0x7fffff);
    case 3:
      return sign | 0x7f800000;
    default:
      s.flags |= FLAG_INVALID;
      return 0xffc00000 | 0;
  }
}

/** floatx80_to_float64: the result in OUT64. */
export function slotToFloat64(r: F80Regs, i: number, s: FloatStatus): void {
  const c = unpack(r, i);
  const sign = uSign << 31;
  switch (c) {
    case 0:
      OUT64[0] = 0;
      OUT64[1] = sign >>> 0;
      return;
    case 1:
      roundPackFloat64(uSign, uExp, uHi, uLo, s, OUT64);
      return;
    case 2:
      if (!(uHi & 0x40000000)) s.flags |= FLAG_INVALID;
      OUT64[0] = ((uHi << 21) | (uLo >>> 11)) >>> 0;
      OUT64[1] = (sign | 0x7ff80000 | ((uHi >>> 11) & 0xfffff)) >>> 0;
      return;
    case 3:
      OUT64[0] = 0;
      OUT64[1] = (sign | 0x7ff00000) >>> 0;
      return;
    default:
      s.flags |= FLAG_INVALID;
      OUT64[0] = 0;
      OUT64[1] = 0xfff80000;
  }
}

/**
 * parts_float_to_sint for int32 (wide = false) or int64 (wide = true) in rounding mode `rm`:
 * out of range or NaN is invalid (inexact dropped) and saturates. The result is in OUT64.
 */
export function slotToInt(r: F80Regs, i: number, rm: number, wide: boolean, s: FloatStatus): void {
  const c = unpack(r, i);
  const maxHi = wide ? 0x7fffffff : 0;
  const maxLo = wide ? 0xffffffff : 0x7fffffff;
  const minHi = wide ? 0x80000000 : 0xffffffff;
  const minLo = wide ? 0 : 0x80000000;
  if (c === 0) {
    OUT64[0] = OUT64[1] = 0;
    return;
  }
  if (c !== 1) {
    s.flags |= FLAG_INVALID;
    const neg = c === 3 && uSign !== 0;
    OUT64[0] = neg ? minLo : maxLo;
    OUT64[1] = neg ? minHi : maxHi;
    return;
  }
  const sign = uSign;
  const uh = uHi >>> 0;
  const ul = uLo >>> 0;
  let ih: number; // the integer magnitude, two words; ih > 0xffffffff marks "too large"
  let il: number;
  let inexact = false;
  let up = false;
  if (uExp < 0) {
    inexact = true;
    ih = il = 0;
    if (rm === RC_NEAREST) up = uExp === -1 && (uh !== 0x80000000 || ul !== 0);
    else if (rm === RC_CHOP) up = false;
    else if (rm === RC_UP) up = sign === 0;
    else up = sign !== 0;
  } else if (uExp >= 64) {
    ih = 0x100000000;
    il = 0;
  } else {
    const shift = 63 - uExp;
    // The rounded-off bits compared with one half: cmp -1/0/1, nonzero.
    let cmp = 0;
    let nonzero = false;
    if (shift === 0) {
      ih = uh;
      il = ul;
    } else if (shift < 32) {
      const fv = (ul & (2 ** shift - 1)) >>> 0;
      const half = 2 ** (shift - 1);
      nonzero = fv !== 0;
      cmp = fv > half ? 1 : fv === half ? 0 : -1;
      il = ((ul >>> shift) | (uh << (32 - shift))) >>> 0;
      ih = uh >>> shift;
    } else if (shift === 32) {
      nonzero = ul !== 0;
      cmp = ul > 0x80000000 ? 1 : ul === 0x80000000 ? 0 : -1;
      il = uh;
      ih = 0;
    } else {
      const m = shift - 32;
      const fh = (uh & (2 ** m - 1)) >>> 0;
      const half = 2 ** (m - 1);
      nonzero = (fh | ul) !== 0;
      cmp = fh > half || (fh === half && ul !== 0) ? 1 : fh === half ? 0 : -1;
      il = uh >>> m;
      ih = 0;
    }
    if (nonzero) {
      inexact = true;
      if (rm === RC_NEAREST) up = cmp > 0 || (cmp === 0 && (il & 1) !== 0);
      else if (rm === RC_CHOP) up = false;
      else if (rm === RC_UP) up = sign === 0;
      else up = sign !== 0;
    }
  }
  if (up) {
    il += 1;
    if (il > 0xffffffff) {
      il = 0;
      ih += 1;
    }
  }
  // Range: magnitude <= max, or <= -min when negative.
  let ok: boolean;
  if (sign) ok = wide ? ih < 0x80000000 || (ih === 0x80000000 && il === 0) : ih === 0 && il <= 0x80000000;
  else ok = wide ? ih <= 0x7fffffff : ih === 0 && il <= 0x7fffffff;
  if (!ok) {
    s.flags |= FLAG_INVALID;
    OUT64[0] = sign ? minLo : maxLo;
    OUT64[1] = sign ? minHi : maxHi;
    return;
  }
  if (inexact) s.flags |= FLAG_INEXACT;
  if (sign) {
    il = -il >>> 0;
    ih = (~ih + (il === 0 ? 1 : 0)) >>> 0;
  }
  OUT64[0] = il;
  OUT64[1] = ih >>> 0;
}
