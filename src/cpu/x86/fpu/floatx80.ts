// The 80-bit extended format as QEMU 7.2's softfloat handles it for x86: values, the float
// status (rounding mode, rounding precision, sticky flags), unpacking into "parts" and the one
// rounding routine every floatx80 result goes through (floatx80_round_pack_canonical).

/** A floatx80: `high` = sign (bit 15) and biased exponent (bits 14-0); `low` = 64-bit significand with its explicit integer bit. */
export interface F80 {
  readonly high: number;
  readonly low: bigint;
}

export function f80(high: number, low: bigint): F80 {
  return { high: high & 0xffff, low: low & M64 };
}

export const M64 = (1n << 64n) - 1n;
export const M128 = (1n << 128n) - 1n;
export const BIT63 = 1n << 63n;
export const BIT62 = 1n << 62n;
const BIT127 = 1n << 127n;

export const EXP_BIAS = 0x3fff;
export const EXP_MAX = 0x7fff;

/** Exception flags at their x87 status-word positions (QEMU maps its flags onto these). */
export const FLAG_INVALID = 0x01;
export const FLAG_DENORMAL = 0x02;
export const FLAG_DIVBYZERO = 0x04;
export const FLAG_OVERFLOW = 0x08;
export const FLAG_UNDERFLOW = 0x10;
export const FLAG_INEXACT = 0x20;

/** Rounding modes in x87 RC encoding. */
export const RC_NEAREST = 0;
export const RC_DOWN = 1;
export const RC_UP = 2;
export const RC_CHOP = 3;

/** QEMU's float_status for the x87: tininess is detected before rounding, no flush to zero. */
export class FloatStatus {
  rounding = RC_NEAREST;
  /** Significand bits kept by floatx80 results: 24, 53 or 64 (FPUC.PC). */
  precision = 64;
  flags = 0;
}

export const DEFAULT_NAN: F80 = f80(0xffff, 0xc000000000000000n);
export const F80_ZERO: F80 = f80(0, 0n);
export const F80_ONE: F80 = f80(0x3fff, BIT63);
export const F80_INF: F80 = f80(0x7fff, BIT63);

export function isNeg(a: F80): boolean {
  return (a.high & 0x8000) !== 0;
}
export function expOf(a: F80): number {
  return a.high & 0x7fff;
}
export function chs(a: F80): F80 {
  return f80(a.high ^ 0x8000, a.low);
}
export function abs(a: F80): F80 {
  return f80(a.high & 0x7fff, a.low);
}
/** Unnormals, pseudo-NaNs and pseudo-infinities: a nonzero exponent without the integer bit. */
export function isInvalidEncoding(a: F80): boolean {
  return (a.low & BIT63) === 0n && (a.high & 0x7fff) !== 0;
}
export function isZero(a: F80): boolean {
  return (a.high & 0x7fff) === 0 && a.low === 0n;
}
export function isAnyNan(a: F80): boolean {
  return (a.high & 0x7fff) === 0x7fff && (a.low << 1n & M64) !== 0n;
}
export function isInfinity(a: F80): boolean {
  return (a.high & 0x7fff) === 0x7fff && (a.low << 1n & M64) === 0n;
}
export function isSignalingNan(a: F80): boolean {
  const low = a.low & ~BIT62;
  return (a.high & 0x7fff) === 0x7fff && (low << 1n & M64) !== 0n && a.low === low;
}
export function silenceNan(a: F80): F80 {
  return f80(a.high, a.low | 0xc000000000000000n);
}

// ---- parts (QEMU's FloatParts128): class, sign, unbiased exponent, 128-bit fraction ----

export const CLS_ZERO = 0;
export const CLS_NORMAL = 1;
export const CLS_INF = 2;
export const CLS_QNAN = 3;
export const CLS_SNAN = 4;

/**
 * A decomposed value. Normals have the integer bit at bit 127 of `frac`; NaNs keep their
 * 63-bit fraction (without the integer bit) in bits 126-64, so the quiet bit is bit 126.
 */
export interface Parts {
  cls: number;
  sign: number;
  exp: number;
  frac: bigint;
}

export function isNanCls(cls: number): boolean {
  return cls >= CLS_QNAN;
}

export function clz64(x: bigint): number {
  if (x === 0n) return 64;
  const hi = Number(x >> 32n);
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(Number(x & 0xffffffffn));
}

