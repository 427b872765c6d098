// Protected-mode and V86 interrupt delivery through the IDT (QEMU's do_interrupt_protected,
// with the SDM's rules where QEMU is looser): task gates, 286 and 386 interrupt/trap gates,
// inner-privilege stack switch through the TSS, and the V86 exit frame.

import {
  DESC_C_MASK,
  DESC_CS_MASK,
  DESC_P_MASK,
  DESC_S_MASK,
  DESC_W_MASK,
  EXCP0A_TSS,
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
import { IF_MASK, NT_MASK, RF_MASK, TF_MASK, VM_MASK } from './flags.js';
import { desc, descBase, descDpl, descLimit, loadDescriptor, setAccessed } from './seg.js';
import { frameBegin, frameCommitSp, framePush } from './stack-frame.js';
import { SWITCH_TSS_CALL, switchTask } from './task-switch.js';

/** The inner stack read from the current TSS by tssStack (one reused record). */
export const tssStack = { ss: 0, esp: 0 };

/** SS:ESP for privilege `dpl` from the current TSS (32- or 16-bit); #TS(TR) if out of its limit. */
export function readTssStack(cpu: X86CPU, dpl: number): void {
  const is32 = (cpu.tr.flags >> 8) & 8;
  const shift = is32 ? 1 : 0;
  const index = (dpl * 4 + 2) << shift;
  if (index + (4 << shift) - 1 > cpu.tr.limit) cpu.raise(EXCP0A_TSS, cpu.tr.selector & 0xfffc);
  const base = cpu.tr.base;
  if (is32) {
    tssStack.esp = cpu.ldKernel32(base + index);
    tssStack.ss = cpu.ldKernel16(base + index + 4);
  } else {
    tssStack.esp = cpu.ldKernel16(base + index);
    tssStack.ss = cpu.ldKernel16(base + index + 2);
  }
}

/** Inner stack segment selected from the TSS: the SDM's #TS checks, #SS if not present. */
export const innerSs = { sel: 0, base: 0, limit: 0, flags: 0, addr: 0 };

export function loadInnerSs(cpu: X86CPU, ss: number, dpl: number, ext: number): void {
  const err = (ss & 0xfffc) + ext;
  if ((ss & 0xfffc) === 0) cpu.raise(EXCP0A_TSS, err);
  if ((ss & 3) !== dpl) cpu.raise(EXCP0A_TSS, err);
  if (!loadDescriptor(cpu, ss)) cpu.raise(EXCP0A_TSS, err);
  const e2 = desc.e2;
  if (descDpl(e2) !== dpl) cpu.raise(EXCP0A_TSS, err);
  if (!(e2 & DESC_S_MASK) || e2 & DESC_CS_MASK || !(e2 & DESC_W_MASK)) cpu.raise(EXCP0A_TSS, err);
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0C_STACK, err);
  innerSs.sel = ss;
  innerSs.base = descBase(desc.e1, e2);
  innerSs.limit = descLimit(desc.e1, e2);
  innerSs.flags = e2;
  innerSs.addr = desc.addr;
}

/**
 * Deliver vector `intno` in protected or V86 mode. `isInt`: int n/int3/into (gate DPL is
 * checked, return to nextEip); `hasError`: push errorCode. The EXT bit of error codes raised
 * during delivery is set for exceptions and hardware interrupts, as the SDM says.
 */
