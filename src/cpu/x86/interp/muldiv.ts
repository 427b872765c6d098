// Multiplication and division: mul, imul (one, two and three operands), div, idiv.
// Flags after mul/imul follow QEMU's CC_OP_MUL (CF = OF = significant high half; SF ZF PF of
// the low half, AF 0); div/idiv leave the flags alone, as QEMU's helpers do. A zero divisor
// or a quotient that does not fit raises #DE with nothing changed. 32-bit products and
// 64-bit dividends are done in 16-bit pieces so every intermediate stays exact in a double.

import { CC_OP_MUL } from '../cc.js';
import { EXCP00_DIVZ, R_EAX, R_EDX } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { defineHandler } from './handlers.js';
import { readE16, readE32, readE8, writeGv } from './operands.js';

/** High 32 bits of the last mul32u/mul32s (the function returns the low 32 bits as int32). */
let productHigh = 0;

/** Unsigned 32x32 -> 64: returns the low half (int32), leaves the high half in productHigh. */
function mul32u(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const lo = aL * bL;
  const m1 = aH * bL;
  const m2 = aL * bH;
  const t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  productHigh = (aH * bH + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16)) | 0;
  return ((t & 0xffff) << 16) | (lo & 0xffff);
}

/** Signed 32x32 -> 64, same convention. */
function mul32s(a: number, b: number): number {
  const lo = mul32u(a, b);
  // Unsigned high half minus the corrections for negative operands.
  let hi = productHigh;
  if (a < 0) hi = (hi - b) | 0;
  if (b < 0) hi = (hi - a) | 0;
  productHigh = hi;
  return lo;
}

/**
 * What imul r32 leaves in ccSrc: the signed high half minus the low half's sign (nonzero when
 * the product does not fit in 32 bits). Generated code calls this for its inline imul.
 */
export function imulFlagSrc32(a: number, b: number): number {
  const lo = mul32s(a, b);
  return (productHigh - (lo >> 31)) | 0;
}

function setMulFlags(cpu: X86CPU, s: number, low: number, high: number): void {
  cpu.ccOp = CC_OP_MUL + s;
  cpu.ccDst = low;
  cpu.ccSrc = high;
}

// ---- one-operand forms: the accumulator times E ----

defineHandler('mul_Eb', (cpu, i) => {
  const r = (cpu.regs[R_EAX]! & 0xff) * readE8(cpu, i);
  cpu.setReg16(R_EAX, r);
  setMulFlags(cpu, 0, r, r & 0xff00);
});
defineHandler('imul_Eb', (cpu, i) => {
  const r = ((cpu.regs[R_EAX]! << 24) >> 24) * ((readE8(cpu, i) << 24) >> 24);
  cpu.setReg16(R_EAX, r);
  setMulFlags(cpu, 0, r, r - ((r << 24) >> 24));
});
defineHandler('mul_Ev', (cpu, i) => {
  if (i.opsize === 32) {
    const lo = mul32u(cpu.regs[R_EAX]!, readE32(cpu, i));
    cpu.regs[R_EAX] = lo;
    cpu.regs[R_EDX] = productHigh;
    setMulFlags(cpu, 2, lo, productHigh);
  } else {
    const r = (cpu.regs[R_EAX]! & 0xffff) * readE16(cpu, i);
    cpu.setReg16(R_EAX, r);
    cpu.setReg16(R_EDX, r >>> 16);
    setMulFlags(cpu, 1, r, r >>> 16);
  }
});
defineHandler('imul_Ev', (cpu, i) => {
  if (i.opsize === 32) {
    const lo = mul32s(cpu.regs[R_EAX]!, readE32(cpu, i));
    cpu.regs[R_EAX] = lo;
    cpu.regs[R_EDX] = productHigh;
    setMulFlags(cpu, 2, lo, (productHigh - (lo >> 31)) | 0);
  } else {
    const r = ((cpu.regs[R_EAX]! << 16) >> 16) * ((readE16(cpu, i) << 16) >> 16);
    cpu.setReg16(R_EAX, r);
    cpu.setReg16(R_EDX, r >> 16);
    setMulFlags(cpu, 1, r, r - ((r << 16) >> 16));
  }
});

// ---- two- and three-operand imul: G = (E or G) * (E or imm), truncated ----

function imulG(cpu: X86CPU, i: Insn, a: number, b: number): void {
  if (i.opsize === 32) {
    const lo = mul32s(a, b);
    writeGv(cpu, i, lo);
    setMulFlags(cpu, 2, lo, (productHigh - (lo >> 31)) | 0);
  } else {
    const r = ((a << 16) >> 16) * ((b << 16) >> 16);
    writeGv(cpu, i, r);
    setMulFlags(cpu, 1, r, r - ((r << 16) >> 16));
  }
}

