// The x87 operations on the register file, one per QEMU 7.2 fpu_helper.c helper: which flags
// each reports, how it rounds (precision control, or 64 bits where QEMU maximises it), and the
// condition codes it sets. Memory is the handler's business (interp/fpu.ts); these take and
// return values. The hot ones work on register slots through the fast softfloat (fx80-*.ts)
// without allocating; the F80-valued forms are for the cold paths and the tests.

import {
  BIT63,
  DEFAULT_NAN,
  F80_INF,
  F80_ONE,
  F80_ZERO,
  FLAG_DENORMAL,
  FLAG_INVALID,
  M64,
  RC_CHOP,
  RC_DOWN,
  RC_UP,
  chs,
  clz64,
  f80,
  isAnyNan,
  isInfinity,
  isInvalidEncoding,
  isNeg,
  isSignalingNan,
  isZero,
  silenceNan,
  type F80,
} from './floatx80.js';
import { REL_UNORDERED, fx80AddSub, fx80Compare, fx80Div, fx80Mul, slotF80 } from './fx80-arith.js';
import { OUT64, float32ToSlot, float64ToSlot, int32ToSlot, int64ToSlot, slotToFloat32, slotToFloat64, slotToInt } from './fx80-convert.js';
import { floatx80Div, floatx80Mod, floatx80Modrem, floatx80Scalbn } from './softfloat-arith.js';
import { fx80RoundToInt, fx80Sqrt } from './fx80-unary.js';
import { int64ToX80, x80ToInt } from './softfloat-convert.js';
import { FPUS_C2, SLOT_FT0, SLOT_TMP, type X87State } from './x87-state.js';

export { OUT64 };

const INT32_MIN_N = -0x80000000;
const INT32_MIN = -0x80000000n;
const INT32_MAX = 0x7fffffffn;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Run `fn` at 64-bit precision (QEMU's tmp_maximise_precision). */
function maxPrecision<T>(x: X87State, fn: () => T): T {
  const saved = x.status.precision;
  x.status.precision = 64;
  try {
    return fn();
  } finally {
    x.status.precision = saved;
  }
}

// ---- loads ----

/** fld m32 into slot `dst` (flds_FT0 / flds_ST0): an SNaN reports invalid. */
export function loadFloat32(x: X87State, dst: number, bits: number): void {
  x.begin();
  float32ToSlot(x, dst, bits, x.status);
  x.merge();
}
/** fld m64 into slot `dst`, from the two halves. */
export function loadFloat64(x: X87State, dst: number, lo: number, hi: number): void {
  x.begin();
  float64ToSlot(x, dst, lo, hi, x.status);
  x.merge();
}
/** fild m16/m32 into FT0 (the integer-operand arithmetic forms): rounded to PC, flags not reported. */
export function loadIntFt0(x: X87State, v: number): void {
  int32ToSlot(x, SLOT_FT0, v | 0, false, x.status);
}
/** fild m16/m32 into slot `dst`: exact (QEMU maximises the precision). */
export function loadInt32(x: X87State, dst: number, v: number): void {
  int32ToSlot(x, dst, v | 0, true, x.status);
}
/** fild m64 into slot `dst`: exact. */
export function loadInt64(x: X87State, dst: number, lo: number, hi: number): void {
  int64ToSlot(x, dst, lo, hi);
}

export function fldFloat32(x: X87State, bits: number): F80 {
  loadFloat32(x, SLOT_TMP, bits);
  return slotF80(x, SLOT_TMP);
}
export function fldFloat64(x: X87State, bits: bigint): F80 {
  loadFloat64(x, SLOT_TMP, Number(bits & 0xffffffffn), Number((bits >> 32n) & 0xffffffffn));
  return slotF80(x, SLOT_TMP);
}
export function fildFt0(x: X87State, v: number): F80 {
  int32ToSlot(x, SLOT_TMP, v | 0, false, x.status);
  return slotF80(x, SLOT_TMP);
}
export function fildSt0(x: X87State, v: bigint): F80 {
  loadInt64(x, SLOT_TMP, Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn));
  return slotF80(x, SLOT_TMP);
}