export function doInterruptProtected(cpu: X86CPU, intno: number, isInt: boolean, errorCode: number, hasError: boolean, nextEip: number, isHw: boolean): void {
  const ext = isInt ? 0 : 1;
  const vecErr = intno * 8 + 2 + ext;
  const returnEip = isInt ? nextEip : cpu.eip;
  const pushError = hasError && !isInt && !isHw;
  if (intno * 8 + 7 > cpu.idt.limit) cpu.raise(EXCP0D_GPF, vecErr);
  const ptr = cpu.idt.base + intno * 8;
  const e1 = cpu.ldKernel32(ptr);
  const e2 = cpu.ldKernel32(ptr + 4);
  const type = (e2 >> 8) & 0x1f;
  if (type !== 5 && type !== 6 && type !== 7 && type !== 14 && type !== 15) cpu.raise(EXCP0D_GPF, vecErr);
  if (isInt && descDpl(e2) < cpu.cpl) cpu.raise(EXCP0D_GPF, vecErr);
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, vecErr);

  if (type === 5) {
    // Task gate: switch tasks as a call would (back link, NT), then push the error code on
    // the new task's stack with the new TSS's width.
    switchTask(cpu, e1 >>> 16, SWITCH_TSS_CALL, returnEip, ext);
    if (pushError) {
      if ((cpu.tr.flags >> 8) & 8) cpu.push32(errorCode);
      else cpu.push16(errorCode);
    }
    return;
  }

  const is32 = (type & 8) !== 0;
  const selector = e1 >>> 16;
  // A 286 gate has a 16-bit offset: the upper word of its descriptor is ignored (QEMU keeps it).
  const offset = is32 ? (e2 & 0xffff0000) | (e1 & 0xffff) : e1 & 0xffff;
  const selErr = (selector & 0xfffc) + ext;
  if ((selector & 0xfffc) === 0) cpu.raise(EXCP0D_GPF, ext);
  if (!loadDescriptor(cpu, selector)) cpu.raise(EXCP0D_GPF, selErr);
  const ce1 = desc.e1;
  let ce2 = desc.e2;
  const csAddr = desc.addr;
  if (!(ce2 & DESC_S_MASK) || !(ce2 & DESC_CS_MASK)) cpu.raise(EXCP0D_GPF, selErr);
  let dpl = descDpl(ce2);
  if (dpl > cpu.cpl) cpu.raise(EXCP0D_GPF, selErr);
  if (!(ce2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, selErr);

  const wasVm = cpu.vm86;
  const inner = !(ce2 & DESC_C_MASK) && dpl < cpu.cpl;
  if (inner) {
    // From V86 mode only a ring-0 handler can be reached.
    if (wasVm && dpl !== 0) cpu.raise(EXCP0D_GPF, selErr);
    readTssStack(cpu, dpl);
    loadInnerSs(cpu, tssStack.ss, dpl, ext);
    innerSs.flags = setAccessed(cpu, innerSs.addr, innerSs.flags);
    ce2 = setAccessed(cpu, csAddr, ce2);
    frameBegin(cpu, innerSs.base, innerSs.limit, innerSs.flags, tssStack.esp, dpl, (tssStack.ss & 0xfffc) + ext);
  } else {
    if (wasVm) cpu.raise(EXCP0D_GPF, selErr);
    dpl = cpu.cpl;
    ce2 = setAccessed(cpu, csAddr, ce2);
    frameBegin(cpu, cpu.segBase[R_SS]!, cpu.segLimit[R_SS]!, cpu.segFlags[R_SS]!, cpu.regs[4]!, dpl, ext);
  }

  if (inner) {
    if (wasVm) {
      framePush(cpu, cpu.segSel[R_GS]!, is32);
      framePush(cpu, cpu.segSel[R_FS]!, is32);
      framePush(cpu, cpu.segSel[R_DS]!, is32);
      framePush(cpu, cpu.segSel[R_ES]!, is32);
    }
    framePush(cpu, cpu.segSel[R_SS]!, is32);
    framePush(cpu, cpu.regs[4]!, is32);
  }
  framePush(cpu, cpu.getEflags(), is32);
  framePush(cpu, cpu.segSel[R_CS]!, is32);
  framePush(cpu, returnEip, is32);
  if (pushError) framePush(cpu, errorCode, is32);

  // Commit: nothing below can fault.
  let mask = TF_MASK | VM_MASK | RF_MASK | NT_MASK;
  if (!(type & 1)) mask |= IF_MASK; // interrupt gate (trap gates leave IF)
  cpu.eflags &= ~mask;
  if (inner) {
    if (wasVm) {
      cpu.loadSegCache(R_ES, 0, 0, 0, 0);
      cpu.loadSegCache(R_DS, 0, 0, 0, 0);
      cpu.loadSegCache(R_FS, 0, 0, 0, 0);
      cpu.loadSegCache(R_GS, 0, 0, 0, 0);
    }
    cpu.loadSegCache(R_SS, (innerSs.sel & ~3) | dpl, innerSs.base, innerSs.limit, innerSs.flags);
  }
  frameCommitSp(cpu);
  cpu.loadSegCache(R_CS, (selector & ~3) | dpl, descBase(ce1, ce2), descLimit(ce1, ce2), ce2);
  cpu.cpl = dpl;
  cpu.eip = offset >>> 0;
  if (wasVm) cpu.updateAllSegAccess();
  cpu.updateMmuIdx();
}
