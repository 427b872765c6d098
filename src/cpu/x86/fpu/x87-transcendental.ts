// The x87 transcendental instructions. fsin, fcos, fsincos and fptan go through a host double
// exactly as QEMU 7.2 does (convert with the current rounding, compute, convert back with the
// precision control; no flags reported; C2 set and ST0 kept above 2^63). f2xm1, fyl2x,
// fyl2xp1 and fpatan follow QEMU's special cases (NaNs, zeros, infinities, out-of-range
// arguments, exact results) and compute the general case to about 190 bits in BigInt fixed
// point, rounded once to 64 bits as inexact in the caller's rounding mode. QEMU's polynomial
// is accurate to about 70 bits, so its last bit can differ from this correctly rounded one.

import {
  BIT63,
  DEFAULT_NAN,
  EXP_BIAS,
  F80_ONE,
  F80_ZERO,
  FLAG_DIVBYZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  FloatStatus,
  M64,
  RC_NEAREST,
  chs,
  clz64,
  f80,
  isAnyNan,
  isInfinity,
  isInvalidEncoding,
  isNeg,
  isSignalingNan,
  isZero,
  CLS_INF,
  normalParts,
  uncanonNormal,
  normalizeRoundAndPackX80,
  roundPackX80,
  silenceNan,
  type F80,
} from './floatx80.js';
import { REL_GREATER, REL_LESS, floatx80Compare, floatx80Div, floatx80Mul, floatx80Scalbn, floatx80Sub, isqrt } from './softfloat-arith.js';
import { float64ToX80, int64ToX80, x80ToFloat64 } from './softfloat-convert.js';
import { FPUS_C2, type X87State } from './x87-state.js';

// ---- fsin, fcos, fsincos, fptan: through a host double ----

const MAXTAN = 9223372036854775808.0;
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** floatx80_to_double with the current rounding mode; its flags are not reported (as QEMU). */
function toDouble(x: X87State, a: F80): number {
  const s = new FloatStatus();
  s.rounding = x.status.rounding;
  u64[0] = x80ToFloat64(a, s);
  return f64[0]!;
}
function toDoubleBits(x: X87State, a: F80): bigint {
  const s = new FloatStatus();
  s.rounding = x.status.rounding;
  return x80ToFloat64(a, s);
}

/**
 * sin, cos or tan of a host double as glibc's libm answers on x86: a NaN argument is returned
 * as it is, an infinity gives the default NaN (x86's negative quiet NaN), and a finite
 * argument the correctly rounded result (glibc's error is below 0.55 ulp, so it rounds
 * correctly but in rare hard cases; V8's Math.sin is off by one ulp more often).
 */
function libm(fn: 'sin' | 'cos' | 'tan', bits: bigint): bigint {
  const exp = Number((bits >> 52n) & 0x7ffn);
  if (exp === 0x7ff) return (bits & 0xfffffffffffffn) !== 0n ? bits : 0xfff8000000000000n;
  const sign = Number(bits >> 63n);
  const frac = bits & 0xfffffffffffffn;
  if (exp < 0x3ff - 30) {
    // |x| < 2^-30: sin and tan round to x, cos to 1.
    return fn === 'cos' ? 0x3ff0000000000000n : bits;
  }
  const m = frac | (1n << 52n);
  const e = exp - 1023 - 52;
  const xfix = e + F >= 0 ? m << BigInt(e + F) : m >> BigInt(-(e + F));
  const halfPi = piFix() >> 1n;
  const k = (xfix + (halfPi >> 1n)) / halfPi;
  const r = xfix - k * halfPi;
  const [sr, cr] = sinCosFix(r);
  const quad = Number(k & 3n);
  const sinv = [sr, cr, -sr, -cr][quad]!;
  const cosv = [cr, -sr, -cr, sr][quad]!;
  let v: bigint;
  let extra = 0;
  if (fn === 'sin') v = sinv;
  else if (fn === 'cos') v = cosv;
  else {
    v = (sinv << FB) / cosv;
    extra = 0;
  }
  if (sign && fn !== 'cos') v = -v;
  return fixToDouble(v, extra);
}

