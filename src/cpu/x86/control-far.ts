// Far control transfers: jmp far, call far (code segments, call gates with parameter copy and
// stack switch, TSS/task gates) and retf [imm16], in real, V86 and protected mode (QEMU's
// helper_ljmp/lcall/lret_protected with the SDM's checks). iret builds on returnProtected.

import {
  DESC_B_MASK,
  DESC_C_MASK,
  DESC_CS_MASK,
  DESC_P_MASK,
  DESC_S_MASK,
  DESC_W_MASK,
  EXCP0B_NOSEG,
  EXCP0C_STACK,
  EXCP0D_GPF,
  R_CS,
  R_DS,
  R_ES,
  R_FS,
  R_GS,
  R_SS,
} from './constants.js';
import type { X86CPU } from './cpu.js';
import type { Insn } from './decoder/index.js';
import { popfMask } from './flags-sys.js';
import { RF_MASK } from './flags.js';
import { innerSs, loadInnerSs, readTssStack, tssStack } from './interrupts-pm.js';
import { defineHandler } from './interp/handlers.js';
import { ea } from './interp/operands.js';
import { desc, descBase, descDpl, descLimit, loadDescriptor, setAccessed, validateSegAfterPrivDrop } from './seg.js';
import { frameBegin, frameCommitSp, framePush } from './stack-frame.js';
import { SWITCH_TSS_CALL, SWITCH_TSS_JMP, switchTask } from './task-switch.js';

/** Load CS from the descriptor in `desc` at privilege `cpl` (RPL becomes cpl). */
function loadCs(cpu: X86CPU, selector: number, cpl: number, e1: number, e2: number): void {
  cpu.loadSegCache(R_CS, (selector & 0xfffc) | cpl, descBase(e1, e2), descLimit(e1, e2), e2);
}

/**
 * The code-segment checks of a direct far jmp/call: conforming needs DPL <= CPL,
 * non-conforming needs RPL <= CPL and DPL == CPL; then presence and the EIP limit.
 */
function checkDirectCode(cpu: X86CPU, sel: number, e1: number, e2: number, eip: number): void {
  const err = sel & 0xfffc;
  if (!(e2 & DESC_CS_MASK)) cpu.raise(EXCP0D_GPF, err);
  const dpl = descDpl(e2);
  if (e2 & DESC_C_MASK) {
    if (dpl > cpu.cpl) cpu.raise(EXCP0D_GPF, err);
  } else if ((sel & 3) > cpu.cpl || dpl !== cpu.cpl) {
    cpu.raise(EXCP0D_GPF, err);
  }
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, err);
  if (eip > descLimit(e1, e2)) cpu.raise(EXCP0D_GPF, 0);
}

/** Fetch a far target's descriptor: #GP(0) for null, #GP(sel) beyond the table. */
function fetchTarget(cpu: X86CPU, sel: number): void {
  if ((sel & 0xfffc) === 0) cpu.raise(EXCP0D_GPF, 0);
  if (!loadDescriptor(cpu, sel)) cpu.raise(EXCP0D_GPF, sel & 0xfffc);
}

/** Gate/TSS privilege: DPL >= max(CPL, RPL). */
function checkGateDpl(cpu: X86CPU, sel: number, e2: number): void {
  const dpl = descDpl(e2);
  if (dpl < cpu.cpl || dpl < (sel & 3)) cpu.raise(EXCP0D_GPF, sel & 0xfffc);
}

export function jmpFar(cpu: X86CPU, sel: number, eip: number): void {
  sel &= 0xffff;
  if (!cpu.pe || cpu.vm86) {
    cpu.loadSegReal(R_CS, sel);
    cpu.nextEip = eip >>> 0;
    return;
  }
  fetchTarget(cpu, sel);
  const e1 = desc.e1;
  const e2 = desc.e2;
  const addr = desc.addr;
  if (e2 & DESC_S_MASK) {
    checkDirectCode(cpu, sel, e1, e2, eip >>> 0);
    loadCs(cpu, sel, cpu.cpl, e1, setAccessed(cpu, addr, e2));
    cpu.nextEip = eip >>> 0;
    return;
  }
  const type = (e2 >> 8) & 0xf;
  if (type === 1 || type === 9 || type === 5) {
    checkGateDpl(cpu, sel, e2);
    switchTask(cpu, sel, SWITCH_TSS_JMP, cpu.nextEip);
    return;
  }
  if (type !== 4 && type !== 12) cpu.raise(EXCP0D_GPF, sel & 0xfffc);
  // jmp through a call gate: no privilege change, the target runs at CPL.
  checkGateDpl(cpu, sel, e2);
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, sel & 0xfffc);
  const gateCs = e1 >>> 16;
  const target = type === 12 ? ((e2 & 0xffff0000) | (e1 & 0xffff)) >>> 0 : e1 & 0xffff;
  fetchTarget(cpu, gateCs);
  const ce1 = desc.e1;
  const ce2 = desc.e2;
  const caddr = desc.addr;
  const err = gateCs & 0xfffc;
  if ((ce2 & (DESC_S_MASK | DESC_CS_MASK)) !== (DESC_S_MASK | DESC_CS_MASK)) cpu.raise(EXCP0D_GPF, err);
  const dpl = descDpl(ce2);
  if (ce2 & DESC_C_MASK ? dpl > cpu.cpl : dpl !== cpu.cpl) cpu.raise(EXCP0D_GPF, err);
  if (!(ce2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, err);
  if (target > descLimit(ce1, ce2)) cpu.raise(EXCP0D_GPF, 0);
  loadCs(cpu, gateCs, cpu.cpl, ce1, setAccessed(cpu, caddr, ce2));
  cpu.nextEip = target;
}