/** Push a value (the flds_ST0/fldt_ST0 family: the new register is valid). */
export function pushValue(x: X87State, v: F80): void {
  x.push();
  x.setSt(0, v);
}

// ---- stores ----

export function fstFloat32(x: X87State): number {
  x.begin();
  const v = slotToFloat32(x, x.phys(0), x.status);
  x.merge();
  return v;
}
/** fst m64: the halves in OUT64. */
export function storeFloat64(x: X87State): void {
  x.begin();
  slotToFloat64(x, x.phys(0), x.status);
  x.merge();
}
export function fstFloat64(x: X87State): bigint {
  storeFloat64(x);
  return (BigInt(OUT64[1]! >>> 0) << 32n) | BigInt(OUT64[0]! >>> 0);
}
/** fist/fistt m16: out of range gives -32768 with invalid alone. */
export function fistInt16(x: X87State, truncate: boolean): number {
  x.begin();
  slotToInt(x, x.phys(0), truncate ? RC_CHOP : x.status.rounding, false, x.status);
  let v = OUT64[0]! | 0;
  if (v !== (v << 16) >> 16) {
    x.status.flags = FLAG_INVALID;
    v = -0x8000;
  }
  x.merge();
  return v & 0xffff;
}
export function fistInt32(x: X87State, truncate: boolean): number {
  x.begin();
  slotToInt(x, x.phys(0), truncate ? RC_CHOP : x.status.rounding, false, x.status);
  const v = x.status.flags & FLAG_INVALID ? INT32_MIN_N : OUT64[0]!;
  x.merge();
  return v;
}
/** fist(t)p m64: the halves in OUT64. */
export function storeInt64(x: X87State, truncate: boolean): void {
  x.begin();
  slotToInt(x, x.phys(0), truncate ? RC_CHOP : x.status.rounding, true, x.status);
  if (x.status.flags & FLAG_INVALID) {
    OUT64[0] = 0;
    OUT64[1] = 0x80000000;
  }
  x.merge();
}
export function fistInt64(x: X87State, truncate: boolean): bigint {
  storeInt64(x, truncate);
  return (BigInt(OUT64[1]! >>> 0) << 32n) | BigInt(OUT64[0]! >>> 0);
}

/** fbld: 18 packed BCD digits (not validated) and a sign byte; rounded to PC, flags unreported. */
export function fbldValue(x: X87State, bytes: Uint8Array): F80 {
  let val = 0n;
  for (let i = 8; i >= 0; i--) {
    const v = bytes[i]!;
    val = val * 100n + BigInt((v >> 4) * 10 + (v & 0xf));
  }
  let t = int64ToX80(BigInt.asIntN(64, val), x.status);
  if (bytes[9]! & 0x80) t = chs(t);
  return t;
}

/** fbstp's ten bytes: invalid (and the BCD indefinite) when |ST0| rounds to 10^18 or more. */
export function fbstBytes(x: X87State): Uint8Array {
  x.begin();
  const out = new Uint8Array(10);
  const st0 = x.st(0);
  let val = x80ToInt(st0, x.status.rounding, INT64_MIN, INT64_MAX, x.status);
  if (val >= 1000000000000000000n || val <= -1000000000000000000n) {
    x.status.flags = FLAG_INVALID;
    out[7] = 0xc0;
    out[8] = 0xff;
    out[9] = 0xff;
    x.merge();
    return out;
  }
  if (isNeg(st0)) {
    out[9] = 0x80;
    val = -val;
  }
  for (let k = 0; k < 9 && val !== 0n; k++) {
    const v = Number(val % 100n);
    val /= 100n;
    out[k] = (((v / 10) | 0) << 4) | v % 10;
  }
  x.merge();
  return out;
}

// ---- arithmetic ----