/** sin and cos of a fixed-point |r| <= pi/4 by their series. */
function sinCosFix(r: bigint): [bigint, bigint] {
  const r2 = (r * r) >> FB;
  let sinSum = 0n;
  let term = r;
  for (let k = 1n; term !== 0n; k += 2n) {
    sinSum += term;
    term = -((term * r2) >> FB) / ((k + 1n) * (k + 2n));
  }
  let cosSum = 0n;
  term = ONE;
  for (let k = 0n; term !== 0n; k += 2n) {
    cosSum += term;
    term = -((term * r2) >> FB) / ((k + 1n) * (k + 2n));
  }
  return [sinSum, cosSum];
}

/** A signed fixed-point value rounded to the nearest double (bits). */
function fixToDouble(v: bigint, extra: number): bigint {
  const sign = v < 0n ? 1 : 0;
  const mag = sign ? -v : v;
  if (mag === 0n) return BigInt(sign) << 63n;
  const p = normalParts(sign, 127 - F - extra, mag);
  const st = new FloatStatus();
  const sig = (p.frac >> 64n) | ((p.frac & M64) !== 0n ? 1n : 0n);
  const r = uncanonNormal(sign, p.exp, sig, 64, 11, 1023, 2047, st);
  if (r.cls === CLS_INF) return (BigInt(sign) << 63n) | 0x7ff0000000000000n;
  return (BigInt(sign) << 63n) | (BigInt(r.exp) << 52n) | ((r.frac >> 11n) & 0xfffffffffffffn);
}

function fromDouble(x: X87State, bits: bigint): F80 {
  const s = new FloatStatus();
  s.rounding = x.status.rounding;
  s.precision = x.status.precision;
  return float64ToX80(bits, s);
}

function outOfRange(x: X87State): boolean {
  const d = toDouble(x, x.st(0));
  if (d > MAXTAN || d < -MAXTAN) {
    x.fpus |= FPUS_C2;
    return true;
  }
  return false;
}

export function fsin(x: X87State): void {
  if (outOfRange(x)) return;
  x.setSt(0, fromDouble(x, libm('sin', toDoubleBits(x, x.st(0)))));
  x.fpus &= ~FPUS_C2;
}
export function fcos(x: X87State): void {
  if (outOfRange(x)) return;
  x.setSt(0, fromDouble(x, libm('cos', toDoubleBits(x, x.st(0)))));
  x.fpus &= ~FPUS_C2;
}
export function fsincos(x: X87State): void {
  if (outOfRange(x)) return;
  const a = toDoubleBits(x, x.st(0));
  x.setSt(0, fromDouble(x, libm('sin', a)));
  x.push();
  x.setSt(0, fromDouble(x, libm('cos', a)));
  x.fpus &= ~FPUS_C2;
}
export function fptan(x: X87State): void {
  if (outOfRange(x)) return;
  x.setSt(0, fromDouble(x, libm('tan', toDoubleBits(x, x.st(0)))));
  x.push();
  x.setSt(0, F80_ONE);
  x.fpus &= ~FPUS_C2;
}

// ---- high-precision fixed point (value = n / 2^F) ----

const F = 192;
const FB = BigInt(F);
const ONE = 1n << FB;

/** atanh(z) for a fixed-point |z| <= 1/2, as z + z^3/3 + z^5/5 + ... */
function atanhFix(z: bigint): bigint {
  if (z < 0n) return -atanhFix(-z);
  const z2 = (z * z) >> FB;
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) >> FB;
  }
  return sum;
}