export function callFar(cpu: X86CPU, sel: number, eip: number, opsize: number): void {
  sel &= 0xffff;
  const is32 = opsize === 32;
  const retEip = cpu.nextEip;
  if (!cpu.pe || cpu.vm86) {
    frameBegin(cpu, cpu.segBase[R_SS]!, cpu.segLimit[R_SS]!, cpu.ss32 ? DESC_B_MASK : 0, cpu.regs[4]!, cpu.cpl, 0);
    framePush(cpu, cpu.segSel[R_CS]!, is32);
    framePush(cpu, retEip, is32);
    frameCommitSp(cpu);
    cpu.loadSegReal(R_CS, sel);
    cpu.nextEip = eip >>> 0;
    return;
  }
  fetchTarget(cpu, sel);
  const e1 = desc.e1;
  const e2 = desc.e2;
  const addr = desc.addr;
  if (e2 & DESC_S_MASK) {
    checkDirectCode(cpu, sel, e1, e2, eip >>> 0);
    const e2a = setAccessed(cpu, addr, e2);
    frameBegin(cpu, cpu.segBase[R_SS]!, cpu.segLimit[R_SS]!, cpu.segFlags[R_SS]!, cpu.regs[4]!, cpu.cpl, 0);
    framePush(cpu, cpu.segSel[R_CS]!, is32);
    framePush(cpu, retEip, is32);
    frameCommitSp(cpu);
    loadCs(cpu, sel, cpu.cpl, e1, e2a);
    cpu.nextEip = eip >>> 0;
    return;
  }
  const type = (e2 >> 8) & 0x1f;
  if (type === 1 || type === 9 || type === 5) {
    checkGateDpl(cpu, sel, e2);
    switchTask(cpu, sel, SWITCH_TSS_CALL, retEip);
    return;
  }
  if (type !== 4 && type !== 12) cpu.raise(EXCP0D_GPF, sel & 0xfffc);
  callGate(cpu, sel, e1, e2, retEip);
}