/** slot d = d OP src for op 0 add, 1 mul, 4 sub (d - src), 5 subr (src - d), 6 div (d / src), 7 divr (src / d). */
function arith(x: X87State, op: number, d: number, src: number): void {
  const s = x.status;
  switch (op) {
    case 0:
      fx80AddSub(x, d, d, src, false, s);
      return;
    case 1:
      fx80Mul(x, d, d, src, s);
      return;
    case 4:
      fx80AddSub(x, d, d, src, true, s);
      return;
    case 5:
      fx80AddSub(x, d, src, d, true, s);
      return;
    case 6:
      fx80Div(x, d, d, src, s);
      return;
    default:
      fx80Div(x, d, src, d, s);
  }
}

/** fp_arith_ST0_FT0 op (ModRM.reg): 0 add, 1 mul, 2/3 com, 4 sub, 5 subr, 6 div, 7 divr. */
export function arithSt0Ft0(x: X87State, op: number): void {
  if (op === 2 || op === 3) {
    fcom(x, false);
    return;
  }
  x.begin();
  arith(x, op, x.phys(0), SLOT_FT0);
  x.merge();
}

/**
 * fp_arith_STN_ST0 op: 0 add, 1 mul, 4 subr (ST0 - STi), 5 sub, 6 divr (ST0 / STi), 7 div:
 * with STi as the destination the encoding swaps the plain and reversed forms.
 */
export function arithStnSt0(x: X87State, op: number, i: number): void {
  x.begin();
  arith(x, op >= 4 ? op ^ 1 : op, x.phys(i), x.phys(0));
  x.merge();
}

/** FT0 = ST(i) (the register forms of the two-operand instructions). */
export function ft0FromSt(x: X87State, i: number): void {
  x.copy(SLOT_FT0, x.phys(i));
}

const FCOM_CC = [0x0100, 0x4000, 0x0000, 0x4500];

/** fcom/fucom ST0, FT0: C3 C2 C0 from the relation (C1 untouched). */
export function fcom(x: X87State, quiet: boolean): void {
  x.begin();
  const rel = fx80Compare(x, x.phys(0), SLOT_FT0, quiet, x.status);
  x.fpus = (x.fpus & ~0x4500) | FCOM_CC[rel + 1]!;
  x.merge();
}

/** fcomi/fucomi ST0, FT0: the ZF PF CF image (OF SF AF are left as they were, as QEMU). */
export function fcomi(x: X87State, quiet: boolean): number {
  x.begin();
  const rel = fx80Compare(x, x.phys(0), SLOT_FT0, quiet, x.status);
  x.merge();
  return rel === -1 ? 0x01 : rel === 0 ? 0x40 : rel === 1 ? 0 : 0x45;
}

export function fchs(x: X87State): void {
  x.se[x.phys(0)] ^= 0x8000;
}
export function fabs(x: X87State): void {
  x.se[x.phys(0)] &= 0x7fff;
}

/** ftst: compare with +0 (signaling). */
export function ftst(x: X87State): void {
  x.se[SLOT_FT0] = 0;
  x.hi[SLOT_FT0] = 0;
  x.lo[SLOT_FT0] = 0;
  fcom(x, false);
}

export function fxam(x: X87State): void {
  const p = x.phys(0);
  const se = x.se[p]!;
  const hi = x.hi[p]! >>> 0;
  const lo = x.lo[p]!;
  x.fpus &= ~0x4700;
  if (se & 0x8000) x.fpus |= 0x200;
  if (x.tags[x.top]) {
    x.fpus |= 0x4100;
    return;
  }
  const exp = se & 0x7fff;
  if (exp === 0x7fff) {
    if (hi === 0x80000000 && lo === 0) x.fpus |= 0x500;
    else if (hi >= 0x80000000) x.fpus |= 0x100;
  } else if (exp === 0) {
    x.fpus |= (hi | lo) === 0 ? 0x4000 : 0x4400;
  } else if (hi >= 0x80000000) {
    x.fpus |= 0x400;
  }
}

