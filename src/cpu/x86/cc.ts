// Lazy arithmetic flags (QEMU's CC_OP scheme): an operation records what it did in ccOp,
// ccDst (result), ccSrc (second operand or helper value) and ccSrc2 (carry in); the six
// flags are computed only when something reads them. Undefined flags follow QEMU's choices.

import { CC_A, CC_C, CC_O, CC_P, CC_S, CC_Z } from './flags.js';

/** ccSrc holds the flags themselves. */
export const CC_OP_EFLAGS = 0;
// Each operation comes in three sizes: base + 0 (8-bit), + 1 (16-bit), + 2 (32-bit).
export const CC_OP_ADD = 1;
export const CC_OP_ADC = 4;
export const CC_OP_SUB = 7;
export const CC_OP_SBB = 10;
export const CC_OP_LOGIC = 13;
export const CC_OP_INC = 16; // ccSrc = CF before the instruction
export const CC_OP_DEC = 19; // ccSrc = CF before the instruction
export const CC_OP_SHL = 22; // ccSrc = operand shifted by count-1
export const CC_OP_SAR = 25; // ccSrc = operand shifted by count-1 (also used by shr)
export const CC_OP_MUL = 28; // ccSrc = nonzero when the high half is significant
export const CC_OP_COUNT = 31;
/**
 * Or-ed into ccOp where QEMU's translator ends a TB and so no longer knows CC_OP statically
 * (after a jump, a rep string instruction, an exception...). The flags are the same; only
 * bt*, whose undefined flags QEMU derives from its static CC_OP, looks at it (bits.ts).
 */
export const CC_OP_DYNAMIC = 32;
/** ccOp without CC_OP_DYNAMIC. */
export const CC_OP_MASK = 31;

/** 0 for 8-bit, 1 for 16-bit, 2 for 32-bit operations. */
export function sizeIndex(bits: number): number {
  return bits === 8 ? 0 : bits === 16 ? 1 : 2;
}

/** PF lookup: CC_P when the low byte has an even number of set bits. */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let n = 0;
  for (let b = i; b; b >>= 1) n += b & 1;
  PARITY[i] = n & 1 ? 0 : CC_P;
}

const MASKS = [0xff, 0xffff, 0xffffffff];
const SIGN = [0x80, 0x8000, 0x80000000];

/** The state the lazy flags read (the CPU implements it). */
export interface LazyFlags {
  ccOp: number;
  ccDst: number;
  ccSrc: number;
  ccSrc2: number;
}

function zsp(dst: number, s: number): number {
  const d = (dst & MASKS[s]!) >>> 0;
  return (d === 0 ? CC_Z : 0) | (d & SIGN[s]! ? CC_S : 0) | PARITY[d & 0xff]!;
}

/** All six arithmetic flags. */
export function computeAll(f: LazyFlags): number {
  const op = f.ccOp & CC_OP_MASK;
  if (op === CC_OP_EFLAGS) return f.ccSrc & (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O);
  const s = (op - 1) % 3;
  const base = op - s;
  const m = MASKS[s]!;
  const sign = SIGN[s]!;
  const dst = (f.ccDst & m) >>> 0;
  const src = (f.ccSrc & m) >>> 0;
  switch (base) {
    case CC_OP_ADD: {
      const src1 = ((dst - src) & m) >>> 0;
      const cf = dst < src ? CC_C : 0;
      const of = (~(src1 ^ src) & (src1 ^ dst) & sign) !== 0 ? CC_O : 0;
      return cf | zsp(dst, s) | ((dst ^ src ^ src1) & CC_A) | of;
    }
    case CC_OP_ADC: {
      const src1 = ((dst - src - (f.ccSrc2 & 1)) & m) >>> 0;
      const cf = f.ccSrc2 & 1 ? (dst <= src ? CC_C : 0) : dst < src ? CC_C : 0;
      const of = (~(src1 ^ src) & (src1 ^ dst) & sign) !== 0 ? CC_O : 0;
      return cf | zsp(dst, s) | ((dst ^ src ^ src1) & CC_A) | of;
    }
    case CC_OP_SUB: {
      const src1 = ((dst + src) & m) >>> 0;
      const cf = src1 < src ? CC_C : 0;
      const of = ((src1 ^ src) & (src1 ^ dst) & sign) !== 0 ? CC_O : 0;
      return cf | zsp(dst, s) | ((dst ^ src ^ src1) & CC_A) | of;
    }
    case CC_OP_SBB: {
      const src1 = ((dst + src + (f.ccSrc2 & 1)) & m) >>> 0;
      const cf = f.ccSrc2 & 1 ? (src1 <= src ? CC_C : 0) : src1 < src ? CC_C : 0;
      const of = ((src1 ^ src) & (src1 ^ dst) & sign) !== 0 ? CC_O : 0;
      return cf | zsp(dst, s) | ((dst ^ src ^ src1) & CC_A) | of;
    }
    case CC_OP_LOGIC:
      return zsp(dst, s);
    case CC_OP_INC: {
      const src1 = ((dst - 1) & m) >>> 0;
      return (f.ccSrc & CC_C) | zsp(dst, s) | ((dst ^ src1 ^ 1) & CC_A) | (dst === sign ? CC_O : 0);
    }
    case CC_OP_DEC: {
      const src1 = ((dst + 1) & m) >>> 0;
      return (f.ccSrc & CC_C) | zsp(dst, s) | ((dst ^ src1 ^ 1) & CC_A) | (dst === sign - 1 ? CC_O : 0);
    }
    case CC_OP_SHL: {
      const cf = src & sign ? CC_C : 0;
      const of = ((src ^ dst) & sign) !== 0 ? CC_O : 0;
      return cf | zsp(dst, s) | of;
    }
    case CC_OP_SAR: {
      const cf = src & 1 ? CC_C : 0;
      const of = ((src ^ dst) & sign) !== 0 ? CC_O : 0;
      return cf | zsp(dst, s) | of;
    }
    case CC_OP_MUL: {
      const cf = f.ccSrc !== 0 ? CC_C : 0;
      return cf | zsp(dst, s) | (cf ? CC_O : 0);
    }
  }
  throw new Error(`bad ccOp ${op}`);
}

