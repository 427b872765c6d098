// floatx80 add, sub, mul, div and compare on register slots, without BigInt or allocation:
// the exact result of two 64-bit significands (sum aligned with a sticky word, the 128-bit
// product from 16-bit limbs, a shift-subtract quotient with the remainder as sticky), rounded
// once by fx80-round. NaNs, infinities and invalid encodings follow QEMU's parts_* special
// cases (pick_nan with the x87 rules). The BigInt reference (softfloat-arith.ts) checks this
// file in the tests.

import { EXP_BIAS, FLAG_DIVBYZERO, FLAG_INVALID, RC_DOWN, f80, type F80, type FloatStatus } from './floatx80.js';
import { normalize64, normHi, normLo, roundPackTo, type F80Regs } from './fx80-round.js';

/** A slot's value as an F80 (cold paths only: it allocates). */
export function slotF80(r: F80Regs, i: number): F80 {
  return f80(r.se[i]!, (BigInt(r.hi[i]! >>> 0) << 32n) | BigInt(r.lo[i]! >>> 0));
}
/** Store an F80 into a slot. */
export function setSlotF80(r: F80Regs, i: number, v: F80): void {
  r.se[i] = v.high;
  r.hi[i] = Number((v.low >> 32n) & 0xffffffffn);
  r.lo[i] = Number(v.low & 0xffffffffn);
}

/** Unpacked operand classes: zero, normal (denormals normalized), infinity, NaNs, invalid encoding. */
const K_ZERO = 0;
const K_NORMAL = 1;
const K_INF = 2;
const K_QNAN = 3;
const K_SNAN = 4;
const K_BAD = 5;

// The two unpacked operands: class, sign, unbiased exponent, normalized significand.
let aK = 0;
let aSign = 0;
let aExp = 0;
let aHi = 0;
let aLo = 0;
let bK = 0;
let bSign = 0;
let bExp = 0;
let bHi = 0;
let bLo = 0;

// What unpack() found; unpackA/unpackB copy it into their operand (module state, no allocation).
let uK = 0;
let uSign = 0;
let uExp = 0;
let uHi = 0;
let uLo = 0;

/** Register i unpacked into u*: its class, and for numbers the unbiased exponent and normalized significand. */
function unpack(r: F80Regs, i: number): void {
  const se = r.se[i]!;
  const e = se & 0x7fff;
  let hi = r.hi[i]! >>> 0;
  let lo = r.lo[i]! >>> 0;
  uSign = se >>> 15;
  if (e === 0x7fff || (e !== 0 && hi < 0x80000000)) {
    uK = hi < 0x80000000 ? K_BAD : ((hi & 0x7fffffff) | lo) === 0 ? K_INF : hi & 0x40000000 ? K_QNAN : K_SNAN;
    uHi = hi | 0;
    uLo = lo | 0;
    return;
  }
  if (e === 0) {
    if ((hi | lo) === 0) {
      uK = K_ZERO;
      uExp = 0;
      uHi = 0;
      uLo = 0;
      return;
    }
    const k = normalize64(hi, lo);
    hi = normHi >>> 0;
    lo = normLo >>> 0;
    uK = K_NORMAL;
    uExp = 1 - EXP_BIAS - k;
  } else {
    uK = K_NORMAL;
    uExp = e - EXP_BIAS;
  }
  uHi = hi | 0;
  uLo = lo | 0;
}

function unpackA(r: F80Regs, i: number): void {
  unpack(r, i);
  aK = uK;
  aSign = uSign;
  aExp = uExp;
  aHi = uHi;
  aLo = uLo;
}

function unpackB(r: F80Regs, i: number): void {
  unpack(r, i);
  bK = uK;
  bSign = uSign;
  bExp = uExp;
  bHi = uHi;
  bLo = uLo;
}

function copySlot(r: F80Regs, dst: number, src: number): void {
  r.se[dst] = r.se[src]!;
  r.hi[dst] = r.hi[src]!;
  r.lo[dst] = r.lo[src]!;
}
function setZero(r: F80Regs, dst: number, sign: number): void {
  r.se[dst] = sign << 15;
  r.hi[dst] = 0;
  r.lo[dst] = 0;
}
function setInf(r: F80Regs, dst: number, sign: number): void {
  r.se[dst] = (sign << 15) | 0x7fff;
  r.hi[dst] = -0x80000000;
  r.lo[dst] = 0;
}