// Constants: the rounding control picks the value rounded the other way where it matters.
const L2T = f80(0x4000, 0xd49a784bcd1b8afen);
const L2T_U = f80(0x4000, 0xd49a784bcd1b8affn);
const L2E = f80(0x3fff, 0xb8aa3b295c17f0bcn);
const L2E_D = f80(0x3fff, 0xb8aa3b295c17f0bbn);
const PI = f80(0x4000, 0xc90fdaa22168c235n);
const PI_D = f80(0x4000, 0xc90fdaa22168c234n);
const LG2 = f80(0x3ffd, 0x9a209a84fbcff799n);
const LG2_D = f80(0x3ffd, 0x9a209a84fbcff798n);
const LN2 = f80(0x3ffe, 0xb17217f7d1cf79acn);
const LN2_D = f80(0x3ffe, 0xb17217f7d1cf79abn);

function constantFor(rc: number, k: number): F80 {
  const low = rc === RC_DOWN || rc === RC_CHOP;
  switch (k) {
    case 0:
      return F80_ONE;
    case 1:
      return rc === RC_UP ? L2T_U : L2T;
    case 2:
      return low ? L2E_D : L2E;
    case 3:
      return low ? PI_D : PI;
    case 4:
      return low ? LG2_D : LG2;
    case 5:
      return low ? LN2_D : LN2;
    default:
      return F80_ZERO;
  }
}

/** The value of D9 E8+k (fld1 fldl2t fldl2e fldpi fldlg2 fldln2 fldz). */
export function constant(x: X87State, k: number): F80 {
  return constantFor(x.status.rounding, k);
}

// The constants per rounding mode (index rc * 8 + k) as slot words, for loadConstant.
const CONST_SE = new Uint16Array(32);
const CONST_HI = new Int32Array(32);
const CONST_LO = new Int32Array(32);
for (let rc = 0; rc < 4; rc++) {
  for (let k = 0; k < 7; k++) {
    const v = constantFor(rc, k);
    CONST_SE[rc * 8 + k] = v.high;
    CONST_HI[rc * 8 + k] = Number(v.low >> 32n) | 0;
    CONST_LO[rc * 8 + k] = Number(v.low & 0xffffffffn) | 0;
  }
}

/** Load constant k into slot `dst` without allocating. */
export function loadConstant(x: X87State, dst: number, k: number): void {
  const j = x.status.rounding * 8 + k;
  x.se[dst] = CONST_SE[j]!;
  x.hi[dst] = CONST_HI[j]!;
  x.lo[dst] = CONST_LO[j]!;
}

export function fsqrt(x: X87State): void {
  x.begin();
  const p = x.phys(0);
  if (x.se[p]! & 0x8000) {
    x.fpus &= ~0x4700;
    x.fpus |= FPUS_C2;
  }
  fx80Sqrt(x, p, p, x.status);
  x.merge();
}

export function frndint(x: X87State): void {
  x.begin();
  const p = x.phys(0);
  fx80RoundToInt(x, p, p, x.status);
  x.merge();
}

export function fscale(x: X87State): void {
  x.begin();
  const s = x.status;
  const st0 = x.st(0);
  const st1 = x.st(1);
  if (isInvalidEncoding(st1) || isInvalidEncoding(st0)) {
    s.flags |= FLAG_INVALID;
    x.setSt(0, DEFAULT_NAN);
  } else if (isAnyNan(st1)) {
    if (isSignalingNan(st0)) s.flags |= FLAG_INVALID;
    let r = st1;
    if (isSignalingNan(r)) {
      s.flags |= FLAG_INVALID;
      r = silenceNan(r);
    }
    x.setSt(0, r);
  } else if (isInfinity(st1) && !isAnyNan(st0)) {
    if (isNeg(st1)) {
      if (isInfinity(st0)) {
        s.flags |= FLAG_INVALID;
        x.setSt(0, DEFAULT_NAN);
      } else x.setSt(0, isNeg(st0) ? chs(F80_ZERO) : F80_ZERO);
    } else if (isZero(st0)) {
      s.flags |= FLAG_INVALID;
      x.setSt(0, DEFAULT_NAN);
    } else x.setSt(0, isNeg(st0) ? chs(F80_INF) : F80_INF);
  } else {
    const saved = s.flags;
    s.flags = 0;
    const n = Number(x80ToInt(st1, RC_CHOP, INT32_MIN, INT32_MAX, s));
    s.flags = saved;
    x.setSt(0, maxPrecision(x, () => floatx80Scalbn(st0, n, s)));
  }
  x.merge();
}

