// floatx80 arithmetic as QEMU 7.2's softfloat computes it: add, sub, mul, div, sqrt, round to
// integer, scalbn, compare, and the x87 partial/IEEE remainder (floatx80_modrem). Every result
// is the exact value rounded once (BigInt significands: these are not on a hot path yet).

import {
  BIT63,
  CLS_INF,
  CLS_NORMAL,
  CLS_QNAN,
  CLS_SNAN,
  CLS_ZERO,
  DEFAULT_NAN,
  EXP_BIAS,
  FLAG_DIVBYZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  M64,
  RC_CHOP,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  clz64,
  defaultNanParts,
  f80,
  isAnyNan,
  isInvalidEncoding,
  isNanCls,
  isSignalingNan,
  normalParts,
  normalizeRoundAndPackX80,
  pickNan,
  returnNan,
  roundPackX80,
  shrJam,
  silenceNan,
  unpackX80,
  type F80,
  type FloatStatus,
  type Parts,
} from './floatx80.js';

const TOP128 = 1n << 128n;

function addsub(a: F80, b: F80, subtract: boolean, s: FloatStatus): F80 {
  const pa = unpackX80(a, s);
  if (!pa) return DEFAULT_NAN;
  const pb = unpackX80(b, s);
  if (!pb) return DEFAULT_NAN;
  return roundPackX80(addsubParts(pa, pb, subtract, s), s);
}

/** parts_addsub: exact sum of two 128-bit fractions aligned with a sticky bit, then one rounding. */
export function addsubParts(a: Parts, b: Parts, subtract: boolean, s: FloatStatus): Parts {
  const bSign = b.sign ^ (subtract ? 1 : 0);
  if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
    let ea = a.exp;
    let fa = a.frac;
    let fb = b.frac;
    const diff = a.exp - b.exp;
    if (diff > 0) fb = shrJam(fb, diff);
    else if (diff < 0) {
      fa = shrJam(fa, -diff);
      ea = b.exp;
    }
    if (a.sign === bSign) {
      let sum = fa + fb;
      if (sum >= TOP128) {
        sum = shrJam(sum, 1);
        ea++;
      }
      return { cls: CLS_NORMAL, sign: a.sign, exp: ea, frac: sum };
    }
    let sign = a.sign;
    let d = fa - fb;
    if (diff < 0) {
      sign ^= 1;
      d = fb - fa;
    } else if (diff === 0 && d < 0n) {
      d = -d;
      sign ^= 1;
    }
    if (d === 0n) return { cls: CLS_ZERO, sign: s.rounding === RC_DOWN ? 1 : 0, exp: 0, frac: 0n };
    return normalParts(sign, ea, d);
  }
  if (isNanCls(a.cls) || isNanCls(b.cls)) return pickNan(a, b, s);
  if (a.sign !== bSign) {
    if (a.cls === CLS_ZERO && b.cls === CLS_ZERO) return { ...a, sign: s.rounding === RC_DOWN ? 1 : 0 };
    if (a.cls === CLS_INF || b.cls === CLS_INF) {
      if (a.cls !== CLS_INF) return { ...b, sign: bSign };
      if (b.cls !== CLS_INF) return a;
      s.flags |= FLAG_INVALID;
      return defaultNanParts();
    }
  } else {
    if (a.cls === CLS_ZERO && b.cls === CLS_ZERO) return a;
    if (a.cls === CLS_INF || b.cls === CLS_INF) return { ...a, cls: CLS_INF };
  }
  if (b.cls === CLS_ZERO) return a;
  return { ...b, sign: bSign };
}

export function floatx80Add(a: F80, b: F80, s: FloatStatus): F80 {
  return addsub(a, b, false, s);
}
export function floatx80Sub(a: F80, b: F80, s: FloatStatus): F80 {
  return addsub(a, b, true, s);
}