/** Just CF (cheaper than computeAll for adc/sbb/rcl and jb/jae). */
export function computeCF(f: LazyFlags): number {
  const op = f.ccOp & CC_OP_MASK;
  if (op === CC_OP_EFLAGS) return f.ccSrc & CC_C;
  const s = (op - 1) % 3;
  const base = op - s;
  const m = MASKS[s]!;
  const dst = (f.ccDst & m) >>> 0;
  const src = (f.ccSrc & m) >>> 0;
  switch (base) {
    case CC_OP_ADD:
      return dst < src ? 1 : 0;
    case CC_OP_ADC:
      return f.ccSrc2 & 1 ? (dst <= src ? 1 : 0) : dst < src ? 1 : 0;
    case CC_OP_SUB:
      return ((dst + src) & m) >>> 0 < src ? 1 : 0;
    case CC_OP_SBB: {
      const src1 = ((dst + src + (f.ccSrc2 & 1)) & m) >>> 0;
      return f.ccSrc2 & 1 ? (src1 <= src ? 1 : 0) : src1 < src ? 1 : 0;
    }
    case CC_OP_LOGIC:
      return 0;
    case CC_OP_INC:
    case CC_OP_DEC:
      return f.ccSrc & CC_C;
    case CC_OP_SHL:
      return src & SIGN[s]! ? 1 : 0;
    case CC_OP_SAR:
      return src & 1;
    case CC_OP_MUL:
      return f.ccSrc !== 0 ? 1 : 0;
  }
  throw new Error(`bad ccOp ${op}`);
}

/** Evaluate condition code 0-15 (O NO B AE E NE BE A S NS P NP L GE LE G). */
export function testCondition(f: LazyFlags, cc: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0:
      r = (computeAll(f) & CC_O) !== 0;
      break;
    case 1:
      r = computeCF(f) !== 0;
      break;
    case 2:
      r = (computeAll(f) & CC_Z) !== 0;
      break;
    case 3:
      r = (computeAll(f) & (CC_Z | CC_C)) !== 0;
      break;
    case 4:
      r = (computeAll(f) & CC_S) !== 0;
      break;
    case 5:
      r = (computeAll(f) & CC_P) !== 0;
      break;
    case 6: {
      const fl = computeAll(f);
      r = !(fl & CC_S) !== !(fl & CC_O);
      break;
    }
    default: {
      const fl = computeAll(f);
      r = (fl & CC_Z) !== 0 || !(fl & CC_S) !== !(fl & CC_O);
      break;
    }
  }
  return cc & 1 ? !r : r;
}

/**
 * After setcc/cmovcc tested condition `cc` (0-15): where QEMU's translator computes the whole
 * EFLAGS for that test (gen_prepare_cc), its CC_OP becomes EFLAGS, and a later bt* in the same
 * TB sees that: O and P always; BE, L and LE unless the flags come from a sub/cmp; Z and S
 * when the CC_OP was not known (CC_OP_DYNAMIC).
 */
export function qemuCondEval(f: LazyFlags, cc: number): void {
  const j = cc >> 1;
  const op = f.ccOp;
  const base = op & CC_OP_MASK;
  let eager = j === 0 || j === 5;
  if (j === 3 || j === 6 || j === 7) eager = base < CC_OP_SUB || base >= CC_OP_SUB + 3;
  else if (j === 2 || j === 4) eager = (op & CC_OP_DYNAMIC) !== 0;
  if (!eager || base === CC_OP_EFLAGS) return;
  f.ccSrc = computeAll(f);
  f.ccOp = CC_OP_EFLAGS;
}
