// Difftest units for the x87 FPU and MMX (gen.ts draws them for seeds from FPU_SEEDS_FROM on, so
// the committed corpus seeds below keep their programs). Operands are written to a data window
// just before use: 80-bit values of every class (zeros, denormals, pseudo-denormals, unnormals,
// normals at the exponent extremes, infinities, quiet and signalling NaNs, pseudo-NaNs), 32/64-
// bit reals and integers with their edges; every rounding and precision control. Exceptions
// stay masked (CR0.NE is clear in these ROMs: an unmasked one would raise FERR#, which QEMU 7.2
// aborts on). The state is exposed through stores into the dumped windows: fstp m80, fnstsw,
// fnstenv, integer and BCD stores, movq/movd of MMX registers. x87 memory operands use 32-bit
// addressing: with 16-bit addressing QEMU records FDP as the unwrapped base+index+disp sum
// (the upper bits of the registers included), where the hardware keeps the 16-bit offset
// (test/golden/DEVIATIONS.md), and fnstenv would show that in every such unit.

import type { Rng } from './gen.js';

/** Seeds from here on draw x87 and MMX units too. */
export const FPU_SEEDS_FROM = 5000;

/** What the units need from the generator (gen.ts's Gen). */
export interface FpuHost {
  readonly r: Rng;
  readonly code32: boolean;
  e(...b: number[]): void;
  memRM(span: number, write: boolean, a32Only?: boolean): FpuRM | null;
  insn(size: number, rm: FpuRM, op: number[], reg: number, imm?: number[]): void;
  dreg(size: number): number;
}
export interface FpuRM {
  pre: number[];
  tail(reg: number, add?: number): number[];
  mem: boolean;
  reg: number;
  used: number[];
}

const le16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** An 80-bit value as [low dword, high dword, sign/exponent word], biased to the special classes. */
export function f80Value(r: Rng): [number, number, number] {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  const lo = r.u32();
  const hi = r.u32();
  switch (r.int(12)) {
    case 0: return [0, 0, sign]; // zero
    case 1: return [lo, hi & 0x7fffffff, sign]; // denormal
    case 2: return [lo, (hi | 0x80000000) >>> 0, sign]; // pseudo-denormal
    case 3: return [lo, hi & 0x7fffffff, sign | r.range(1, 0x7ffe)]; // unnormal
    case 4: return [0, 0x80000000, sign | 0x7fff]; // infinity
    case 5: return [lo, (hi | 0xc0000000) >>> 0, sign | 0x7fff]; // quiet NaN
    case 6: return [lo | 1, ((hi & 0x3fffffff) | 0x80000000) >>> 0, sign | 0x7fff]; // signalling NaN
    case 7: return [lo, hi & 0x7fffffff, sign | 0x7fff]; // pseudo-NaN / pseudo-infinity
    case 8: return [lo, (hi | 0x80000000) >>> 0, sign | r.pick([1, 2, 0x7ffd, 0x7ffe, 0x3fff - 64, 0x3fff + 64])]; // extremes
    case 9: return [r.chance(0.5) ? 0 : lo & 0xfffff800, (hi | 0x80000000) >>> 0, sign | r.range(0x3fff - 3, 0x3fff + 3)]; // near 1 (exact in a double)
    default: return [lo, (hi | 0x80000000) >>> 0, sign | r.range(0x3fff - 40, 0x3fff + 40)];
  }
}

/** A 32-bit real's bit pattern with its special classes. */
function f32Value(r: Rng): number {
  const sign = r.chance(0.5) ? 0x80000000 : 0;
  const m = r.u32() & 0x7fffff;
  const e = r.pick([0, 0, 0xff, 0xff, 1, 0xfe, 0x7f, 0x7e, r.int(256), r.int(256)]);
  return (sign | (e << 23) | (r.chance(0.15) ? 0 : m)) >>> 0;
}

/** A 64-bit real as [low, high] with its special classes. */
function f64Value(r: Rng): [number, number] {
  const sign = r.chance(0.5) ? 0x80000000 : 0;
  const e = r.pick([0, 0, 0x7ff, 0x7ff, 1, 0x7fe, 0x3ff, 0x3fe, r.int(0x800), r.range(0x3c0, 0x440)]);
  const zero = r.chance(0.15);
  return [zero ? 0 : r.u32(), (sign | (e << 20) | (zero ? 0 : r.u32() & 0xfffff)) >>> 0];
}

/** Write `dwords` (then an optional word) to the operand, at offsets 0, 4, 8. */
function store(h: FpuHost, m: FpuRM, dwords: number[], word?: number): void {
  dwords.forEach((v, k) => h.insn(32, { ...m, tail: (g) => m.tail(g, 4 * k) }, [0xc7], 0, le32(v)));
  if (word !== undefined) h.insn(16, { ...m, tail: (g) => m.tail(g, 4 * dwords.length) }, [0xc7], 0, le16(word));
}

