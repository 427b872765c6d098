// Integer arithmetic and logic: add or adc sbb and sub xor cmp in all six 00-3F forms and
// the group-1 immediate forms, test, inc, dec, neg, not. Flags stay lazy (QEMU's CC_OPs).

import { CC_OP_ADC, CC_OP_ADD, CC_OP_DEC, CC_OP_INC, CC_OP_LOGIC, CC_OP_SBB, CC_OP_SUB, computeCF } from '../cc.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { defineHandler } from './handlers.js';
import {
  readE16,
  readE32,
  readE8,
  rmwRead16,
  rmwRead32,
  rmwRead8,
  rmwWrite16,
  rmwWrite32,
  rmwWrite8,
} from './operands.js';

// Operation numbers: the ModRM.reg / opcode-bits-5:3 order of the ALU block.
const ADD = 0;
const OR = 1;
const ADC = 2;
const SBB = 3;
const AND = 4;
const SUB = 5;
const XOR = 6;
const CMP = 7;
const NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'] as const;

/** Result mask of size index 0/1/2 (32-bit results are kept as int32 through `| 0`). */
const MASK = [0xff, 0xffff, -1] as const;

/**
 * Compute `dst op src` for operand size index s (0: 8, 1: 16, 2: 32 bits), record the lazy
 * flags as QEMU's translate.c does for that operation, and return the result (masked).
 */
export function aluOp(cpu: X86CPU, op: number, dst: number, src: number, s: number): number {
  const m = MASK[s]!;
  let r: number;
  switch (op) {
    case ADD:
      r = (dst + src) & m;
      cpu.ccOp = CC_OP_ADD + s;
      cpu.ccSrc = src;
      break;
    case ADC: {
      const c = computeCF(cpu);
      r = (dst + src + c) & m;
      cpu.ccOp = CC_OP_ADC + s;
      cpu.ccSrc = src;
      cpu.ccSrc2 = c;
      break;
    }
    case SBB: {
      const c = computeCF(cpu);
      r = (dst - src - c) & m;
      cpu.ccOp = CC_OP_SBB + s;
      cpu.ccSrc = src;
      cpu.ccSrc2 = c;
      break;
    }
    case SUB:
    case CMP:
      r = (dst - src) & m;
      cpu.ccOp = CC_OP_SUB + s;
      cpu.ccSrc = src;
      break;
    case OR:
      r = (dst | src) & m;
      cpu.ccOp = CC_OP_LOGIC + s;
      break;
    case AND:
      r = dst & src & m;
      cpu.ccOp = CC_OP_LOGIC + s;
      break;
    default:
      r = (dst ^ src) & m;
      cpu.ccOp = CC_OP_LOGIC + s;
      break;
  }
  cpu.ccDst = r;
  return r;
}

/** Flags of `test` / `and` without a destination. */
function logicFlags(cpu: X86CPU, r: number, s: number): void {
  cpu.ccOp = CC_OP_LOGIC + s;
  cpu.ccDst = r & MASK[s]!;
}

/** The size index of a v-sized operand. */
function sv(i: Insn): number {
  return i.opsize === 32 ? 2 : 1;
}

/** op E, src for an 8-bit destination; cmp only reads E, the others read-modify-write it. */
function opEb(cpu: X86CPU, i: Insn, op: number, src: number): void {
  if (op === CMP) {
    aluOp(cpu, op, readE8(cpu, i), src & 0xff, 0);
    return;
  }
  rmwWrite8(cpu, i, aluOp(cpu, op, rmwRead8(cpu, i), src & 0xff, 0));
}

function opEv(cpu: X86CPU, i: Insn, op: number, src: number): void {
  if (i.opsize === 32) {
    if (op === CMP) aluOp(cpu, op, readE32(cpu, i), src, 2);
    else rmwWrite32(cpu, i, aluOp(cpu, op, rmwRead32(cpu, i), src, 2));
  } else {
    if (op === CMP) aluOp(cpu, op, readE16(cpu, i), src & 0xffff, 1);
    else rmwWrite16(cpu, i, aluOp(cpu, op, rmwRead16(cpu, i), src & 0xffff, 1));
  }
}

/** op G, src for a v-sized register destination. */
function opGv(cpu: X86CPU, i: Insn, reg: number, op: number, src: number): void {
  if (i.opsize === 32) {
    const r = aluOp(cpu, op, cpu.regs[reg]!, src, 2);
    if (op !== CMP) cpu.regs[reg] = r;
  } else {
    const r = aluOp(cpu, op, cpu.regs[reg]! & 0xffff, src & 0xffff, 1);
    if (op !== CMP) cpu.setReg16(reg, r);
  }
}

function opGb(cpu: X86CPU, reg: number, op: number, src: number): void {
  const r = aluOp(cpu, op, cpu.getReg8(reg), src & 0xff, 0);
  if (op !== CMP) cpu.setReg8(reg, r);
}