/** atan(z) for a fixed-point |z| <= 1/4, as z - z^3/3 + z^5/5 - ... */
function atanSmallFix(z: bigint): bigint {
  if (z < 0n) return -atanSmallFix(-z);
  const z2 = (z * z) >> FB;
  let term = z;
  let sum = 0n;
  let neg = false;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += neg ? -(term / k) : term / k;
    neg = !neg;
    term = (term * z2) >> FB;
  }
  return sum;
}

/** atan(z) for a fixed-point 0 <= z <= 1: halve the angle twice, then the series. */
function atanFix(z: bigint): bigint {
  for (let k = 0; k < 2; k++) z = (z << FB) / (ONE + isqrt(ONE * ONE + z * z));
  return atanSmallFix(z) << 2n;
}

let ln2Cache = 0n;
function ln2Fix(): bigint {
  if (ln2Cache === 0n) ln2Cache = 2n * atanhFix(ONE / 3n);
  return ln2Cache;
}
let piCache = 0n;
function piFix(): bigint {
  if (piCache === 0n) piCache = 4n * atanFix(ONE);
  return piCache;
}

/** e^t - 1 for a fixed-point |t| <= 1, by its series (no cancellation for small t). */
function expm1Fix(t: bigint): bigint {
  let term = t;
  let sum = 0n;
  for (let k = 2n; term !== 0n; k++) {
    sum += term;
    term = (term * t) / (k << FB);
  }
  return sum;
}

/** A finite nonzero floatx80 (valid encoding) as significand and unbiased exponent of its integer bit. */
function decompose(a: F80): { sig: bigint; exp: number } {
  let exp = a.high & 0x7fff;
  let sig = a.low;
  if (exp === 0) {
    const n = clz64(sig);
    sig = (sig << BigInt(n)) & M64;
    exp = 1 - n;
  }
  return { sig, exp: exp - EXP_BIAS };
}

/** The value sig * 2^(exp - 63) in fixed point (truncated). */
function toFix(sig: bigint, exp: number): bigint {
  const sh = exp - 63 + F;
  return sh >= 0 ? sig << BigInt(sh) : sig >> BigInt(-sh);
}

/** Round `mag / 2^(F + extra)` (inexact: a sticky bit is forced) to 64 bits in the caller's mode. */
function packInexact(x: X87State, sign: number, mag: bigint, extra = 0): F80 {
  const s = x.status;
  const p = normalParts(sign, 127 - F - extra, mag);
  p.frac |= 1n;
  const saved = s.precision;
  s.precision = 64;
  const r = roundPackX80(p, s);
  s.precision = saved;
  return r;
}

/** log2(m * 2^e) for a positive normal in fixed point: e + 2 atanh((m-1)/(m+1)) / ln 2. */
function log2Fix(sig: bigint, exp: number): bigint {
  // m in [1, 2) as fixed point; keep it in [sqrt(1/2), sqrt(2)) so the series converges fast.
  let m = toFix(sig, 0);
  let e = exp;
  if (m > (ONE * 1448n) / 1024n) {
    m >>= 1n;
    e += 1;
  }
  const z = ((m - ONE) << FB) / (m + ONE);
  const ln = 2n * atanhFix(z);
  return (BigInt(e) << FB) + (ln << FB) / ln2Fix();
}

export function f2xm1(x: X87State): void {
  x.begin();
  const s = x.status;
  const a = x.st(0);
  const exp = a.high & 0x7fff;
  const sign = a.high >> 15;
  if (isInvalidEncoding(a)) {
    s.flags |= FLAG_INVALID;
    x.setSt(0, DEFAULT_NAN);
  } else if (isAnyNan(a)) {
    if (isSignalingNan(a)) {
      s.flags |= FLAG_INVALID;
      x.setSt(0, silenceNan(a));
    }
  } else if (exp > 0x3fff || (exp === 0x3fff && a.low !== BIT63)) {
    s.flags |= FLAG_INVALID;
    x.setSt(0, DEFAULT_NAN);
  } else if (exp === 0x3fff) {
    if (sign) x.setSt(0, f80(0xbffe, BIT63));
  } else if (!isZero(a)) {
    const { sig, exp: e } = decompose(a);
    if (exp < 0x3fb0) {
      // Tiny arguments: x * ln 2, computed to 128 bits and marked inexact.
      x.setSt(0, packInexact(x, sign, sig * ln2Fix(), 63 - e));
    } else {
      const t = (toFix(sig, e) * ln2Fix()) >> FB;
      x.setSt(0, packInexact(x, sign, expm1Fix(sign ? -t : t) * (sign ? -1n : 1n)));
    }
  }
  x.merge();
}