/** call through a 286 (type 4) or 386 (type 12) call gate, switching stacks inward if needed. */
function callGate(cpu: X86CPU, sel: number, e1: number, e2: number, retEip: number): void {
  checkGateDpl(cpu, sel, e2);
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, sel & 0xfffc);
  const gate32 = (e2 & (8 << 8)) !== 0;
  const codeSel = e1 >>> 16;
  const target = gate32 ? ((e2 & 0xffff0000) | (e1 & 0xffff)) >>> 0 : e1 & 0xffff;
  const params = e2 & 0x1f;
  fetchTarget(cpu, codeSel);
  const ce1 = desc.e1;
  let ce2 = desc.e2;
  const caddr = desc.addr;
  const err = codeSel & 0xfffc;
  if ((ce2 & (DESC_S_MASK | DESC_CS_MASK)) !== (DESC_S_MASK | DESC_CS_MASK)) cpu.raise(EXCP0D_GPF, err);
  let dpl = descDpl(ce2);
  if (dpl > cpu.cpl) cpu.raise(EXCP0D_GPF, err);
  if (!(ce2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, err);
  if (target > descLimit(ce1, ce2)) cpu.raise(EXCP0D_GPF, 0);
  const inner = !(ce2 & DESC_C_MASK) && dpl < cpu.cpl;
  if (inner) {
    readTssStack(cpu, dpl);
    loadInnerSs(cpu, tssStack.ss, dpl, 0);
    innerSs.flags = setAccessed(cpu, innerSs.addr, innerSs.flags);
    ce2 = setAccessed(cpu, caddr, ce2);
    frameBegin(cpu, innerSs.base, innerSs.limit, innerSs.flags, tssStack.esp, dpl, innerSs.sel & 0xfffc);
    framePush(cpu, cpu.segSel[R_SS]!, gate32);
    framePush(cpu, cpu.regs[4]!, gate32);
    // Copy the parameters from the caller's stack, deepest first.
    const w = gate32 ? 4 : 2;
    const sp = cpu.regs[4]!;
    for (let k = params - 1; k >= 0; k--) {
      const off = cpu.ss32 ? (sp + k * w) | 0 : (sp + k * w) & 0xffff;
      framePush(cpu, gate32 ? cpu.read32(R_SS, off) : cpu.read16(R_SS, off), gate32);
    }
  } else {
    dpl = cpu.cpl;
    ce2 = setAccessed(cpu, caddr, ce2);
    frameBegin(cpu, cpu.segBase[R_SS]!, cpu.segLimit[R_SS]!, cpu.segFlags[R_SS]!, cpu.regs[4]!, dpl, 0);
  }
  framePush(cpu, cpu.segSel[R_CS]!, gate32);
  framePush(cpu, retEip, gate32);
  if (inner) cpu.loadSegCache(R_SS, (innerSs.sel & ~3) | dpl, innerSs.base, innerSs.limit, innerSs.flags);
  frameCommitSp(cpu);
  loadCs(cpu, codeSel, dpl, ce1, ce2);
  cpu.cpl = dpl;
  cpu.updateMmuIdx();
  cpu.nextEip = target;
}

/** Stack offset `k` bytes above ESP in the current stack size. */
function spOff(cpu: X86CPU, k: number): number {
  return cpu.ss32 ? (cpu.regs[4]! + k) | 0 : (cpu.regs[4]! + k) & 0xffff;
}

function popAt(cpu: X86CPU, k: number, is32: boolean): number {
  return is32 ? cpu.read32(R_SS, spOff(cpu, k)) : cpu.read16(R_SS, spOff(cpu, k));
}

/**
 * Protected-mode far return (retf, and iret without NT): pops EIP, CS [, EFLAGS] and, to an
 * outer level, ESP and SS; `addend` is retf's imm16. iret to V86 mode is handled here too.
 */
export function returnProtected(cpu: X86CPU, is32: boolean, isIret: boolean, addend: number): void {
  const w = is32 ? 4 : 2;
  const newEip = popAt(cpu, 0, is32) >>> 0;
  const newCs = popAt(cpu, w, is32) & 0xffff;
  let newEflags = 0;
  let k = 2 * w;
  if (isIret) {
    newEflags = popAt(cpu, k, is32);
    k += w;
    if (is32 && newEflags & 0x20000 && cpu.cpl === 0) {
      returnToV86(cpu, newEip, newCs, newEflags, k);
      return;
    }
  }
  fetchTarget(cpu, newCs);
  const e1 = desc.e1;
  let e2 = desc.e2;
  const addr = desc.addr;
  const err = newCs & 0xfffc;
  if (!(e2 & DESC_S_MASK) || !(e2 & DESC_CS_MASK)) cpu.raise(EXCP0D_GPF, err);
  const rpl = newCs & 3;
  const cpl = cpu.cpl;
  if (rpl < cpl) cpu.raise(EXCP0D_GPF, err);
  const dpl = descDpl(e2);
  if (e2 & DESC_C_MASK ? dpl > rpl : dpl !== rpl) cpu.raise(EXCP0D_GPF, err);
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, err);
  if (newEip > descLimit(e1, e2)) cpu.raise(EXCP0D_GPF, 0);
  k += addend;
  // The EFLAGS mask depends on the privilege before the return.
  const flagMask = isIret ? popfMask(cpu, is32 ? 32 : 16) | (is32 ? RF_MASK : 0) : 0;
  if (rpl === cpl) {
    loadCs(cpu, newCs, cpl, e1, setAccessed(cpu, addr, e2));
    cpu.setSP(spOff(cpu, k));
  } else {
    // Return to an outer level: SS:ESP come from the stack too.
    const newEsp = popAt(cpu, k, is32);
    const newSs = popAt(cpu, k + w, is32) & 0xffff;
    const sErr = newSs & 0xfffc;
    if (sErr === 0) cpu.raise(EXCP0D_GPF, 0);
    if ((newSs & 3) !== rpl) cpu.raise(EXCP0D_GPF, sErr);
    if (!loadDescriptor(cpu, newSs)) cpu.raise(EXCP0D_GPF, sErr);
    const s2 = desc.e2;
    if (!(s2 & DESC_S_MASK) || s2 & DESC_CS_MASK || !(s2 & DESC_W_MASK)) cpu.raise(EXCP0D_GPF, sErr);
    if (descDpl(s2) !== rpl) cpu.raise(EXCP0D_GPF, sErr);
    if (!(s2 & DESC_P_MASK)) cpu.raise(EXCP0C_STACK, sErr);
    const s1 = desc.e1;
    const sAddr = desc.addr;
    e2 = setAccessed(cpu, addr, e2);
    const s2a = setAccessed(cpu, sAddr, s2);
    loadCs(cpu, newCs, rpl, e1, e2);
    cpu.loadSegCache(R_SS, newSs, descBase(s1, s2a), descLimit(s1, s2a), s2a);
    cpu.setSP((newEsp + addend) | 0); // a 16-bit SS changes only SP
    cpu.cpl = rpl;
    cpu.updateMmuIdx();
    validateSegAfterPrivDrop(cpu, R_ES);
    validateSegAfterPrivDrop(cpu, R_DS);
    validateSegAfterPrivDrop(cpu, R_FS);
    validateSegAfterPrivDrop(cpu, R_GS);
  }
  if (isIret) cpu.setEflags(newEflags, flagMask);
  cpu.nextEip = newEip;
}

