// Hardware task switching (QEMU's switch_tss, checked against the SDM's TASK SWITCHING
// pseudocode): 16- and 32-bit TSSs, busy bits, NT and the back link, CR3 and LDT loads, and
// the segment loads of the new task with their #TS/#NP/#SS error codes.
// Not modelled: the TSS T bit (debug trap on entry: logged under -d unimp) and DR7 L-bits.

import {
  CR0_PG_MASK,
  CR0_TS_MASK,
  DESC_C_MASK,
  DESC_CS_MASK,
  DESC_P_MASK,
  DESC_R_MASK,
  DESC_S_MASK,
  DESC_W_MASK,
  EXCP0A_TSS,
  EXCP0B_NOSEG,
  EXCP0C_STACK,
  EXCP0D_GPF,
  R_CS,
  R_SS,
} from './constants.js';
import { writeCr3 } from './control-regs.js';
import type { X86CPU } from './cpu.js';
import { AC_MASK, CC_MASK, DF_MASK, ID_MASK, IF_MASK, IOPL_MASK, NT_MASK, RF_MASK, TF_MASK, VM_MASK } from './flags.js';
import { desc, descBase, descDpl, descLimit, loadCacheFromDesc, loadDescriptor, markAccessed } from './seg.js';
import { loadLdt } from './system.js';

export const SWITCH_TSS_JMP = 0;
export const SWITCH_TSS_IRET = 1;
export const SWITCH_TSS_CALL = 2;

const TSS_BUSY = 2 << 8;

// The new task's state, read in full before anything changes (reused, no allocation).
const newRegs = new Int32Array(8);
const newSegs = new Uint16Array(6);

/** Set or clear the busy bit of the TSS descriptor `selector` in the GDT. */
function setBusy(cpu: X86CPU, selector: number, busy: boolean): void {
  const addr = (cpu.gdt.base + (selector & ~7)) | 0;
  const e2 = cpu.ldKernel32(addr + 4);
  cpu.stKernel32(addr + 4, busy ? e2 | TSS_BUSY : e2 & ~TSS_BUSY);
}

/**
 * Switch to the task named by `selector` (a TSS descriptor, or a task gate when coming from
 * jmp/call/int). `nextEip` is saved as the old task's EIP. `ext` is the EXT bit of error codes.
 * Privilege checks on the selector (DPL vs CPL/RPL) are the caller's.
 */