export function mulParts(a: Parts, b: Parts, s: FloatStatus): Parts {
  const sign = a.sign ^ b.sign;
  if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
    // 128x128 product, 256 bits with the integer bit at 253 or 254: keep 128 bits jammed.
    const prod = a.frac * b.frac;
    return normalParts(sign, a.exp + b.exp + 1, shrJam(prod, 128));
  }
  if ((a.cls === CLS_INF && b.cls === CLS_ZERO) || (a.cls === CLS_ZERO && b.cls === CLS_INF)) {
    s.flags |= FLAG_INVALID;
    return defaultNanParts();
  }
  if (isNanCls(a.cls) || isNanCls(b.cls)) return pickNan(a, b, s);
  if (a.cls === CLS_INF || b.cls === CLS_INF) return { cls: CLS_INF, sign, exp: 0, frac: 0n };
  return { cls: CLS_ZERO, sign, exp: 0, frac: 0n };
}

export function floatx80Mul(a: F80, b: F80, s: FloatStatus): F80 {
  const pa = unpackX80(a, s);
  if (!pa) return DEFAULT_NAN;
  const pb = unpackX80(b, s);
  if (!pb) return DEFAULT_NAN;
  return roundPackX80(mulParts(pa, pb, s), s);
}

export function floatx80Div(a: F80, b: F80, s: FloatStatus): F80 {
  const pa = unpackX80(a, s);
  if (!pa) return DEFAULT_NAN;
  const pb = unpackX80(b, s);
  if (!pb) return DEFAULT_NAN;
  return roundPackX80(divParts(pa, pb, s), s);
}

export function divParts(a: Parts, b: Parts, s: FloatStatus): Parts {
  const sign = a.sign ^ b.sign;
  if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
    // Exact quotient of the 64-bit significands to 130 bits, remainder as sticky.
    const na = a.frac >> 64n;
    const nb = b.frac >> 64n;
    const num = na << 130n;
    let q = num / nb;
    if (q * nb !== num) q |= 1n;
    return normalParts(sign, a.exp - b.exp + (127 - 130), q);
  }
  if (a.cls === CLS_ZERO && b.cls === CLS_ZERO) {
    s.flags |= FLAG_INVALID;
    return defaultNanParts();
  }
  if (a.cls === CLS_INF && b.cls === CLS_INF) {
    s.flags |= FLAG_INVALID;
    return defaultNanParts();
  }
  if (isNanCls(a.cls) || isNanCls(b.cls)) return pickNan(a, b, s);
  if (a.cls === CLS_INF) return { ...a, sign };
  if (a.cls === CLS_ZERO) return { ...a, sign };
  if (b.cls === CLS_INF) return { cls: CLS_ZERO, sign, exp: 0, frac: 0n };
  s.flags |= FLAG_DIVBYZERO;
  return { cls: CLS_INF, sign, exp: 0, frac: 0n };
}

/** floor(sqrt(n)) by Newton's method (also used by the transcendental helpers). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function floatx80Sqrt(a: F80, s: FloatStatus): F80 {
  const p = unpackX80(a, s);
  if (!p) return DEFAULT_NAN;
  return roundPackX80(sqrtParts(p, s), s);
}

export function sqrtParts(p: Parts, s: FloatStatus): Parts {
  if (isNanCls(p.cls)) return returnNan(p, s);
  if (p.cls === CLS_ZERO) return p;
  if (p.sign) {
    s.flags |= FLAG_INVALID;
    return defaultNanParts();
  }
  if (p.cls === CLS_INF) return p;
  // value = m * 2^e with m the 64-bit significand; make e even, then take 2^200 more bits.
  let m = p.frac >> 64n;
  let e = p.exp - 63;
  if (e & 1) {
    m <<= 1n;
    e -= 1;
  }
  const big = m << 200n;
  let r = isqrt(big);
  if (r * r !== big) r |= 1n;
  return normalParts(0, (e - 200) / 2 + 127, r);
}

/**
 * parts_round_to_int_normal: round a normal to an integer in mode `rm`; a fraction at or above
 * 2^fracSize counts as integral. Returns the new parts and whether the result is inexact.
 */
