// floatx80 square root and round-to-integer on register slots without BigInt or allocation
// (QEMU 7.2's floatx80_sqrt and floatx80_round_to_int): a restoring square root to 65 bits
// (its first 26 digits from a corrected double square root) with the remainder as sticky, and the integer rounding at the binary point as
// parts_round_to_int_normal does it, each then rounded to the precision control.

import { EXP_BIAS, FLAG_INEXACT, FLAG_INVALID, RC_CHOP, RC_NEAREST, RC_UP, type FloatStatus } from './floatx80.js';
import { normalize64, normHi, normLo, roundPackTo, type F80Regs } from './fx80-round.js';

/** NaNs, infinities, zeros and invalid encodings: QEMU's special cases shared by both operations (true if handled). */
function special(r: F80Regs, dst: number, a: number, s: FloatStatus, isSqrt: boolean): boolean {
  const se = r.se[a]!;
  const e = se & 0x7fff;
  const hi = r.hi[a]! >>> 0;
  const lo = r.lo[a]! >>> 0;
  if (e !== 0 && hi < 0x80000000) {
    // Invalid encoding: the default NaN.
    s.flags |= FLAG_INVALID;
    r.se[dst] = 0xffff;
    r.hi[dst] = 0xc0000000;
    r.lo[dst] = 0;
    return true;
  }
  if (e === 0x7fff) {
    if (hi === 0x80000000 && lo === 0) {
      if (isSqrt && se & 0x8000) {
        s.flags |= FLAG_INVALID;
        r.se[dst] = 0xffff;
        r.hi[dst] = 0xc0000000;
        r.lo[dst] = 0;
      } else {
        r.se[dst] = se;
        r.hi[dst] = hi;
        r.lo[dst] = 0;
      }
      return true;
    }
    // A NaN: a signaling one raises invalid; the result is quiet.
    if (!(hi & 0x40000000)) s.flags |= FLAG_INVALID;
    r.se[dst] = se;
    r.hi[dst] = (hi | 0xc0000000) >>> 0;
    r.lo[dst] = lo;
    return true;
  }
  if (e === 0 && (hi | lo) === 0) {
    r.se[dst] = se;
    r.hi[dst] = 0;
    r.lo[dst] = 0;
    return true;
  }
  return false;
}

// The normalized operand: unbiased exponent and significand (set by norm()).
let nExp = 0;
let nHi = 0;
let nLo = 0;
function norm(r: F80Regs, a: number): void {
  const e = r.se[a]! & 0x7fff;
  let hi = r.hi[a]! >>> 0;
  let lo = r.lo[a]! >>> 0;
  if (e === 0) {
    const k = normalize64(hi, lo);
    hi = normHi >>> 0;
    lo = normLo >>> 0;
    nExp = 1 - EXP_BIAS - k;
  } else nExp = e - EXP_BIAS;
  nHi = hi | 0;
  nLo = lo | 0;
}