/** Push one operand (memory of some format, or a constant); false if no memory was usable. */
function push(h: FpuHost): boolean {
  const r = h.r;
  const k = r.int(8);
  if (k === 7) {
    h.e(0xd9, 0xe8 + r.pick([0, 1, 2, 3, 4, 5, 6])); // fld1 fldl2t fldl2e fldpi fldlg2 fldln2 fldz
    return true;
  }
  const span = [10, 10, 10, 8, 4, 2, 4, 8][k]!;
  const m = h.memRM(span, true, true);
  if (!m) return false;
  if (k <= 2) {
    const [lo, hi, se] = f80Value(r);
    store(h, m, [lo, hi], se);
    h.insn(0, m, [0xdb], 5); // fld m80
  } else if (k === 3) {
    store(h, m, f64Value(r));
    h.insn(0, m, [0xdd], 0);
  } else if (k === 4) {
    store(h, m, [f32Value(r)]);
    h.insn(0, m, [0xd9], 0);
  } else if (k === 5) {
    h.insn(16, m, [0xc7], 0, le16(r.value()));
    h.insn(0, m, [0xdf], 0); // fild m16
  } else if (k === 6) {
    store(h, m, [r.value()]);
    h.insn(0, m, [0xdb], 0); // fild m32
  } else {
    store(h, m, [r.value(), r.value()]);
    h.insn(0, m, [0xdf], 5); // fild m64
  }
  return true;
}

/** A random x87 unit: fninit, a control word, one or two operands, an operation, stores. */
export function x87Unit(h: FpuHost): void {
  const r = h.r;
  h.e(0xdb, 0xe3); // fninit: TOP 0, all empty, so no unit reads another's registers
  const cw = 0x40 | 0x3f | (r.int(4) << 8) | (r.int(4) << 10) | (r.chance(0.1) ? 0x1000 : 0);
  const cm = h.memRM(2, true, true);
  if (!cm) return;
  h.insn(16, cm, [0xc7], 0, le16(cw));
  h.insn(0, cm, [0xd9], 5); // fldcw
  if (!push(h)) return;
  const two = r.chance(0.6) && push(h);
  const k = r.int(10);
  if (two && k < 5) {
    // st0 op st1 / st1 op st0 (popping or not), compares
    const ops: number[][] = [
      [0xd8, 0xc1], [0xd8, 0xc9], [0xd8, 0xe1], [0xd8, 0xe9], [0xd8, 0xf1], [0xd8, 0xf9], // fadd fmul fsub fsubr fdiv fdivr st0, st1
      [0xdc, 0xc1], [0xdc, 0xe1], [0xdc, 0xf9], [0xde, 0xc9], [0xde, 0xf1], // st1 forms, faddp/fmulp/fdivrp
      [0xd8, 0xd1], [0xd8, 0xd9], [0xdd, 0xe1], [0xda, 0xe9], [0xde, 0xd9], // fcom fcomp fucom fucompp fcompp
      [0xdb, 0xf1], [0xdb, 0xe9], [0xdf, 0xf1], // fcomi fucomi fcomip
      [0xd9, 0xf8], [0xd9, 0xf5], [0xd9, 0xfd], [0xd9, 0xc9], // fprem fprem1 fscale fxch
    ];
    h.e(...r.pick(ops));
  } else if (k < 8) {
    // unary on st0
    h.e(0xd9, r.pick([0xe0, 0xe1, 0xe4, 0xe5, 0xfa, 0xfc, 0xf4, 0xfa, 0xfc]));
  } else {
    // arithmetic with a memory operand: m32real, m64real, m32int, m16int
    const fmt = r.int(4);
    const span = [4, 8, 4, 2][fmt]!;
    const m = h.memRM(span, true, true);
    if (!m) return;
    if (fmt === 0) store(h, m, [f32Value(r)]);
    else if (fmt === 1) store(h, m, f64Value(r));
    else if (fmt === 2) store(h, m, [r.value()]);
    else h.insn(16, m, [0xc7], 0, le16(r.value()));
    h.insn(0, m, [[0xd8, 0xdc, 0xda, 0xde][fmt]!], r.pick([0, 1, 2, 3, 4, 5, 6, 7]));
  }
  expose(h);
}