function setDefaultNan(r: F80Regs, dst: number): void {
  r.se[dst] = 0xffff;
  r.hi[dst] = -0x40000000;
  r.lo[dst] = 0;
}

/**
 * parts_pick_nan with the x87 rules for the unpacked a and b (one at least a NaN): a
 * signaling NaN raises invalid; two NaNs of a kind go by the larger fraction (then the
 * positive sign); the result is quiet.
 */
function pickNan(r: F80Regs, dst: number, s: FloatStatus): void {
  if (aK === K_SNAN || bK === K_SNAN) s.flags |= FLAG_INVALID;
  let takeB: boolean;
  if (aK === K_SNAN || aK === K_QNAN) {
    if (bK === aK) {
      const fa = aHi & 0x7fffffff;
      const fb = bHi & 0x7fffffff;
      let larger: boolean;
      if (fa !== fb) larger = fa > fb;
      else if (aLo !== bLo) larger = aLo >>> 0 > bLo >>> 0;
      else larger = aSign < bSign;
      takeB = !larger;
    } else takeB = aK === K_SNAN && bK === K_QNAN;
  } else takeB = true;
  if (takeB) {
    r.se[dst] = (bSign << 15) | 0x7fff;
    r.hi[dst] = bHi | 0x40000000;
    r.lo[dst] = bLo;
  } else {
    r.se[dst] = (aSign << 15) | 0x7fff;
    r.hi[dst] = aHi | 0x40000000;
    r.lo[dst] = aLo;
  }
}

/** dst = a + b (or a - b): floatx80_add / floatx80_sub. */
export function fx80AddSub(r: F80Regs, dst: number, a: number, b: number, subtract: boolean, s: FloatStatus): void {
  unpackA(r, a);
  unpackB(r, b);
  const sb = subtract ? bSign ^ 1 : bSign;
  if (aK >= K_INF || bK >= K_INF) {
    if (aK === K_BAD || bK === K_BAD) {
      s.flags |= FLAG_INVALID;
      setDefaultNan(r, dst);
    } else if (aK >= K_QNAN || bK >= K_QNAN) pickNan(r, dst, s);
    else if (aK === K_INF && bK === K_INF && aSign !== sb) {
      s.flags |= FLAG_INVALID;
      setDefaultNan(r, dst);
    } else setInf(r, dst, aK === K_INF ? aSign : sb);
    return;
  }
  if (aK === K_ZERO) {
    if (bK === K_ZERO) setZero(r, dst, aSign === sb ? aSign : s.rounding === RC_DOWN ? 1 : 0);
    else roundPackTo(r, dst, sb, bExp, bHi, bLo, 0, s);
    return;
  }
  if (bK === K_ZERO) {
    roundPackTo(r, dst, aSign, aExp, aHi, aLo, 0, s);
    return;
  }
  // Order the operands so x has the larger exponent; y is shifted right with a sticky bit.
  let xs = aSign;
  let xe = aExp;
  let xh = aHi >>> 0;
  let xl = aLo >>> 0;
  let ys = sb;
  let yh = bHi >>> 0;
  let yl = bLo >>> 0;
  let diff = aExp - bExp;
  if (diff < 0) {
    xs = sb;
    xe = bExp;
    xh = bHi >>> 0;
    xl = bLo >>> 0;
    ys = aSign;
    yh = aHi >>> 0;
    yl = aLo >>> 0;
    diff = -diff;
  }
  let yx = 0;
  if (diff > 0) {
    let sticky: number;
    if (diff >= 96) {
      sticky = yh | yl;
      yh = yl = 0;
    } else if (diff >= 64) {
      const m = diff - 64;
      sticky = yl | (m === 0 ? 0 : yh << (32 - m));
      yx = yh >>> m;
      yh = yl = 0;
    } else if (diff >= 32) {
      const m = diff - 32;
      if (m === 0) {
        sticky = 0;
        yx = yl;
        yl = yh;
      } else {
        sticky = yl << (32 - m);
        yx = ((yl >>> m) | (yh << (32 - m))) >>> 0;
        yl = yh >>> m;
      }
      yh = 0;
    } else {
      sticky = 0;
      yx = (yl << (32 - diff)) >>> 0;
      yl = ((yl >>> diff) | (yh << (32 - diff))) >>> 0;
      yh = yh >>> diff;
    }
    if (sticky !== 0) yx = (yx | 1) >>> 0;
  }
  if (xs === ys) {
    // Magnitudes add: a carry out shifts right once, jamming the lost bit.
    let ext = yx;
    let lo = xl + yl;
    const c = lo > 0xffffffff ? 1 : 0;
    lo = lo >>> 0;
    let hi = xh + yh + c;
    let e = xe;
    if (hi > 0xffffffff) {
      ext = ((ext >>> 1) | (lo << 31) | (ext & 1)) >>> 0;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0; // hi's bit 32 is dropped by the 32-bit shift
      hi = ((hi - 0x100000000) >>> 1) | 0x80000000;
      e++;
    }
    roundPackTo(r, dst, xs, e, hi | 0, lo | 0, ext | 0, s);
    return;
  }
  // Magnitudes subtract: x - y, with y the larger only when the exponents are equal.
  let sign = xs;
  if (diff === 0 && (yh > xh || (yh === xh && yl > xl))) {
    let t = xh;
    xh = yh;
    yh = t;
    t = xl;
    xl = yl;
    yl = t;
    sign = ys;
  }
  let ext = -yx;
  let borrow = ext < 0 ? 1 : 0;
  ext = ext >>> 0;
  let lo = xl - yl - borrow;
  borrow = lo < 0 ? 1 : 0;
  lo = lo >>> 0;
  let hi = (xh - yh - borrow) >>> 0;
  if ((hi | lo | ext) === 0) {
    setZero(r, dst, s.rounding === RC_DOWN ? 1 : 0);
    return;
  }
  // Normalize: shift left until bit 31 of hi is set.
  let e = xe;
  if (hi < 0x80000000) {
    let k: number;
    if (hi !== 0) k = Math.clz32(hi);
    else if (lo !== 0) k = 32 + Math.clz32(lo);
    else k = 64 + Math.clz32(ext);
    e -= k;
    if (k >= 64) {
      hi = (ext << (k - 64)) >>> 0;
      lo = ext = 0;
    } else if (k >= 32) {
      const m = k - 32;
      if (m === 0) {
        hi = lo;
        lo = ext;
      } else {
        hi = ((lo << m) | (ext >>> (32 - m))) >>> 0;
        lo = (ext << m) >>> 0;
      }
      ext = 0;
    } else {
      hi = ((hi << k) | (lo >>> (32 - k))) >>> 0;
      lo = ((lo << k) | (ext >>> (32 - k))) >>> 0;
      ext = (ext << k) >>> 0;
    }
  }
  roundPackTo(r, dst, sign, e, hi | 0, lo | 0, ext | 0, s);
}