export function switchTask(cpu: X86CPU, selector: number, source: number, nextEip: number, ext = 0): void {
  if (!loadDescriptor(cpu, selector)) cpu.raise(EXCP0D_GPF, (selector & 0xfffc) + ext);
  let e1 = desc.e1;
  let e2 = desc.e2;
  let type = (e2 >> 8) & 0xf;
  if (!(e2 & DESC_S_MASK) && type === 5) {
    if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, (selector & 0xfffc) + ext);
    selector = e1 >>> 16;
    if (selector & 4) cpu.raise(EXCP0A_TSS, (selector & 0xfffc) + ext);
    if (!loadDescriptor(cpu, selector)) cpu.raise(EXCP0D_GPF, (selector & 0xfffc) + ext);
    e1 = desc.e1;
    e2 = desc.e2;
    type = (e2 >> 8) & 0xf;
  }
  const selErr = (selector & 0xfffc) + ext;
  if (e2 & DESC_S_MASK || (type & 5) !== 1) cpu.raise(EXCP0D_GPF, selErr); // 286/386 TSS, busy or not
  // jmp/call/int need an available TSS; iret returns to a busy one.
  if (source === SWITCH_TSS_IRET ? !(type & 2) : type & 2) cpu.raise(source === SWITCH_TSS_IRET ? EXCP0A_TSS : EXCP0D_GPF, selErr);
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, selErr);
  const descAddr = desc.addr;
  const new32 = (type & 8) !== 0;
  const base = descBase(e1, e2) | 0;
  const limit = descLimit(e1, e2);
  if (selector & 4 || limit < (new32 ? 103 : 43)) cpu.raise(EXCP0A_TSS, selErr);

  const oldType = (cpu.tr.flags >> 8) & 0xf;
  const old32 = (oldType & 8) !== 0;
  const oldBase = cpu.tr.base;
  if (cpu.tr.limit < (old32 ? 103 : 43)) cpu.raise(EXCP0A_TSS, (cpu.tr.selector & 0xfffc) + ext);

  // Read the new task's state.
  let newCr3 = 0;
  let newEip: number;
  let newEflags: number;
  let newLdt: number;
  let trap = 0;
  if (new32) {
    newCr3 = cpu.ldKernel32(base + 0x1c);
    newEip = cpu.ldKernel32(base + 0x20);
    newEflags = cpu.ldKernel32(base + 0x24);
    for (let r = 0; r < 8; r++) newRegs[r] = cpu.ldKernel32(base + 0x28 + r * 4);
    for (let s = 0; s < 6; s++) newSegs[s] = cpu.ldKernel16(base + 0x48 + s * 4);
    newLdt = cpu.ldKernel16(base + 0x60);
    trap = cpu.ldKernel16(base + 0x64) & 1;
  } else {
    newEip = cpu.ldKernel16(base + 0x0e);
    newEflags = cpu.ldKernel16(base + 0x10);
    // A 286 TSS holds 16-bit registers: the upper halves load as all ones and FS/GS become
    // null, as Bochs models the hardware (QEMU zeroes the upper halves; REFERENCE.md).
    for (let r = 0; r < 8; r++) newRegs[r] = 0xffff0000 | cpu.ldKernel16(base + 0x12 + r * 2);
    for (let s = 0; s < 4; s++) newSegs[s] = cpu.ldKernel16(base + 0x22 + s * 2);
    newSegs[4] = 0;
    newSegs[5] = 0;
    newLdt = cpu.ldKernel16(base + 0x2a);
  }
  // Touch the last byte of the new TSS so a page fault comes before any change.
  cpu.ldKernel8(base + limit);

  // Leave the old task.
  if (source === SWITCH_TSS_JMP || source === SWITCH_TSS_IRET) setBusy(cpu, cpu.tr.selector, false);
  let oldEflags = cpu.getEflags();
  if (source === SWITCH_TSS_IRET) oldEflags &= ~NT_MASK;
  if (old32) {
    cpu.stKernel32(oldBase + 0x20, nextEip);
    cpu.stKernel32(oldBase + 0x24, oldEflags);
    for (let r = 0; r < 8; r++) cpu.stKernel32(oldBase + 0x28 + r * 4, cpu.regs[r]!);
    for (let s = 0; s < 6; s++) cpu.stKernel16(oldBase + 0x48 + s * 4, cpu.segSel[s]!);
  } else {
    cpu.stKernel16(oldBase + 0x0e, nextEip);
    cpu.stKernel16(oldBase + 0x10, oldEflags);
    for (let r = 0; r < 8; r++) cpu.stKernel16(oldBase + 0x12 + r * 2, cpu.regs[r]!);
    for (let s = 0; s < 4; s++) cpu.stKernel16(oldBase + 0x22 + s * 2, cpu.segSel[s]!);
  }
  if (source === SWITCH_TSS_CALL) {
    cpu.stKernel16(base, cpu.tr.selector);
    newEflags |= NT_MASK;
  }
  if (source === SWITCH_TSS_JMP || source === SWITCH_TSS_CALL) {
    cpu.stKernel32(descAddr + 4, e2 | TSS_BUSY);
    e2 |= TSS_BUSY;
  }

  // Enter the new task: from here on faults are taken in its context.
  cpu.cr0 |= CR0_TS_MASK;
  cpu.tr.selector = selector;
  cpu.tr.base = base;
  cpu.tr.limit = limit;
  cpu.tr.flags = e2;
  if (new32 && cpu.cr0 & CR0_PG_MASK) writeCr3(cpu, newCr3);
  let mask = CC_MASK | DF_MASK | TF_MASK | AC_MASK | ID_MASK | IF_MASK | IOPL_MASK | VM_MASK | RF_MASK | NT_MASK;
  if (!new32) mask &= 0xffff;
  cpu.setEflags(newEflags, mask);
  cpu.regs.set(newRegs);
  cpu.eip = newEip >>> 0;
  cpu.nextEip = cpu.eip;
  const vm = cpu.vm86;
  // Selectors first with empty caches: a fault below leaves the new selectors visible.
  for (let s = 0; s < 6; s++) cpu.loadSegCache(s, newSegs[s]!, 0, 0, 0);
  cpu.cpl = vm ? 3 : newSegs[R_CS]! & 3;
  cpu.updateMmuIdx();
  cpu.ldt.selector = 0;
  cpu.ldt.limit = 0;
  if (newLdt & 4) cpu.raise(EXCP0A_TSS, (newLdt & 0xfffc) + ext);
  loadLdt(cpu, newLdt, true);
  if (vm) {
    for (let s = 0; s < 6; s++) cpu.loadSegReal(s, newSegs[s]!);
  } else {
    loadTaskSeg(cpu, R_CS, newSegs[R_CS]!, ext);
    loadTaskSeg(cpu, R_SS, newSegs[R_SS]!, ext);
    for (const s of TASK_DATA_SEGS) loadTaskSeg(cpu, s, newSegs[s]!, ext);
  }
  cpu.updateAllSegAccess();
  if (cpu.eip > cpu.segLimit[R_CS]!) cpu.raise(EXCP0D_GPF, ext);
  if (trap && cpu.log?.unimp) cpu.log.write('task switch: TSS T bit set, debug trap not implemented\n');
}