function readEvSigned(cpu: X86CPU, i: Insn): number {
  return i.opsize === 32 ? readE32(cpu, i) : readE16(cpu, i);
}

defineHandler('imul_Gv_Ev', (cpu, i) => imulG(cpu, i, cpu.regs[i.reg]!, readEvSigned(cpu, i)));
defineHandler('imul_Gv_Ev_Iz', (cpu, i) => imulG(cpu, i, readEvSigned(cpu, i), i.imm));
defineHandler('imul_Gv_Ev_Ib', (cpu, i) => imulG(cpu, i, readEvSigned(cpu, i), i.imm));

// ---- division ----

function divideError(cpu: X86CPU): never {
  cpu.raise(EXCP00_DIVZ);
}

defineHandler('div_Eb', (cpu, i) => {
  const d = readE8(cpu, i);
  if (d === 0) divideError(cpu);
  const n = cpu.regs[R_EAX]! & 0xffff;
  const q = Math.floor(n / d);
  if (q > 0xff) divideError(cpu);
  cpu.setReg16(R_EAX, ((n - q * d) << 8) | q);
});

defineHandler('idiv_Eb', (cpu, i) => {
  const d = (readE8(cpu, i) << 24) >> 24;
  if (d === 0) divideError(cpu);
  const n = (cpu.regs[R_EAX]! << 16) >> 16;
  const q = Math.trunc(n / d);
  if (q > 127 || q < -128) divideError(cpu);
  cpu.setReg16(R_EAX, (((n - q * d) & 0xff) << 8) | (q & 0xff));
});

/** Quotient and remainder of the last 64/32 division. */
let divQ = 0;
let divR = 0;

/**
 * Unsigned (hi:lo) / d with hi < d (so the quotient fits 32 bits), in two 48-bit steps that
 * stay exact in doubles. Results in divQ, divR (unsigned numbers).
 */
function div64u(hi: number, lo: number, d: number): void {
  const n1 = hi * 0x10000 + (lo >>> 16);
  let q1 = Math.floor(n1 / d);
  let r1 = n1 - q1 * d;
  if (r1 < 0) {
    q1--;
    r1 += d;
  }
  const n2 = r1 * 0x10000 + (lo & 0xffff);
  let q2 = Math.floor(n2 / d);
  let r2 = n2 - q2 * d;
  if (r2 < 0) {
    q2--;
    r2 += d;
  }
  divQ = q1 * 0x10000 + q2;
  divR = r2;
}

defineHandler('div_Ev', (cpu, i) => {
  if (i.opsize === 32) {
    const d = readE32(cpu, i) >>> 0;
    if (d === 0) divideError(cpu);
    const hi = cpu.regs[R_EDX]! >>> 0;
    if (hi >= d) divideError(cpu);
    div64u(hi, cpu.regs[R_EAX]! >>> 0, d);
    cpu.regs[R_EAX] = divQ | 0;
    cpu.regs[R_EDX] = divR | 0;
  } else {
    const d = readE16(cpu, i);
    if (d === 0) divideError(cpu);
    const n = (((cpu.regs[R_EDX]! & 0xffff) << 16) | (cpu.regs[R_EAX]! & 0xffff)) >>> 0;
    const q = Math.floor(n / d);
    if (q > 0xffff) divideError(cpu);
    cpu.setReg16(R_EAX, q);
    cpu.setReg16(R_EDX, n - q * d);
  }
});

defineHandler('idiv_Ev', (cpu, i) => {
  if (i.opsize === 32) {
    const d = readE32(cpu, i);
    if (d === 0) divideError(cpu);
    let hi = cpu.regs[R_EDX]!;
    let lo = cpu.regs[R_EAX]!;
    const negN = hi < 0;
    if (negN) {
      // Two's-complement negate of the 64-bit dividend.
      lo = -lo | 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
    }
    const ad = Math.abs(d);
    // |n| / |d| must fit 32 bits before the signed range check.
    if (hi >>> 0 >= ad) divideError(cpu);
    div64u(hi >>> 0, lo >>> 0, ad);
    const negQ = negN !== d < 0;
    if (divQ > (negQ ? 0x80000000 : 0x7fffffff)) divideError(cpu);
    cpu.regs[R_EAX] = negQ ? -divQ | 0 : divQ | 0;
    cpu.regs[R_EDX] = negN ? -divR | 0 : divR | 0;
  } else {
    const d = (readE16(cpu, i) << 16) >> 16;
    if (d === 0) divideError(cpu);
    const n = ((cpu.regs[R_EDX]! & 0xffff) << 16) | (cpu.regs[R_EAX]! & 0xffff);
    // 0x80000000 / -1 = 2^31 is simply out of range here (#DE), not a host trap.
    const q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) divideError(cpu);
    cpu.setReg16(R_EAX, q);
    cpu.setReg16(R_EDX, n - q * d);
  }
});