export function fxtract(x: X87State): void {
  x.begin();
  const s = x.status;
  const t = x.st(0);
  if (isZero(t)) {
    x.setSt(0, floatx80Div(chs(F80_ONE), F80_ZERO, s));
    x.push();
    x.setSt(0, t);
  } else if (isInvalidEncoding(t)) {
    s.flags |= FLAG_INVALID;
    x.setSt(0, DEFAULT_NAN);
    x.push();
    x.setSt(0, x.st(1));
  } else if (isAnyNan(t)) {
    if (isSignalingNan(t)) {
      s.flags |= FLAG_INVALID;
      x.setSt(0, silenceNan(t));
    }
    x.push();
    x.setSt(0, x.st(1));
  } else if (isInfinity(t)) {
    x.push();
    x.setSt(0, x.st(1));
    x.setSt(1, F80_INF);
  } else {
    let low = t.low;
    let expdif: number;
    if ((t.high & 0x7fff) === 0) {
      const shift = clz64(low);
      low = (low << BigInt(shift)) & M64;
      expdif = 1 - 0x3fff - shift;
      s.flags |= FLAG_DENORMAL;
    } else expdif = (t.high & 0x7fff) - 0x3fff;
    x.setSt(0, int64ToX80(BigInt(expdif), s));
    x.push();
    x.setSt(0, f80((t.high & 0x8000) | 0x3fff, low));
  }
  x.merge();
}

/** fprem (mod) and fprem1: partial remainder after 32-63 bits of quotient when the exponents are 64 or more apart. */
export function fprem(x: X87State, mod: boolean): void {
  x.begin();
  const s = x.status;
  const st0 = x.st(0);
  const st1 = x.st(1);
  let exp0 = st0.high & 0x7fff;
  let exp1 = st1.high & 0x7fff;
  x.fpus &= ~0x4700;
  if (isZero(st0) || isZero(st1) || exp0 === 0x7fff || exp1 === 0x7fff || isInvalidEncoding(st0) || isInvalidEncoding(st1)) {
    x.setSt(0, floatx80Modrem(st0, st1, mod, s).r);
  } else {
    if (exp0 === 0) exp0 = 1 - clz64(st0.low);
    if (exp1 === 0) exp1 = 1 - clz64(st1.low);
    const expdiff = exp0 - exp1;
    if (expdiff < 64) {
      const { r, q } = floatx80Modrem(st0, st1, mod, s);
      x.setSt(0, r);
      const qn = Number(q & 7n);
      x.fpus |= ((qn & 4) << 6) | ((qn & 2) << 13) | ((qn & 1) << 9);
    } else {
      const n = 32 + (expdiff % 32);
      const t1 = floatx80Scalbn(st1, expdiff - n, s);
      x.setSt(0, floatx80Mod(st0, t1, s));
      x.fpus |= FPUS_C2;
    }
  }
  x.merge();
}

/** fxch: swaps the values only (QEMU leaves the tags where they were). */
export function fxch(x: X87State, i: number): void {
  const a = x.phys(0);
  const b = x.phys(i);
  x.copy(SLOT_TMP, a);
  x.copy(a, b);
  x.copy(b, SLOT_TMP);
}

export { REL_UNORDERED };