/** Common NaN handling of fyl2x, fyl2xp1 and fpatan (result into ST1); true when it decided. */
function nanCases(x: X87State, st0: F80, st1: F80): boolean {
  const s = x.status;
  if (isSignalingNan(st0)) {
    s.flags |= FLAG_INVALID;
    x.setSt(1, silenceNan(st0));
  } else if (isSignalingNan(st1)) {
    s.flags |= FLAG_INVALID;
    x.setSt(1, silenceNan(st1));
  } else if (isInvalidEncoding(st0) || isInvalidEncoding(st1)) {
    s.flags |= FLAG_INVALID;
    x.setSt(1, DEFAULT_NAN);
  } else if (isAnyNan(st0)) {
    x.setSt(1, st0);
  } else if (isAnyNan(st1)) {
    // ST1's NaN passes through.
  } else return false;
  return true;
}

export function fyl2x(x: X87State): void {
  x.begin();
  const s = x.status;
  const st0 = x.st(0);
  const st1 = x.st(1);
  if (nanCases(x, st0, st1)) {
    // done
  } else if (isNeg(st0) && !isZero(st0)) {
    s.flags |= FLAG_INVALID;
    x.setSt(1, DEFAULT_NAN);
  } else if (isInfinity(st1)) {
    const cmp = floatx80Compare(st0, F80_ONE, false, s);
    if (cmp === REL_LESS) x.setSt(1, chs(st1));
    else if (cmp !== REL_GREATER) {
      s.flags |= FLAG_INVALID;
      x.setSt(1, DEFAULT_NAN);
    }
  } else if (isInfinity(st0)) {
    if (isZero(st1)) {
      s.flags |= FLAG_INVALID;
      x.setSt(1, DEFAULT_NAN);
    } else x.setSt(1, isNeg(st1) ? chs(st0) : st0);
  } else if (isZero(st0)) {
    if (isZero(st1)) {
      s.flags |= FLAG_INVALID;
      x.setSt(1, DEFAULT_NAN);
    } else {
      s.flags |= FLAG_DIVBYZERO;
      x.setSt(1, f80(isNeg(st1) ? 0x7fff : 0xffff, BIT63));
    }
  } else if (isZero(st1)) {
    if (floatx80Compare(st0, F80_ONE, false, s) === REL_LESS) x.setSt(1, chs(st1));
  } else if (floatx80Compare(st0, F80_ONE, false, s) === 0) {
    x.setSt(1, isNeg(st1) ? chs(F80_ZERO) : F80_ZERO);
  } else {
    const a = decompose(st0);
    const b = decompose(st1);
    // An exact power of two gives an exact integer logarithm, multiplied by ST1 as QEMU does.
    if (a.sig === BIT63) {
      const saved = s.precision;
      const savedRc = s.rounding;
      s.precision = 64;
      s.rounding = RC_NEAREST;
      const n = int64ToX80(BigInt(a.exp), s);
      s.rounding = savedRc;
      x.setSt(1, floatx80Mul(n, st1, s));
      s.precision = saved;
    } else {
      const l = log2Fix(a.sig, a.exp);
      const mag = (l < 0n ? -l : l) * b.sig;
      x.setSt(1, packInexact(x, (l < 0n ? 1 : 0) ^ (st1.high >> 15), mag, 63 - b.exp));
    }
  }
  x.pop();
  x.merge();
}

