// Group 2 shifts and rotates (rol ror rcl rcr shl shr sar by 1, CL or imm8, all sizes) and
// the double shifts shld/shrd. Counts are masked to 5 bits; a zero count changes no flags.
// Shifts keep lazy flags (CC_OP_SHL/SAR, as QEMU); rotates set CF/OF eagerly as QEMU's
// translate.c (rol/ror) and shift helpers (rcl/rcr) do, which also fixes the undefined OF.

import { CC_OP_DYNAMIC, CC_OP_SAR, CC_OP_SHL } from '../cc.js';
import { R_ECX } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { CC_C, CC_O } from '../flags.js';
import { defineHandler } from './handlers.js';
import { rmwRead16, rmwRead32, rmwRead8, rmwWrite16, rmwWrite32, rmwWrite8 } from './operands.js';

const ROL = 0;
const ROR = 1;
const RCL = 2;
const RCR = 3;
const SHL = 4;
const SHR = 5;
const SAR = 7;

const BITS = [8, 16, 32] as const;
const MASK = [0xff, 0xffff, -1] as const;

/** Set CF and OF (0/1 each), leaving the other flags as they are. */
function setCO(cpu: X86CPU, cf: number, of: number): void {
  cpu.setEflags((cf ? CC_C : 0) | (of ? CC_O : 0), CC_C | CC_O);
}

/**
 * Apply group-2 operation `op` to `v` (zero-extended for 8/16 bits, int32 for 32) by the raw
 * count `count`, for size index s; returns the result masked to the size.
 */
export function shiftOp(cpu: X86CPU, op: number, v: number, count: number, s: number): number {
  const c = count & 31;
  if (c === 0) return v;
  const bits = BITS[s]!;
  const m = MASK[s]!;
  const top = bits - 1;
  switch (op) {
    case SHL: {
      const src = v << (c - 1);
      const r = (src << 1) & m;
      cpu.ccOp = CC_OP_SHL + s;
      cpu.ccSrc = src;
      cpu.ccDst = r;
      return r;
    }
    case SHR: {
      const u = s === 2 ? v >>> 0 : v;
      const src = u >>> (c - 1);
      const r = (src >>> 1) & m;
      cpu.ccOp = CC_OP_SAR + s;
      cpu.ccSrc = src;
      cpu.ccDst = r;
      return r;
    }
    case SAR: {
      const x = (v << (32 - bits)) >> (32 - bits); // sign-extend
      const src = x >> (c - 1);
      const r = (src >> 1) & m;
      cpu.ccOp = CC_OP_SAR + s;
      cpu.ccSrc = src;
      cpu.ccDst = r;
      return r;
    }
    case ROL: {
      const n = c & top;
      const u = s === 2 ? v >>> 0 : v;
      const r = n === 0 ? v & m : ((u << n) | (u >>> (bits - n))) & m;
      const cf = r & 1;
      setCO(cpu, cf, ((r >>> top) & 1) ^ cf);
      return r;
    }
    case ROR: {
      const n = c & top;
      const u = s === 2 ? v >>> 0 : v;
      const r = n === 0 ? v & m : ((u >>> n) | (u << (bits - n))) & m;
      const msb = (r >>> top) & 1;
      setCO(cpu, msb, msb ^ ((r >>> (top - 1)) & 1));
      return r;
    }
    case RCL: {
      // Rotate through CF: 9, 17 or 32 positions (QEMU's helper_rcl).
      const n = s === 0 ? c % 9 : s === 1 ? c % 17 : c;
      if (n === 0) return v;
      const u = s === 2 ? v >>> 0 : v & m;
      let r = (u << n) | (cpu.getCF() << (n - 1));
      if (n > 1) r |= u >>> (bits + 1 - n);
      r &= m;
      setCO(cpu, (u >>> (bits - n)) & 1, ((u ^ r) >>> top) & 1);
      return r;
    }
    case RCR: {
      const n = s === 0 ? c % 9 : s === 1 ? c % 17 : c;
      if (n === 0) return v;
      const u = s === 2 ? v >>> 0 : v & m;
      let r = (u >>> n) | (cpu.getCF() << (bits - n));
      if (n > 1) r |= u << (bits + 1 - n);
      r &= m;
      setCO(cpu, (u >>> (n - 1)) & 1, ((u ^ r) >>> top) & 1);
      return r;
    }
  }
  throw new Error(`shift op ${op}`);
}

// ---- group 2 bindings: 7 operations x (Eb, Ev) x (Ib, 1, CL) ----

const OPS = [
  ['rol', ROL],
  ['ror', ROR],
  ['rcl', RCL],
  ['rcr', RCR],
  ['shl', SHL],
  ['shr', SHR],
  ['sar', SAR],
] as const;

function shiftEb(cpu: X86CPU, i: Insn, op: number, count: number): void {
  rmwWrite8(cpu, i, shiftOp(cpu, op, rmwRead8(cpu, i), count, 0));
}