/** iretd at CPL 0 with VM set in the popped EFLAGS: the V86 frame (ESP SS ES DS FS GS). */
function returnToV86(cpu: X86CPU, newEip: number, newCs: number, newEflags: number, k: number): void {
  const newEsp = popAt(cpu, k, true);
  const newSs = popAt(cpu, k + 4, true);
  const newEs = popAt(cpu, k + 8, true);
  const newDs = popAt(cpu, k + 12, true);
  const newFs = popAt(cpu, k + 16, true);
  const newGs = popAt(cpu, k + 20, true);
  // Every flag is loaded (VIF/VIP included) so VM is set before the segment loads.
  cpu.setEflags(newEflags, 0x3f7fd5);
  cpu.cpl = 3;
  cpu.loadSegReal(R_CS, newCs);
  cpu.loadSegReal(R_SS, newSs);
  cpu.loadSegReal(R_ES, newEs);
  cpu.loadSegReal(R_DS, newDs);
  cpu.loadSegReal(R_FS, newFs);
  cpu.loadSegReal(R_GS, newGs);
  cpu.regs[4] = newEsp;
  cpu.updateAllSegAccess();
  cpu.updateMmuIdx();
  cpu.nextEip = newEip & 0xffff;
}

/** Real and V86 mode far return: IP, CS from the stack. */
function returnReal(cpu: X86CPU, is32: boolean, addend: number): void {
  const w = is32 ? 4 : 2;
  const newEip = popAt(cpu, 0, is32) >>> 0;
  const newCs = popAt(cpu, w, is32);
  cpu.addSP(2 * w + addend);
  cpu.loadSegReal(R_CS, newCs);
  cpu.nextEip = newEip;
}

export function retFar(cpu: X86CPU, is32: boolean, addend: number): void {
  if (!cpu.pe || cpu.vm86) returnReal(cpu, is32, addend);
  else returnProtected(cpu, is32, false, addend);
}

// ---- handlers ----

function memFarPointer(cpu: X86CPU, i: Insn): number {
  const a = ea(cpu, i);
  farOff = i.opsize === 32 ? cpu.read32(i.seg, a) >>> 0 : cpu.read16(i.seg, a);
  const next = i.adsize === 32 ? (a + (i.opsize >> 3)) >>> 0 : (a + (i.opsize >> 3)) & 0xffff;
  return cpu.read16(i.seg, next);
}
let farOff = 0;

defineHandler('jmpf_Ap', (cpu, i) => jmpFar(cpu, i.imm2, i.opsize === 32 ? i.imm >>> 0 : i.imm & 0xffff));
defineHandler('callf_Ap', (cpu, i) => callFar(cpu, i.imm2, i.opsize === 32 ? i.imm >>> 0 : i.imm & 0xffff, i.opsize));
defineHandler('jmpf_Mp', (cpu, i) => {
  const sel = memFarPointer(cpu, i);
  jmpFar(cpu, sel, farOff);
});
defineHandler('callf_Mp', (cpu, i) => {
  const sel = memFarPointer(cpu, i);
  callFar(cpu, sel, farOff, i.opsize);
});
defineHandler('retf', (cpu, i) => retFar(cpu, i.opsize === 32, 0));
defineHandler('retf_Iw', (cpu, i) => retFar(cpu, i.opsize === 32, i.imm & 0xffff));