const TWO_M32 = 2 ** -32;
/** dst = a * b: floatx80_mul. */
export function fx80Mul(r: F80Regs, dst: number, a: number, b: number, s: FloatStatus): void {
  unpackA(r, a);
  unpackB(r, b);
  const sign = aSign ^ bSign;
  if (aK >= K_INF || bK >= K_INF) {
    if (aK === K_BAD || bK === K_BAD || (aK === K_INF && bK === K_ZERO) || (aK === K_ZERO && bK === K_INF)) {
      s.flags |= FLAG_INVALID;
      setDefaultNan(r, dst);
    } else if (aK >= K_QNAN || bK >= K_QNAN) pickNan(r, dst, s);
    else setInf(r, dst, sign);
    return;
  }
  if (aK === K_ZERO || bK === K_ZERO) {
    setZero(r, dst, sign);
    return;
  }
  // 64x64 -> 128 bits in 16-bit limbs: each 16x16 product (below 2^32) is split into halves
  // before the column sums, so every sum and carry stays a small integer.
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const a2 = aHi & 0xffff;
  const a3 = aHi >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const b2 = bHi & 0xffff;
  const b3 = bHi >>> 16;
  const m00 = a0 * b0;
  const m01 = a0 * b1;
  const m10 = a1 * b0;
  const m02 = a0 * b2;
  const m11 = a1 * b1;
  const m20 = a2 * b0;
  const m03 = a0 * b3;
  const m12 = a1 * b2;
  const m21 = a2 * b1;
  const m30 = a3 * b0;
  const m13 = a1 * b3;
  const m22 = a2 * b2;
  const m31 = a3 * b1;
  const m23 = a2 * b3;
  const m32 = a3 * b2;
  const m33 = a3 * b3;
  let c = m00 & 0xffff;
  const l0 = c;
  c = (m00 >>> 16) + (m01 & 0xffff) + (m10 & 0xffff);
  const l1 = c & 0xffff;
  c = (c >>> 16) + (m01 >>> 16) + (m10 >>> 16) + (m02 & 0xffff) + (m11 & 0xffff) + (m20 & 0xffff);
  const l2 = c & 0xffff;
  c = (c >>> 16) + (m02 >>> 16) + (m11 >>> 16) + (m20 >>> 16) + (m03 & 0xffff) + (m12 & 0xffff) + (m21 & 0xffff) + (m30 & 0xffff);
  const l3 = c & 0xffff;
  c = (c >>> 16) + (m03 >>> 16) + (m12 >>> 16) + (m21 >>> 16) + (m30 >>> 16) + (m13 & 0xffff) + (m22 & 0xffff) + (m31 & 0xffff);
  const l4 = c & 0xffff;
  c = (c >>> 16) + (m13 >>> 16) + (m22 >>> 16) + (m31 >>> 16) + (m23 & 0xffff) + (m32 & 0xffff);
  const l5 = c & 0xffff;
  c = (c >>> 16) + (m23 >>> 16) + (m32 >>> 16) + (m33 & 0xffff);
  const l6 = c & 0xffff;
  const l7 = ((c >>> 16) + (m33 >>> 16)) & 0xffff;
  let p0 = (l0 | (l1 << 16)) >>> 0;
  let p1 = (l2 | (l3 << 16)) >>> 0;
  let p2 = (l4 | (l5 << 16)) >>> 0;
  let p3 = (l6 | (l7 << 16)) >>> 0;
  let e = aExp + bExp + 1;
  if (p3 < 0x80000000) {
    // The product of two [1,2) significands is in [1,4): one left shift at most.
    p3 = ((p3 << 1) | (p2 >>> 31)) >>> 0;
    p2 = ((p2 << 1) | (p1 >>> 31)) >>> 0;
    p1 = ((p1 << 1) | (p0 >>> 31)) >>> 0;
    p0 = (p0 << 1) >>> 0;
    e--;
  }
  roundPackTo(r, dst, sign, e, p3 | 0, p2 | 0, p0 !== 0 ? p1 | 1 : p1 | 0, s);
}