function shiftEv(cpu: X86CPU, i: Insn, op: number, count: number): void {
  if (i.opsize === 32) rmwWrite32(cpu, i, shiftOp(cpu, op, rmwRead32(cpu, i), count, 2));
  else rmwWrite16(cpu, i, shiftOp(cpu, op, rmwRead16(cpu, i), count, 1));
}

// QEMU's translator no longer knows CC_OP statically after a count from CL (it selects the
// new or the old flags at run time, as a count of 0 keeps them) nor after rcl/rcr (a helper
// with the flags made eager): bt* then derives its undefined flags from the full EFLAGS, so
// these mark the lazy state CC_OP_DYNAMIC (cc.ts) whatever the count.
for (const [name, op] of OPS) {
  const rc = op === RCL || op === RCR;
  // The 1 forms decode with imm = 1, so Ib and 1 share a handler body.
  defineHandler(`${name}_Eb_Ib`, (cpu, i) => (shiftEb(cpu, i, op, i.imm), rc && (cpu.ccOp |= CC_OP_DYNAMIC)));
  defineHandler(`${name}_Eb_1`, (cpu, i) => (shiftEb(cpu, i, op, i.imm), rc && (cpu.ccOp |= CC_OP_DYNAMIC)));
  defineHandler(`${name}_Eb_CL`, (cpu, i) => (shiftEb(cpu, i, op, cpu.regs[R_ECX]!), (cpu.ccOp |= CC_OP_DYNAMIC)));
  defineHandler(`${name}_Ev_Ib`, (cpu, i) => (shiftEv(cpu, i, op, i.imm), rc && (cpu.ccOp |= CC_OP_DYNAMIC)));
  defineHandler(`${name}_Ev_1`, (cpu, i) => (shiftEv(cpu, i, op, i.imm), rc && (cpu.ccOp |= CC_OP_DYNAMIC)));
  defineHandler(`${name}_Ev_CL`, (cpu, i) => (shiftEv(cpu, i, op, cpu.regs[R_ECX]!), (cpu.ccOp |= CC_OP_DYNAMIC)));
}

// ---- shld / shrd ----

/**
 * Double shift of E by G, count masked to 5 bits. 16-bit forms shift the 32-bit value
 * G:E (shld) or G:E right (shrd), and for counts above 16 bring E back in (A:B:A, the Intel
 * behaviour QEMU implements). Flags: CC_OP_SHL/SAR of the last bit shifted out.
 */
function shiftDouble(cpu: X86CPU, i: Insn, count: number, right: boolean): void {
  const c = count & 31;
  if (i.opsize === 32) {
    const d = rmwRead32(cpu, i);
    if (c === 0) {
      rmwWrite32(cpu, i, d);
      return;
    }
    const g = cpu.regs[i.reg]!;
    let r: number;
    let src: number;
    if (right) {
      src = d >>> (c - 1);
      r = (d >>> c) | (g << (32 - c));
    } else {
      src = d << (c - 1);
      r = (d << c) | (g >>> (32 - c));
    }
    rmwWrite32(cpu, i, r);
    cpu.ccOp = (right ? CC_OP_SAR : CC_OP_SHL) + 2;
    cpu.ccSrc = src;
    cpu.ccDst = r | 0;
    return;
  }
  const d = rmwRead16(cpu, i);
  if (c === 0) {
    rmwWrite16(cpu, i, d);
    return;
  }
  const g = cpu.regs[i.reg]! & 0xffff;
  const gd = ((g << 16) | d) >>> 0;
  let r: number;
  let src: number;
  if (right) {
    // G:E >> c, with E re-entering from the top beyond 16.
    src = gd >>> (c - 1);
    r = (gd >>> c) | (d << (32 - c));
  } else {
    // E:G:E << c: the bits entering E come from G, then from E again.
    src = (d << (c - 1)) | (c === 1 ? 0 : gd >>> (33 - c));
    r = (d << c) | (gd >>> (32 - c));
  }
  r &= 0xffff;
  rmwWrite16(cpu, i, r);
  cpu.ccOp = (right ? CC_OP_SAR : CC_OP_SHL) + 1;
  cpu.ccSrc = src;
  cpu.ccDst = r;
}

// QEMU computes shld/shrd's flags with a run-time count even for an immediate: CC_OP_DYNAMIC.
defineHandler('shld_Ev_Gv_Ib', (cpu, i) => (shiftDouble(cpu, i, i.imm, false), (cpu.ccOp |= CC_OP_DYNAMIC)));
defineHandler('shld_Ev_Gv_CL', (cpu, i) => (shiftDouble(cpu, i, cpu.regs[R_ECX]!, false), (cpu.ccOp |= CC_OP_DYNAMIC)));
defineHandler('shrd_Ev_Gv_Ib', (cpu, i) => (shiftDouble(cpu, i, i.imm, true), (cpu.ccOp |= CC_OP_DYNAMIC)));
defineHandler('shrd_Ev_Gv_CL', (cpu, i) => (shiftDouble(cpu, i, cpu.regs[R_ECX]!, true), (cpu.ccOp |= CC_OP_DYNAMIC)));