// Bind the eight operations in their nine forms. Each closure is created once, at load.
for (let op = 0; op < 8; op++) {
  const n = NAMES[op]!;
  defineHandler(`${n}_Eb_Gb`, (cpu, i) => opEb(cpu, i, op, cpu.getReg8(i.reg)));
  defineHandler(`${n}_Ev_Gv`, (cpu, i) => opEv(cpu, i, op, cpu.regs[i.reg]!));
  defineHandler(`${n}_Gb_Eb`, (cpu, i) => opGb(cpu, i.reg, op, readE8(cpu, i)));
  defineHandler(`${n}_Gv_Ev`, (cpu, i) => opGv(cpu, i, i.reg, op, i.opsize === 32 ? readE32(cpu, i) : readE16(cpu, i)));
  defineHandler(`${n}_AL_Ib`, (cpu, i) => opGb(cpu, 0, op, i.imm));
  defineHandler(`${n}_eAX_Iz`, (cpu, i) => opGv(cpu, i, 0, op, i.imm));
  defineHandler(`${n}_Eb_Ib`, (cpu, i) => opEb(cpu, i, op, i.imm));
  defineHandler(`${n}_Ev_Iz`, (cpu, i) => opEv(cpu, i, op, i.imm));
  // 83 /x: the byte immediate arrives sign-extended (F.SX).
  defineHandler(`${n}_Ev_Ib`, (cpu, i) => opEv(cpu, i, op, i.imm));
}

// ---- test ----

defineHandler('test_Eb_Gb', (cpu, i) => logicFlags(cpu, readE8(cpu, i) & cpu.getReg8(i.reg), 0));
defineHandler('test_Ev_Gv', (cpu, i) =>
  i.opsize === 32 ? logicFlags(cpu, readE32(cpu, i) & cpu.regs[i.reg]!, 2) : logicFlags(cpu, readE16(cpu, i) & cpu.regs[i.reg]!, 1),
);
defineHandler('test_AL_Ib', (cpu, i) => logicFlags(cpu, cpu.regs[0]! & i.imm, 0));
defineHandler('test_eAX_Iz', (cpu, i) => logicFlags(cpu, cpu.regs[0]! & i.imm, sv(i)));
defineHandler('test_Eb_Ib', (cpu, i) => logicFlags(cpu, readE8(cpu, i) & i.imm, 0));
defineHandler('test_Ev_Iz', (cpu, i) =>
  i.opsize === 32 ? logicFlags(cpu, readE32(cpu, i) & i.imm, 2) : logicFlags(cpu, readE16(cpu, i) & i.imm, 1),
);

// ---- inc / dec: CF is preserved, so the lazy state keeps the old CF in ccSrc ----

function incDec(cpu: X86CPU, v: number, s: number, dec: boolean): number {
  const cf = computeCF(cpu);
  const r = (dec ? v - 1 : v + 1) & MASK[s]!;
  cpu.ccOp = (dec ? CC_OP_DEC : CC_OP_INC) + s;
  cpu.ccSrc = cf;
  cpu.ccDst = r;
  return r;
}

function incDecZv(cpu: X86CPU, i: Insn, dec: boolean): void {
  if (i.opsize === 32) cpu.regs[i.reg] = incDec(cpu, cpu.regs[i.reg]!, 2, dec);
  else cpu.setReg16(i.reg, incDec(cpu, cpu.regs[i.reg]! & 0xffff, 1, dec));
}

function incDecEv(cpu: X86CPU, i: Insn, dec: boolean): void {
  if (i.opsize === 32) rmwWrite32(cpu, i, incDec(cpu, rmwRead32(cpu, i), 2, dec));
  else rmwWrite16(cpu, i, incDec(cpu, rmwRead16(cpu, i), 1, dec));
}

defineHandler('inc_Zv', (cpu, i) => incDecZv(cpu, i, false));
defineHandler('dec_Zv', (cpu, i) => incDecZv(cpu, i, true));
defineHandler('inc_Eb', (cpu, i) => rmwWrite8(cpu, i, incDec(cpu, rmwRead8(cpu, i), 0, false)));
defineHandler('dec_Eb', (cpu, i) => rmwWrite8(cpu, i, incDec(cpu, rmwRead8(cpu, i), 0, true)));
defineHandler('inc_Ev', (cpu, i) => incDecEv(cpu, i, false));
defineHandler('dec_Ev', (cpu, i) => incDecEv(cpu, i, true));

// ---- neg (flags of 0 - x, as QEMU's CC_OP_SUB with ccSrc = x) and not (no flags) ----

function neg(cpu: X86CPU, v: number, s: number): number {
  const r = -v & MASK[s]!;
  cpu.ccOp = CC_OP_SUB + s;
  cpu.ccSrc = v;
  cpu.ccDst = r;
  return r;
}

defineHandler('neg_Eb', (cpu, i) => rmwWrite8(cpu, i, neg(cpu, rmwRead8(cpu, i), 0)));
defineHandler('neg_Ev', (cpu, i) => {
  if (i.opsize === 32) rmwWrite32(cpu, i, neg(cpu, rmwRead32(cpu, i), 2));
  else rmwWrite16(cpu, i, neg(cpu, rmwRead16(cpu, i), 1));
});
defineHandler('not_Eb', (cpu, i) => rmwWrite8(cpu, i, ~rmwRead8(cpu, i)));
defineHandler('not_Ev', (cpu, i) => {
  if (i.opsize === 32) rmwWrite32(cpu, i, ~rmwRead32(cpu, i));
  else rmwWrite16(cpu, i, ~rmwRead16(cpu, i));
});