export function roundToIntNormal(p: Parts, rm: number, fracSize: number, s: FloatStatus): Parts {
  if (p.exp < 0) {
    s.flags |= FLAG_INEXACT;
    let one: boolean;
    if (rm === RC_NEAREST) one = p.exp === -1 && (p.frac << 1n) % TOP128 !== 0n;
    else if (rm === RC_CHOP) one = false;
    else if (rm === RC_UP) one = p.sign === 0;
    else one = p.sign !== 0;
    return one ? { cls: CLS_NORMAL, sign: p.sign, exp: 0, frac: 1n << 127n } : { cls: CLS_ZERO, sign: p.sign, exp: 0, frac: 0n };
  }
  if (p.exp >= fracSize) return p;
  const fracBits = BigInt(127 - p.exp);
  const lsb = 1n << fracBits;
  const lsbm1 = lsb >> 1n;
  const rndMask = lsb - 1n;
  if ((p.frac & rndMask) === 0n) return p;
  let inc: bigint;
  if (rm === RC_NEAREST) inc = (p.frac & (rndMask | lsb)) !== lsbm1 ? lsbm1 : 0n;
  else if (rm === RC_CHOP) inc = 0n;
  else if (rm === RC_UP) inc = p.sign ? 0n : rndMask;
  else inc = p.sign ? rndMask : 0n;
  s.flags |= FLAG_INEXACT;
  let frac = p.frac + inc;
  let exp = p.exp;
  if (frac >= TOP128) {
    frac >>= 1n;
    exp++;
  }
  frac &= ~rndMask;
  return { cls: CLS_NORMAL, sign: p.sign, exp, frac };
}

export function floatx80RoundToInt(a: F80, s: FloatStatus): F80 {
  const p = unpackX80(a, s);
  if (!p) return DEFAULT_NAN;
  let r: Parts;
  if (isNanCls(p.cls)) r = returnNan(p, s);
  else if (p.cls !== CLS_NORMAL) r = p;
  else r = roundToIntNormal(p, s.rounding, s.precision - 1, s);
  return roundPackX80(r, s);
}

export function floatx80Scalbn(a: F80, n: number, s: FloatStatus): F80 {
  const p = unpackX80(a, s);
  if (!p) return DEFAULT_NAN;
  if (isNanCls(p.cls)) return roundPackX80(returnNan(p, s), s);
  if (p.cls !== CLS_NORMAL) return roundPackX80(p, s);
  n = Math.min(Math.max(n, -0x10000), 0x10000);
  return roundPackX80({ ...p, exp: p.exp + n }, s);
}

export const REL_LESS = -1;
export const REL_EQUAL = 0;
export const REL_GREATER = 1;
export const REL_UNORDERED = 2;

/** floatx80_compare / floatx80_compare_quiet. */
export function floatx80Compare(a: F80, b: F80, quiet: boolean, s: FloatStatus): number {
  const pa = unpackX80(a, s);
  if (!pa) return REL_UNORDERED;
  const pb = unpackX80(b, s);
  if (!pb) return REL_UNORDERED;
  return compareParts(pa, pb, quiet, s);
}

function compareParts(a: Parts, b: Parts, quiet: boolean, s: FloatStatus): number {
  if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
    if (a.sign !== b.sign) return a.sign ? REL_LESS : REL_GREATER;
    let cmp = a.exp === b.exp ? (a.frac === b.frac ? 0 : a.frac < b.frac ? -1 : 1) : a.exp < b.exp ? -1 : 1;
    if (a.sign) cmp = -cmp;
    return cmp;
  }
  if (isNanCls(a.cls) || isNanCls(b.cls)) {
    if (a.cls === CLS_SNAN || b.cls === CLS_SNAN || !quiet) s.flags |= FLAG_INVALID;
    return REL_UNORDERED;
  }
  if (a.cls === CLS_ZERO || b.cls === CLS_ZERO) {
    if (a.cls === CLS_ZERO && b.cls === CLS_ZERO) return REL_EQUAL;
    if (a.cls === CLS_ZERO) return b.sign ? REL_GREATER : REL_LESS;
    return a.sign ? REL_LESS : REL_GREATER;
  }
  if (a.cls === CLS_INF && b.cls === CLS_INF) {
    if (a.sign === b.sign) return REL_EQUAL;
    return a.sign ? REL_LESS : REL_GREATER;
  }
  if (b.cls === CLS_INF) return b.sign ? REL_GREATER : REL_LESS;
  return a.sign ? REL_LESS : REL_GREATER;
}