/** dst = a / b: floatx80_div (the quotient to 65 bits, the remainder as sticky). */
export function fx80Div(r: F80Regs, dst: number, a: number, b: number, s: FloatStatus): void {
  unpackA(r, a);
  unpackB(r, b);
  const sign = aSign ^ bSign;
  if (aK >= K_INF || bK >= K_INF) {
    if (aK === K_BAD || bK === K_BAD || (aK === K_INF && bK === K_INF)) {
      s.flags |= FLAG_INVALID;
      setDefaultNan(r, dst);
    } else if (aK >= K_QNAN || bK >= K_QNAN) pickNan(r, dst, s);
    else if (aK === K_INF) setInf(r, dst, sign);
    else setZero(r, dst, sign); // finite / infinity
    return;
  }
  if (bK === K_ZERO) {
    if (aK === K_ZERO) {
      s.flags |= FLAG_INVALID; // 0/0 is the default NaN
      setDefaultNan(r, dst);
    } else {
      s.flags |= FLAG_DIVBYZERO;
      setInf(r, dst, sign);
    }
    return;
  }
  if (aK === K_ZERO) {
    setZero(r, dst, sign);
    return;
  }
  let e = aExp - bExp;
  // The first quotient bit is 1 once the dividend is at least the divisor (else doubled).
  let rh = aHi >>> 0;
  let rl = aLo >>> 0;
  const dh = bHi >>> 0;
  const dl = bLo >>> 0;
  if (rh < dh || (rh === dh && rl < dl)) {
    // Doubled: bit 64 is the old bit 63 (set), dropped here; the difference below fits 64 bits.
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = (rl << 1) >>> 0;
    e--;
  }
  let t = rl - dl;
  let borrow = t < 0 ? 1 : 0;
  rl = t >>> 0;
  rh = (rh - dh - borrow) >>> 0;
  // Four more 16-bit quotient digits (64 bits: 63 significand bits and the round bit), each
  // estimated in doubles from remainder * 2^16 / divisor and corrected exactly; remainder < divisor.
  const dd = dh * 4294967296 + dl;
  let qh = 0;
  let ql = 0;
  for (let k = 0; k < 4; k++) {
    const r2 = rh >>> 16;
    const r1 = ((rh << 16) | (rl >>> 16)) >>> 0;
    const r0 = (rl << 16) >>> 0;
    let q = Math.floor(((rh * 4294967296 + rl) * 65536) / dd);
    if (q > 0xffff) q = 0xffff;
    // x = remainder * 2^16 - q * divisor (three words, the top one signed).
    const pl = q * dl;
    const p0 = pl >>> 0;
    const ph = q * dh + (pl - p0) * TWO_M32;
    const p1 = ph >>> 0;
    const p2 = (ph - p1) * TWO_M32;
    let x0 = r0 - p0;
    borrow = x0 < 0 ? 1 : 0;
    x0 = x0 >>> 0;
    let x1 = r1 - p1 - borrow;
    borrow = x1 < 0 ? 1 : 0;
    x1 = x1 >>> 0;
    let x2 = r2 - p2 - borrow;
    while (x2 < 0) {
      q--;
      x0 += dl;
      let c = x0 > 0xffffffff ? 1 : 0;
      x0 = x0 >>> 0;
      x1 += dh + c;
      c = x1 > 0xffffffff ? 1 : 0;
      x1 = x1 >>> 0;
      x2 += c;
    }
    while (x2 > 0 || x1 > dh || (x1 === dh && x0 >= dl)) {
      q++;
      t = x0 - dl;
      borrow = t < 0 ? 1 : 0;
      x0 = t >>> 0;
      t = x1 - dh - borrow;
      borrow = t < 0 ? 1 : 0;
      x1 = t >>> 0;
      x2 -= borrow;
    }
    rh = x1;
    rl = x0;
    qh = ((qh << 16) | (ql >>> 16)) >>> 0;
    ql = ((ql << 16) | q) >>> 0;
  }
  // Quotient 1.qh:ql: the significand is its top 64 bits, the last bit rounds, the remainder is sticky.
  const hi = (0x80000000 | (qh >>> 1)) >>> 0;
  const lo = ((qh << 31) | (ql >>> 1)) >>> 0;
  const ext = ((ql & 1) << 31) | ((rh | rl) !== 0 ? 1 : 0);
  roundPackTo(r, dst, sign, e, hi | 0, lo | 0, ext | 0, s);
}