const TASK_DATA_SEGS = [0, 3, 4, 5] as const;

/** A segment load of the new task: the mov-style checks, with #TS for what mov makes #GP. */
function loadTaskSeg(cpu: X86CPU, seg: number, selector: number, ext: number): void {
  const err = (selector & 0xfffc) + ext;
  const cpl = cpu.cpl;
  if ((selector & 0xfffc) === 0) {
    if (seg === R_SS || seg === R_CS) cpu.raise(EXCP0A_TSS, err);
    return; // null data segment: already loaded empty
  }
  if (!loadDescriptor(cpu, selector)) cpu.raise(EXCP0A_TSS, err);
  const e2 = desc.e2;
  if (!(e2 & DESC_S_MASK)) cpu.raise(EXCP0A_TSS, err);
  const rpl = selector & 3;
  const dpl = descDpl(e2);
  if (seg === R_CS) {
    if (!(e2 & DESC_CS_MASK)) cpu.raise(EXCP0A_TSS, err);
    if (e2 & DESC_C_MASK ? dpl > rpl : dpl !== rpl) cpu.raise(EXCP0A_TSS, err);
  } else if (seg === R_SS) {
    if (e2 & DESC_CS_MASK || !(e2 & DESC_W_MASK)) cpu.raise(EXCP0A_TSS, err);
    if (dpl !== cpl || rpl !== cpl) cpu.raise(EXCP0A_TSS, err);
  } else {
    if ((e2 & (DESC_CS_MASK | DESC_R_MASK)) === DESC_CS_MASK) cpu.raise(EXCP0A_TSS, err);
    if ((!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) && (dpl < cpl || dpl < rpl)) cpu.raise(EXCP0A_TSS, err);
  }
  if (!(e2 & DESC_P_MASK)) cpu.raise(seg === R_SS ? EXCP0C_STACK : EXCP0B_NOSEG, err);
  markAccessed(cpu);
  loadCacheFromDesc(cpu, seg, selector);
}