/** Bits in a nonnegative x (0 for 0), 64 at a time: cheaper than toString(2) on this path. */
function bitLength(x: bigint): number {
  let n = 0;
  while (x > M64) {
    x >>= 64n;
    n += 64;
  }
  return n + 64 - clz64(x);
}

/** Shift right keeping a sticky bit (shift128RightJamming). Values here stay below 2^1024. */
export function shrJam(x: bigint, n: number): bigint {
  if (n <= 0) return x;
  if (n >= 1024) return x !== 0n ? 1n : 0n;
  const b = BigInt(n);
  const out = x >> b;
  return (x & ((1n << b) - 1n)) !== 0n ? out | 1n : out;
}

/**
 * floatx80_unpack_canonical: null (invalid raised) for an invalid encoding. Denormals and
 * pseudo-denormals come out normalized; the DE flag is not raised here (QEMU raises it only
 * when flushing inputs, which the x87 does not).
 */
export function unpackX80(a: F80, s: FloatStatus): Parts | null {
  if (isInvalidEncoding(a)) {
    s.flags |= FLAG_INVALID;
    return null;
  }
  const sign = a.high >> 15;
  const exp = a.high & 0x7fff;
  if (exp === EXP_MAX) {
    const frac = a.low & ~BIT63;
    const cls = frac === 0n ? CLS_INF : frac & BIT62 ? CLS_QNAN : CLS_SNAN;
    return { cls, sign, exp: 0, frac: frac << 64n };
  }
  if (exp === 0) {
    if (a.low === 0n) return { cls: CLS_ZERO, sign, exp: 0, frac: 0n };
    const shift = clz64(a.low);
    return { cls: CLS_NORMAL, sign, exp: 1 - EXP_BIAS - shift, frac: ((a.low << BigInt(shift)) & M64) << 64n };
  }
  return { cls: CLS_NORMAL, sign, exp: exp - EXP_BIAS, frac: a.low << 64n };
}

export function defaultNanParts(): Parts {
  return { cls: CLS_QNAN, sign: 1, exp: 0, frac: BIT62 << 64n };
}

/** parts_return_nan: a signaling NaN raises invalid and is quieted. */
export function returnNan(p: Parts, s: FloatStatus): Parts {
  if (p.cls === CLS_SNAN) {
    s.flags |= FLAG_INVALID;
    return { cls: CLS_QNAN, sign: p.sign, exp: p.exp, frac: p.frac | (BIT62 << 64n) };
  }
  return p;
}

/** parts_pick_nan with the x87 rules (pickNaN's default branch). */
export function pickNan(a: Parts, b: Parts, s: FloatStatus): Parts {
  if (a.cls === CLS_SNAN || b.cls === CLS_SNAN) s.flags |= FLAG_INVALID;
  let cmp = a.frac === b.frac ? 0 : a.frac > b.frac ? 1 : -1;
  if (cmp === 0) cmp = a.sign < b.sign ? 1 : 0;
  const aLarger = cmp > 0;
  let takeB: boolean;
  if (a.cls === CLS_SNAN) takeB = b.cls === CLS_SNAN ? !aLarger : b.cls === CLS_QNAN;
  else if (a.cls === CLS_QNAN) takeB = b.cls === CLS_SNAN || b.cls !== CLS_QNAN ? false : !aLarger;
  else takeB = true;
  const r = takeB ? b : a;
  if (r.cls === CLS_SNAN) return { cls: CLS_QNAN, sign: r.sign, exp: r.exp, frac: r.frac | (BIT62 << 64n) };
  return r;
}

/** Rounding constants per number of rounded-off bits (BigInt shifts cost more than lookups). */
interface RoundConsts {
  mask: bigint;
  lsb: bigint;
  half: bigint;
}
function roundConsts(bits: number): RoundConsts {
  const b = BigInt(bits);
  return { mask: (1n << b) - 1n, lsb: 1n << b, half: 1n << (b - 1n) };
}
const ROUND_CONSTS: (RoundConsts | undefined)[] = [];
const TOP64 = 1n << 64n;
const TOP128 = 1n << 128n;

/** The result of uncanon_normal: class, biased exponent, fraction of `width` bits (unshifted). */
interface Rounded {
  cls: number;
  exp: number;
  frac: bigint;
}

/**
 * parts_uncanon_normal on a `width`-bit fraction (integer bit at width-1) whose low
 * `roundBits` bits are rounded off; x86 detects tininess before rounding.
 */