export const REL_LESS = -1;
export const REL_EQUAL = 0;
export const REL_GREATER = 1;
export const REL_UNORDERED = 2;

/** floatx80_compare (quiet: floatx80_compare_quiet) of slots a and b. */
export function fx80Compare(r: F80Regs, a: number, b: number, quiet: boolean, s: FloatStatus): number {
  unpackA(r, a);
  unpackB(r, b);
  if (aK >= K_INF || bK >= K_INF) {
    if (aK === K_BAD || bK === K_BAD) {
      s.flags |= FLAG_INVALID;
      return REL_UNORDERED;
    }
    if (aK >= K_QNAN || bK >= K_QNAN) {
      if (aK === K_SNAN || bK === K_SNAN || !quiet) s.flags |= FLAG_INVALID;
      return REL_UNORDERED;
    }
    if (aK === K_INF && bK === K_INF) return aSign === bSign ? REL_EQUAL : aSign ? REL_LESS : REL_GREATER;
    if (bK === K_INF) return bSign ? REL_GREATER : REL_LESS;
    return aSign ? REL_LESS : REL_GREATER;
  }
  if (aK === K_ZERO) {
    if (bK === K_ZERO) return REL_EQUAL;
    return bSign ? REL_GREATER : REL_LESS;
  }
  if (bK === K_ZERO || aSign !== bSign) return aSign ? REL_LESS : REL_GREATER;
  let c: number;
  if (aExp !== bExp) c = aExp < bExp ? -1 : 1;
  else if (aHi !== bHi) c = aHi >>> 0 < bHi >>> 0 ? -1 : 1;
  else if (aLo !== bLo) c = aLo >>> 0 < bLo >>> 0 ? -1 : 1;
  else c = 0;
  return aSign ? -c : c;
}

export { copySlot, setInf, setZero };