/** dst = sqrt(a): floatx80_sqrt. */
export function fx80Sqrt(r: F80Regs, dst: number, a: number, s: FloatStatus): void {
  if (special(r, dst, a, s, true)) return;
  if (r.se[a]! & 0x8000) {
    s.flags |= FLAG_INVALID;
    r.se[dst] = 0xffff;
    r.hi[dst] = 0xc0000000;
    r.lo[dst] = 0;
    return;
  }
  norm(r, a);
  // Q = floor(sqrt(m * 2^65)) for an even exponent, floor(sqrt(m * 2^66)) for an odd one:
  // 65 bits, the radicand fed two bits at a time from D (m, or m >> 1 with m's last bit after it).
  const odd = (nExp & 1) !== 0;
  const dh = odd ? nHi >>> 0 : nHi >>> 1;
  const dl = odd ? nLo >>> 0 : ((nHi << 31) | (nLo >>> 1)) >>> 0;
  const tail = odd ? 0 : (nLo & 1) << 1;
  // Pairs 0-25 (the top 52 bits of D): a double square root, corrected to the exact floor.
  const n52 = dh * 0x100000 + (dl >>> 12);
  let root = Math.floor(Math.sqrt(n52));
  while (root * root > n52) root--;
  while ((root + 1) * (root + 1) <= n52) root++;
  let rem = n52 - root * root;
  // Pairs 26-47 digit by digit in doubles: remainder below 2^50, root below 2^48 (exact).
  for (let j = 26; j < 48; j++) {
    const two = j < 32 ? (dl >>> (30 - 2 * (j - 16))) & 3 : j === 32 ? tail : 0;
    rem = rem * 4 + two;
    const trial = root * 4 + 1;
    root *= 2;
    if (rem >= trial) {
      rem -= trial;
      root += 1;
    }
  }
  // Pairs 48-64 in 32-bit words: remainder below 2^68, root below 2^65.
  let r2 = 0;
  let r1 = Math.floor(rem / 4294967296);
  let r0 = rem - r1 * 4294967296;
  let q2 = 0;
  let q1 = Math.floor(root / 4294967296);
  let q0 = root - q1 * 4294967296;
  for (let j = 48; j < 65; j++) {
    // rem = rem * 4 (the radicand's bits ended at pair 32)
    r2 = ((r2 << 2) | (r1 >>> 30)) >>> 0;
    r1 = ((r1 << 2) | (r0 >>> 30)) >>> 0;
    r0 = (r0 << 2) >>> 0;
    // trial = root * 4 + 1
    const t2 = ((q2 << 2) | (q1 >>> 30)) >>> 0;
    const t1 = ((q1 << 2) | (q0 >>> 30)) >>> 0;
    const t0 = ((q0 << 2) | 1) >>> 0;
    // root = root * 2
    q2 = ((q2 << 1) | (q1 >>> 31)) >>> 0;
    q1 = ((q1 << 1) | (q0 >>> 31)) >>> 0;
    q0 = (q0 << 1) >>> 0;
    if (r2 > t2 || (r2 === t2 && (r1 > t1 || (r1 === t1 && r0 >= t0)))) {
      let d = r0 - t0;
      let b = d < 0 ? 1 : 0;
      r0 = d >>> 0;
      d = r1 - t1 - b;
      b = d < 0 ? 1 : 0;
      r1 = d >>> 0;
      r2 = (r2 - t2 - b) >>> 0;
      q0 = (q0 | 1) >>> 0;
    }
  }
  const sticky = (r2 | r1 | r0) !== 0 ? 1 : 0;
  const hi = ((q2 << 31) | (q1 >>> 1)) >>> 0;
  const lo = ((q1 << 31) | (q0 >>> 1)) >>> 0;
  const ext = (((q0 & 1) << 31) | sticky) >>> 0;
  roundPackTo(r, dst, 0, nExp >> 1, hi | 0, lo | 0, ext | 0, s);
}

/** dst = a rounded to an integer in the rounding mode: floatx80_round_to_int. */
export function fx80RoundToInt(r: F80Regs, dst: number, a: number, s: FloatStatus): void {
  if (special(r, dst, a, s, false)) return;
  norm(r, a);
  const sign = r.se[a]! >>> 15;
  const rm = s.rounding;
  let exp = nExp;
  let hi = nHi >>> 0;
  let lo = nLo >>> 0;
  if (exp < 0) {
    // |a| < 1: zero or one.
    s.flags |= FLAG_INEXACT;
    let one: boolean;
    if (rm === RC_NEAREST) one = exp === -1 && (hi !== 0x80000000 || lo !== 0);
    else if (rm === RC_CHOP) one = false;
    else if (rm === RC_UP) one = sign === 0;
    else one = sign !== 0;
    if (!one) {
      r.se[dst] = sign << 15;
      r.hi[dst] = 0;
      r.lo[dst] = 0;
      return;
    }
    exp = 0;
    hi = 0x80000000;
    lo = 0;
  } else if (exp < s.precision - 1) {
    // Round at bit 63 - exp: add half (nearest, except an exact tie with an even lsb) or the mask.
    const sh = 63 - exp;
    const mL = sh >= 32 ? 0xffffffff : 2 ** sh - 1;
    const mH = sh > 32 ? 2 ** (sh - 32) - 1 : 0;
    if (((lo & mL) | (hi & mH)) !== 0) {
      s.flags |= FLAG_INEXACT;
      let iL: number;
      let iH: number;
      if (rm === RC_NEAREST) {
        const hL = sh <= 32 ? 2 ** (sh - 1) : 0;
        const hH = sh > 32 ? 2 ** (sh - 33) : 0;
        const lL = sh < 32 ? 2 ** sh : 0;
        const lH = sh >= 32 ? 2 ** (sh - 32) : 0;
        const tie = ((lo & (mL | lL)) >>> 0) === hL && ((hi & (mH | lH)) >>> 0) === hH;
        iL = tie ? 0 : hL;
        iH = tie ? 0 : hH;
      } else if (rm === RC_CHOP || (rm === RC_UP) === (sign !== 0)) {
        iL = iH = 0;
      } else {
        iL = mL;
        iH = mH;
      }
      lo += iL;
      const c = lo > 0xffffffff ? 1 : 0;
      lo = (lo >>> 0) & ~mL;
      hi = hi + iH + c;
      if (hi > 0xffffffff) {
        hi = 0x80000000;
        lo = 0;
        exp++;
      } else hi = (hi & ~mH) >>> 0;
      lo = lo >>> 0;
    }
  }
  roundPackTo(r, dst, sign, exp, hi | 0, lo | 0, 0, s);
}