export function uncanonNormal(
  sign: number,
  exp: number,
  frac: bigint,
  width: number,
  roundBits: number,
  bias: number,
  expMax: number,
  s: FloatStatus,
): Rounded {
  const k = ROUND_CONSTS[roundBits] ?? (ROUND_CONSTS[roundBits] = roundConsts(roundBits));
  const roundMask = k.mask;
  const lsb = k.lsb;
  const lsbm1 = k.half;
  const top = width === 128 ? TOP128 : TOP64;
  let inc: bigint;
  let overflowNorm = false;
  const rm = s.rounding;
  if (rm === RC_NEAREST) inc = (frac & (roundMask | lsb)) !== lsbm1 ? lsbm1 : 0n;
  else if (rm === RC_CHOP) {
    overflowNorm = true;
    inc = 0n;
  } else if (rm === RC_UP) {
    inc = sign ? 0n : roundMask;
    overflowNorm = sign !== 0;
  } else {
    inc = sign ? roundMask : 0n;
    overflowNorm = sign === 0;
  }
  let flags = 0;
  let e = exp + bias;
  let cls = CLS_NORMAL;
  if (e > 0) {
    if (frac & roundMask) {
      flags |= FLAG_INEXACT;
      frac += inc;
      if (frac >= top) {
        frac >>= 1n;
        e++;
      }
      frac &= ~roundMask;
    }
    if (e >= expMax) {
      flags |= FLAG_OVERFLOW | FLAG_INEXACT;
      if (overflowNorm) {
        e = expMax - 1;
        frac = (top - 1n) & ~roundMask;
      } else {
        cls = CLS_INF;
        e = expMax;
        frac = 0n;
      }
    }
  } else {
    frac = shrJam(frac, 1 - e);
    if (frac & roundMask) {
      if (rm === RC_NEAREST) inc = (frac & (roundMask | lsb)) !== lsbm1 ? lsbm1 : 0n;
      flags |= FLAG_INEXACT;
      frac += inc;
      frac &= ~roundMask;
    }
    e = frac & (top >> 1n) ? 1 : 0;
    if (flags & FLAG_INEXACT) flags |= FLAG_UNDERFLOW;
    if (e === 0 && frac === 0n) cls = CLS_ZERO;
  }
  s.flags |= flags;
  return { cls, exp: e, frac };
}

/** floatx80_round_pack_canonical: round to the status's precision and pack. */
export function roundPackX80(p: Parts, s: FloatStatus): F80 {
  const signBits = p.sign << 15;
  switch (p.cls) {
    case CLS_NORMAL: {
      let r: Rounded;
      let frac: bigint;
      if (s.precision === 64) {
        r = uncanonNormal(p.sign, p.exp, p.frac, 128, 64, EXP_BIAS, EXP_MAX, s);
        frac = r.frac >> 64n;
      } else {
        const f64 = (p.frac >> 64n) | ((p.frac & M64) !== 0n ? 1n : 0n);
        r = uncanonNormal(p.sign, p.exp, f64, 64, s.precision === 24 ? 40 : 11, EXP_BIAS, EXP_MAX, s);
        frac = r.frac;
      }
      if (r.exp !== EXP_MAX) return f80(signBits | r.exp, frac);
      return f80(signBits | EXP_MAX, BIT63);
    }
    case CLS_INF:
      return f80(signBits | EXP_MAX, BIT63);
    case CLS_ZERO:
      return f80(signBits, 0n);
    default:
      return f80(signBits | EXP_MAX, (p.frac >> 64n) | BIT63);
  }
}

/** A normal value from a sign, an exponent and a nonzero 128-bit fraction not yet normalized. */
export function normalParts(sign: number, exp: number, frac: bigint): Parts {
  const shift = 128 - bitLength(frac);
  return { cls: CLS_NORMAL, sign, exp: exp - shift, frac: shift >= 0 ? frac << BigInt(shift) : shrJam(frac, -shift) };
}

/** normalizeRoundAndPackFloatx80 at full precision: exp is biased, sig0:sig1 a 128-bit significand. */
export function normalizeRoundAndPackX80(sign: number, biasedExp: number, sig: bigint, s: FloatStatus, precision = 64): F80 {
  if (sig === 0n) return f80(sign << 15, 0n);
  const saved = s.precision;
  s.precision = precision;
  const r = roundPackX80(normalParts(sign, biasedExp - EXP_BIAS, sig), s);
  s.precision = saved;
  return r;
}

export { BIT127 };