/** propagateFloatx80NaN: the old-style NaN choice (by significand, then positive sign). */
export function propagateNan(a: F80, b: F80, s: FloatStatus): F80 {
  const aCls = !isAnyNan(a) ? CLS_NORMAL : isSignalingNan(a) ? CLS_SNAN : CLS_QNAN;
  const bCls = !isAnyNan(b) ? CLS_NORMAL : isSignalingNan(b) ? CLS_SNAN : CLS_QNAN;
  if (aCls === CLS_SNAN || bCls === CLS_SNAN) s.flags |= FLAG_INVALID;
  const aLarger = a.low < b.low ? false : b.low < a.low ? true : a.high < b.high;
  let takeB: boolean;
  if (aCls === CLS_SNAN) takeB = bCls === CLS_SNAN ? !aLarger : bCls === CLS_QNAN;
  else if (aCls === CLS_QNAN) takeB = bCls === CLS_SNAN || bCls !== CLS_QNAN ? false : !aLarger;
  else takeB = true;
  if (takeB) return bCls === CLS_SNAN ? silenceNan(b) : b;
  return aCls === CLS_SNAN ? silenceNan(a) : a;
}

/**
 * floatx80_modrem (parts_modrem): the exact remainder of a by b, truncating (mod: fprem) or
 * rounding to nearest-even (fprem1), then rounded to the precision control like any result.
 * `q` is the low 64 bits of the integer quotient for mod, 0 for the IEEE remainder (QEMU 7.2
 * reports no quotient bits for fprem1).
 */
export function floatx80Modrem(a: F80, b: F80, mod: boolean, s: FloatStatus): { r: F80; q: bigint } {
  const pa = unpackX80(a, s);
  if (!pa) return { r: DEFAULT_NAN, q: 0n };
  const pb = unpackX80(b, s);
  if (!pb) return { r: DEFAULT_NAN, q: 0n };
  if (pa.cls === CLS_NORMAL && pb.cls === CLS_NORMAL) {
    const expDiff = pa.exp - pb.exp;
    if (expDiff < -1) return { r: roundPackX80(pa, s), q: 0n };
    // Work in units of 2^-1 of b's last significand bit so expDiff = -1 is an integer case too.
    const A = (pa.frac >> 64n) << BigInt(expDiff + 1);
    const B = (pb.frac >> 64n) << 1n;
    let q = A / B;
    let rem = A - q * B;
    let sign = pa.sign;
    if (!mod) {
      const alt = B - rem;
      if (alt < rem || (alt === rem && q & 1n)) {
        rem = alt;
        sign ^= 1;
        q++;
      }
    }
    const r = rem === 0n ? { cls: CLS_ZERO, sign, exp: 0, frac: 0n } : normalParts(sign, pb.exp - 1, rem << 64n);
    return { r: roundPackX80(r, s), q: mod ? q & M64 : 0n };
  }
  if (isNanCls(pa.cls) || isNanCls(pb.cls)) return { r: roundPackX80(pickNan(pa, pb, s), s), q: 0n };
  if (pa.cls === CLS_INF || pb.cls === CLS_ZERO) {
    s.flags |= FLAG_INVALID;
    return { r: DEFAULT_NAN, q: 0n };
  }
  return { r: roundPackX80(pa, s), q: 0n };
}

/** floatx80_mod: the truncating remainder. */
export function floatx80Mod(a: F80, b: F80, s: FloatStatus): F80 {
  return floatx80Modrem(a, b, true, s).r;
}

export { BIT63, CLS_QNAN, CLS_SNAN, EXP_BIAS };