export function fyl2xp1(x: X87State): void {
  x.begin();
  const s = x.status;
  const st0 = x.st(0);
  const st1 = x.st(1);
  const exp0 = st0.high & 0x7fff;
  const sign0 = st0.high >> 15;
  if (nanCases(x, st0, st1)) {
    // done
  } else if (exp0 > 0x3ffd || (exp0 === 0x3ffd && st0.low > (sign0 ? 0x95f619980c4336f7n : 0xd413cccfe7799211n))) {
    s.flags |= FLAG_INVALID;
    x.setSt(1, DEFAULT_NAN);
  } else if (isZero(st0) || isZero(st1) || (st1.high & 0x7fff) === 0x7fff) {
    x.setSt(1, floatx80Mul(st0, st1, s));
  } else {
    const a = decompose(st0);
    const b = decompose(st1);
    let l: bigint;
    let extra = 0;
    if (exp0 < 0x3fb0) {
      // log2(1 + x) = x log2(e) to far more than 64 bits for such small x.
      const log2e = (ONE << FB) / ln2Fix();
      l = a.sig * log2e;
      extra = 63 - a.exp;
    } else {
      const xf = toFix(a.sig, a.exp) * (sign0 ? -1n : 1n);
      const z = (xf << FB) / (2n * ONE + xf);
      l = ((2n * atanhFix(z)) << FB) / ln2Fix();
      if (l < 0n) l = -l;
    }
    x.setSt(1, packInexact(x, sign0 ^ (st1.high >> 15), l * b.sig, extra + 63 - b.exp));
  }
  x.pop();
  x.merge();
}

export function fpatan(x: X87State): void {
  x.begin();
  const s = x.status;
  const st0 = x.st(0);
  const st1 = x.st(1);
  const exp0 = st0.high & 0x7fff;
  const exp1 = st1.high & 0x7fff;
  const sign0 = st0.high >> 15;
  const sign1 = st1.high >> 15;
  if (nanCases(x, st0, st1)) {
    // done
  } else if (isZero(st1) && !sign0) {
    // ST1's zero passes through.
  } else if (((isInfinity(st0) && !isInfinity(st1)) || exp0 - exp1 >= 80) && !sign0) {
    const saved = s.precision;
    s.precision = 64;
    const before = s.flags;
    s.flags = 0;
    let r = floatx80Div(st1, st0, s);
    const divFlags = s.flags;
    s.flags |= before;
    s.precision = saved;
    if (!isZero(r) && !(divFlags & FLAG_INEXACT)) {
      // The true result is slightly nearer zero than this exact quotient.
      const d = decompose(r);
      r = normalizeRoundAndPackX80(r.high >> 15, d.exp + EXP_BIAS, ((d.sig - 1n) << 64n) | M64, s);
    }
    x.setSt(1, r);
  } else {
    const pi = piFix();
    let mag: bigint;
    if (isZero(st1)) mag = pi;
    else if (isInfinity(st1)) mag = isInfinity(st0) ? (sign0 ? (3n * pi) / 4n : pi / 4n) : pi / 2n;
    else if (isZero(st0) || exp1 - exp0 >= 80) mag = pi / 2n;
    else if (isInfinity(st0) || exp0 - exp1 >= 80) mag = pi;
    else {
      const a = decompose(st0);
      const b = decompose(st1);
      // Both finite and nonzero: atan of the smaller over the larger magnitude.
      const ratio = (n: typeof a, d: typeof a) => (n.sig << BigInt(F + n.exp - d.exp)) / d.sig;
      const bSmaller = b.exp < a.exp || (b.exp === a.exp && b.sig <= a.sig);
      const ang = bSmaller ? atanFix(ratio(b, a)) : pi / 2n - atanFix(ratio(a, b));
      mag = sign0 ? pi - ang : ang;
    }
    x.setSt(1, packInexact(x, sign1, mag));
  }
  x.pop();
  x.merge();
}

export { floatx80Scalbn, floatx80Sub };
