// String instructions movs cmps stos lods scas, bytes/words/dwords, with rep/repe/repne.
// Source DS:(E)SI (segment overridable), destination ES:(E)DI (never overridden), count
// (E)CX, all by the address size; DF picks the direction. Each iteration updates the
// registers only after its memory accesses, so a fault mid-rep restarts the instruction
// with the iterations done so far kept. Every iteration counts as an instruction (guest time,
// the TSC), as with QEMU's icount, where each runs as its own TB execution, and so does the
// final step that finds the count exhausted. A long rep yields
// every REP_CHUNK iterations, and at the end of the engine's slice, with EIP still at the
// instruction, so pending interrupts and timers are taken on time.

import { R_EAX, R_ECX, R_EDI, R_ES, R_ESI } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { DF_MASK, TF_MASK } from '../flags.js';
import { aluOp } from './alu.js';
import { defineHandler } from './handlers.js';

const MOVS = 0;
const CMPS = 1;
const STOS = 2;
const LODS = 3;
const SCAS = 4;

/** Iterations of one rep instruction per handler call before letting interrupts in. */
export const REP_CHUNK = 4096;

const CMP = 7;

function load(cpu: X86CPU, seg: number, off: number, size: number): number {
  return size === 1 ? cpu.read8(seg, off) : size === 2 ? cpu.read16(seg, off) : cpu.read32(seg, off);
}

function store(cpu: X86CPU, seg: number, off: number, size: number, v: number): void {
  if (size === 1) cpu.write8(seg, off, v);
  else if (size === 2) cpu.write16(seg, off, v);
  else cpu.write32(seg, off, v);
}

/** Advance an index register by delta in the address size. */
function step(cpu: X86CPU, reg: number, delta: number, a32: boolean): void {
  if (a32) cpu.regs[reg] = (cpu.regs[reg]! + delta) | 0;
  else cpu.setReg16(reg, cpu.regs[reg]! + delta);
}

/** One iteration (without the count). */
function once(cpu: X86CPU, i: Insn, kind: number, size: number, a32: boolean, delta: number): void {
  const si = a32 ? cpu.regs[R_ESI]! >>> 0 : cpu.regs[R_ESI]! & 0xffff;
  const di = a32 ? cpu.regs[R_EDI]! >>> 0 : cpu.regs[R_EDI]! & 0xffff;
  const s = size === 1 ? 0 : size === 2 ? 1 : 2;
  switch (kind) {
    case MOVS:
      store(cpu, R_ES, di, size, load(cpu, i.seg, si, size));
      step(cpu, R_ESI, delta, a32);
      step(cpu, R_EDI, delta, a32);
      return;
    case CMPS: {
      // ES:EDI is read first, as QEMU does (the SDM does not order the two reads): when both
      // fault, CR2 names the destination.
      const b = load(cpu, R_ES, di, size);
      const a = load(cpu, i.seg, si, size);
      aluOp(cpu, CMP, a, b, s);
      step(cpu, R_ESI, delta, a32);
      step(cpu, R_EDI, delta, a32);
      return;
    }
    case STOS:
      store(cpu, R_ES, di, size, cpu.regs[R_EAX]!);
      step(cpu, R_EDI, delta, a32);
      return;
    case LODS: {
      const v = load(cpu, i.seg, si, size);
      if (size === 1) cpu.setReg8(0, v);
      else if (size === 2) cpu.setReg16(R_EAX, v);
      else cpu.regs[R_EAX] = v;
      step(cpu, R_ESI, delta, a32);
      return;
    }
    default: {
      const b = load(cpu, R_ES, di, size);
      const a = size === 1 ? cpu.regs[R_EAX]! & 0xff : size === 2 ? cpu.regs[R_EAX]! & 0xffff : cpu.regs[R_EAX]!;
      aluOp(cpu, CMP, a, b, s);
      step(cpu, R_EDI, delta, a32);
    }
  }
}

function stringOp(cpu: X86CPU, i: Insn, kind: number, size: number): void {
  const a32 = i.adsize === 32;
  const delta = cpu.eflags & DF_MASK ? -size : size;
  if (i.rep === 0) {
    once(cpu, i, kind, size, a32, delta);
    return;
  }
  repOp(cpu, i, kind, size, a32, delta);
  // A rep instruction is a TB of its own in QEMU: what follows sees a dynamic CC_OP.
  cpu.markTbEnd();
}

/**
 * The iterations of a rep instruction, up to the chunk. The engine counts the handler call as
 * one instruction; each iteration past the first adds one more here, before it starts, so
 * guest time read during it counts the iterations done.
 */
function repOp(cpu: X86CPU, i: Insn, kind: number, size: number, a32: boolean, delta: number): void {
  // repe (1) / repne (2) only test ZF for cmps and scas; the others just repeat.
  const cond = kind === CMPS || kind === SCAS ? i.rep : 0;
  // With TF set, hardware traps after every iteration; otherwise stop at the slice's end.
  let left = cpu.eflags & TF_MASK ? 1 : Math.max(1, Math.min(REP_CHUNK, cpu.sliceEnd - cpu.events - cpu.tbInsn));
  let done = 0;
  for (;;) {
    let count = a32 ? cpu.regs[R_ECX]! : cpu.regs[R_ECX]! & 0xffff;
    if (count === 0) return;
    // Counted before the next iteration starts: a fault in it (the engine counts nothing for
    // a faulting instruction) leaves exactly the iterations that retired counted.
    if (done > 0) cpu.icount++;
    once(cpu, i, kind, size, a32, delta);
    done++;
    count = a32 ? (count - 1) | 0 : (count - 1) & 0xffff;
    if (a32) cpu.regs[R_ECX] = count;
    else cpu.setReg16(R_ECX, count);
    if (cond !== 0) {
      // ccDst is the masked difference: ZF = (ccDst === 0).
      const zf = cpu.ccDst === 0;
      if (cond === 1 ? !zf : zf) return;
    }
    if (count === 0) {
      // QEMU's icount runs the instruction once more to find ECX = 0 (under -icount it never
      // takes the shortcut out after the last iteration): that step counts too.
      cpu.icount++;
      return;
    }
    if (--left === 0) {
      cpu.nextEip = i.eip; // not finished: run this instruction again
      return;
    }
  }
}

defineHandler('movs_Yb_Xb', (cpu, i) => stringOp(cpu, i, MOVS, 1));
defineHandler('movs_Yv_Xv', (cpu, i) => stringOp(cpu, i, MOVS, i.opsize >> 3));
defineHandler('cmps_Xb_Yb', (cpu, i) => stringOp(cpu, i, CMPS, 1));
defineHandler('cmps_Xv_Yv', (cpu, i) => stringOp(cpu, i, CMPS, i.opsize >> 3));
defineHandler('stos_Yb_AL', (cpu, i) => stringOp(cpu, i, STOS, 1));
defineHandler('stos_Yv_eAX', (cpu, i) => stringOp(cpu, i, STOS, i.opsize >> 3));
defineHandler('lods_AL_Xb', (cpu, i) => stringOp(cpu, i, LODS, 1));
defineHandler('lods_eAX_Xv', (cpu, i) => stringOp(cpu, i, LODS, i.opsize >> 3));
defineHandler('scas_AL_Yb', (cpu, i) => stringOp(cpu, i, SCAS, 1));
defineHandler('scas_eAX_Yv', (cpu, i) => stringOp(cpu, i, SCAS, i.opsize >> 3));