/** Store the result and the status somewhere the dump shows. */
function expose(h: FpuHost): void {
  const r = h.r;
  const k = r.int(9);
  const span = [10, 2, 28, 4, 8, 2, 4, 8, 10][k]!;
  const m = h.memRM(span, true, true);
  if (!m) {
    h.e(0xdf, 0xe0); // fnstsw ax
    return;
  }
  if (k === 0) h.insn(0, m, [0xdb], 7); // fstp m80
  else if (k === 1) h.insn(0, m, [0xdd], 7); // fnstsw m16
  else if (k === 2) h.insn(h.code32 ? 0 : 32, m, [0xd9], 6); // fnstenv (32-bit layout)
  else if (k === 3) h.insn(0, m, [0xd9], r.pick([2, 3])); // fst/fstp m32
  else if (k === 4) h.insn(0, m, [0xdd], r.pick([2, 3])); // fst/fstp m64
  else if (k === 5) h.insn(0, m, [0xdf], r.pick([2, 3])); // fist/fistp m16
  else if (k === 6) h.insn(0, m, [0xdb], r.pick([2, 3])); // fist/fistp m32
  else if (k === 7) h.insn(0, m, [0xdf], 7); // fistp m64
  else h.insn(0, m, [0xdf], 6); // fbstp
  if (r.chance(0.5)) h.e(0xdf, 0xe0); // fnstsw ax
}

/** Plain MMX ops `op mm, mm/m64` (second opcode bytes). */
const MMX_BINARY = [
  0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x74, 0x75, 0x76,
  0xd1, 0xd2, 0xd3, 0xd5, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xdf, 0xe1, 0xe2, 0xe5, 0xe8, 0xe9,
  0xeb, 0xec, 0xed, 0xef, 0xf1, 0xf2, 0xf3, 0xf5, 0xf8, 0xf9, 0xfa, 0xfc, 0xfd, 0xfe,
];

/** Shifts whose count is the Q operand. */
const SHIFT_BY_Q = [0xd1, 0xd2, 0xd3, 0xe1, 0xe2, 0xf1, 0xf2, 0xf3];

/** A 64-bit MMX operand as two dwords, biased to lane edges. */
function mmxValue(r: Rng): number[] {
  const lane = () => r.pick([0, 0xffffffff, 0x7fff8000, 0x80007fff, 0x7f80ff01, 0x00ff00ff, 0x80000000, r.u32(), r.u32()]);
  return [lane(), lane()];
}

/** A random MMX unit: load one or two registers, an op, store a register; emms sometimes. */
export function mmxUnit(h: FpuHost): void {
  const r = h.r;
  const a = r.int(8);
  const b = r.int(8);
  const load = (reg: number): boolean => {
    if (r.chance(0.3)) {
      const g = h.dreg(32);
      h.e(...(h.code32 ? [] : [0x66]), 0xb8 + g, ...le32(r.value()));
      h.e(0x0f, 0x6e, 0xc0 | (reg << 3) | g); // movd mm, r32
      return true;
    }
    const m = h.memRM(8, true);
    if (!m) return false;
    store(h, m, mmxValue(r));
    h.insn(0, m, [0x0f, 0x6f], reg); // movq mm, m64
    return true;
  };
  if (!load(a)) return;
  const k = r.int(6);
  if (k <= 3) {
    const op = r.pick(MMX_BINARY);
    // shifts by a register or memory count: mostly counts around the lane widths
    const count = SHIFT_BY_Q.includes(op) && r.chance(0.8) ? [r.pick([0, 1, 4, 15, 16, 31, 32, 63, 64, r.int(256)]), r.chance(0.1) ? 1 : 0] : null;
    if (r.chance(0.3)) {
      const m = h.memRM(8, true);
      if (!m) return;
      store(h, m, count ?? mmxValue(r));
      h.insn(0, m, [0x0f, op], a);
    } else {
      if (count) {
        const g = h.dreg(32);
        h.e(...(h.code32 ? [] : [0x66]), 0xb8 + g, ...le32(count[0]!));
        h.e(0x0f, 0x6e, 0xc0 | (b << 3) | g);
      } else if (!load(b)) return;
      h.e(0x0f, op, 0xc0 | (a << 3) | b);
    }
  } else if (k === 4) {
    // shift by an immediate: 0F 71/72/73 with /2 /4 /6 (no psraq: 73 /4 is #UD)
    const opc = r.pick([0x71, 0x72, 0x73]);
    const ext = opc === 0x73 ? r.pick([2, 6]) : r.pick([2, 4, 6]);
    h.e(0x0f, opc, 0xc0 | (ext << 3) | a, r.pick([0, 1, 7, 8, 15, 16, 31, 32, 63, 64, r.int(256)]));
  } else {
    h.e(0x0f, 0x6f, 0xc0 | (b << 3) | a); // movq mm, mm
    h.e(0x0f, 0xef, 0xc0 | (a << 3) | a); // pxor mm, mm
  }
  // expose: movq m64, mm or movd r32, mm
  const dst = r.chance(0.5) ? a : b;
  const m = r.chance(0.7) ? h.memRM(8, true) : null;
  if (m) h.insn(0, m, [0x0f, 0x7f], dst);
  else h.e(0x0f, 0x7e, 0xc0 | (dst << 3) | h.dreg(32));
  if (r.chance(0.5)) h.e(0x0f, 0x77); // emms
}
