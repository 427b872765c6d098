// The ops of the fpu-vec-* ROMs, in their tables' order, as calls on tcg86's x87 operations
// (what interp/fpu.ts does for each encoding, minus the memory access).

import * as ops from '../../../../src/cpu/x86/fpu/x87-ops.js';
import * as tr from '../../../../src/cpu/x86/fpu/x87-transcendental.js';
import type { X87State } from '../../../../src/cpu/x86/fpu/x87-state.js';
import type { Mem, VectorOp } from './vectors.js';

const withSt1 = (op: number) => (x: X87State) => {
  x.ft0 = x.st(1);
  ops.arithSt0Ft0(x, op);
};

export const ARITH_OPS: Record<number, [string, VectorOp]> = {
  0: ['fadd', withSt1(0)],
  1: ['fsub', withSt1(4)],
  2: ['fsubr', withSt1(5)],
  3: ['fmul', withSt1(1)],
  4: ['fdiv', withSt1(6)],
  5: ['fdivr', withSt1(7)],
  6: ['fsqrt', ops.fsqrt],
  7: ['frndint', ops.frndint],
  8: ['fscale', ops.fscale],
  9: ['fxtract', ops.fxtract],
  10: ['fprem', (x) => ops.fprem(x, true)],
  11: ['fprem1', (x) => ops.fprem(x, false)],
  12: ['fcom', (x) => ((x.ft0 = x.st(1)), ops.fcom(x, false))],
  13: ['fucom', (x) => ((x.ft0 = x.st(1)), ops.fcom(x, true))],
  14: ['fst m32', (x, m) => m.set32(ops.fstFloat32(x))],
  15: ['fst m64', (x, m) => m.set64(ops.fstFloat64(x))],
  16: ['fist m16', (x, m) => m.set16(ops.fistInt16(x, false))],
  17: ['fist m32', (x, m) => m.set32(ops.fistInt32(x, false))],
  18: ['fistp m64', (x, m) => (m.set64(ops.fistInt64(x, false)), x.pop())],
  19: ['fld m32', (x, m) => ops.pushValue(x, ops.fldFloat32(x, m.u32()))],
  20: ['fld m64', (x, m) => ops.pushValue(x, ops.fldFloat64(x, m.u64()))],
  21: ['fiadd m32', (x, m) => ((x.ft0 = ops.fildFt0(x, m.u32() | 0)), ops.arithSt0Ft0(x, 0))],
  22: ['fild m64', (x, m) => ops.pushValue(x, ops.fildSt0(x, BigInt.asIntN(64, m.u64())))],
  23: ['fisttp m32', (x, m) => (m.set32(ops.fistInt32(x, true)), x.pop())],
  24: ['fadd m32', (x, m) => ((x.ft0 = ops.fldFloat32(x, m.u32())), ops.arithSt0Ft0(x, 0))],
  25: ['fmul m64', (x, m) => ((x.ft0 = ops.fldFloat64(x, m.u64())), ops.arithSt0Ft0(x, 1))],
  26: ['ftst', ops.ftst],
  27: ['fxam', ops.fxam],
  28: ['fbstp', (x, m: Mem) => (m.b.set(ops.fbstBytes(x)), x.pop())],
  29: ['fbld', (x, m: Mem) => ops.pushValue(x, ops.fbldValue(x, m.b))],
  30: ['fldl2t', (x) => ops.pushValue(x, ops.constant(x, 1))],
  31: ['fldl2e', (x) => ops.pushValue(x, ops.constant(x, 2))],
  32: ['fldpi', (x) => ops.pushValue(x, ops.constant(x, 3))],
  33: ['fldlg2', (x) => ops.pushValue(x, ops.constant(x, 4))],
  34: ['fldln2', (x) => ops.pushValue(x, ops.constant(x, 5))],
  35: ['fidiv m16', (x, m) => ((x.ft0 = ops.fildFt0(x, (m.u16() << 16) >> 16)), ops.arithSt0Ft0(x, 6))],
  36: ['fcompp', (x) => ((x.ft0 = x.st(1)), ops.fcom(x, false), x.pop(), x.pop())],
  37: ['fsubp st1', (x) => (ops.arithStnSt0(x, 5, 1), x.pop())],
  38: ['fdivrp st1', (x) => (ops.arithStnSt0(x, 6, 1), x.pop())],
};

export const TRANS_OPS: Record<number, [string, VectorOp]> = {
  0: ['fsin', tr.fsin],
  1: ['fcos', tr.fcos],
  2: ['fsincos', tr.fsincos],
  3: ['fptan', tr.fptan],
  4: ['f2xm1', tr.f2xm1],
  5: ['fyl2x', tr.fyl2x],
  6: ['fyl2xp1', tr.fyl2xp1],
  7: ['fpatan', tr.fpatan],
};
