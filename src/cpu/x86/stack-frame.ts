// Building a stack frame on a stack the CPU is about to switch to (interrupt delivery, call
// gates): pushes go to SS base + (ESP & mask) with the new privilege's page rights and the
// new segment's limit checks, before any register is changed, so a fault leaves the old state.

import { DESC_B_MASK, DESC_E_MASK, EXCP0C_STACK, MMU_KERNEL_IDX, MMU_PHYS_IDX, MMU_USER_IDX } from './constants.js';
import type { X86CPU } from './cpu.js';

/** The frame under construction (one reused record). */
export const frame = {
  base: 0,
  /** Stack pointer as the full 32-bit register value (int32). */
  sp: 0,
  /** 0xffff for a 16-bit stack, -1 for a 32-bit one. */
  mask: -1,
  lo: 0,
  hi: 0,
  mmuIdx: 0,
  /** Error code of the #SS raised when a push leaves the segment. */
  faultErr: 0,
};

/** Start a frame on the stack described by an SS cache (base, byte limit, flags) at `sp`. */
export function frameBegin(cpu: X86CPU, base: number, limit: number, flags: number, sp: number, cpl: number, faultErr: number): void {
  frame.base = base | 0;
  frame.sp = sp | 0;
  frame.mask = flags & DESC_B_MASK ? -1 : 0xffff;
  if (flags & DESC_E_MASK) {
    // Expand-down data: valid offsets lie above the limit.
    frame.lo = limit + 1;
    frame.hi = flags & DESC_B_MASK ? 0xffffffff : 0xffff;
  } else {
    frame.lo = 0;
    frame.hi = limit >>> 0;
  }
  frame.mmuIdx = !cpu.paging ? MMU_PHYS_IDX : cpl === 3 ? MMU_USER_IDX : MMU_KERNEL_IDX;
  frame.faultErr = faultErr;
}

function slot(cpu: X86CPU, size: number): number {
  frame.sp = frame.mask === -1 ? (frame.sp - size) | 0 : (frame.sp & ~0xffff) | ((frame.sp - size) & 0xffff);
  const off = (frame.sp & frame.mask) >>> 0;
  if (off < frame.lo || off + size - 1 > frame.hi) cpu.raise(EXCP0C_STACK, frame.faultErr);
  return (frame.base + off) | 0;
}

export function framePush32(cpu: X86CPU, v: number): void {
  cpu.mmu.st32(slot(cpu, 4), v, frame.mmuIdx);
}

export function framePush16(cpu: X86CPU, v: number): void {
  cpu.mmu.st16(slot(cpu, 2), v & 0xffff, frame.mmuIdx);
}

export function framePush(cpu: X86CPU, v: number, is32: boolean): void {
  if (is32) framePush32(cpu, v);
  else framePush16(cpu, v);
}

/** Set ESP from a frame: a 16-bit stack changes only SP. */
export function frameCommitSp(cpu: X86CPU): void {
  cpu.regs[4] = frame.sp;
}
