// The privilege-sensitive EFLAGS instructions cli sti pushf popf, and hlt: the IOPL rules of
// protected and V86 mode (no CR4.VME: qemu32 does not offer it).

import { EXCP0D_GPF } from './constants.js';
import type { X86CPU } from './cpu.js';
import {
  AC_MASK,
  CC_MASK,
  DF_MASK,
  ID_MASK,
  IF_MASK,
  IOPL_MASK,
  IOPL_SHIFT,
  NT_MASK,
  RF_MASK,
  TF_MASK,
  VM_MASK,
} from './flags.js';
import { defineHandler } from './interp/handlers.js';
import { requireCpl0 } from './system.js';

export function iopl(cpu: X86CPU): number {
  return (cpu.eflags & IOPL_MASK) >>> IOPL_SHIFT;
}

/** cli/sti: allowed at CPL <= IOPL in protected mode, IOPL 3 in V86 mode; #GP(0) otherwise. */
function checkIfChange(cpu: X86CPU): void {
  if (!cpu.pe) return;
  if (cpu.vm86 ? iopl(cpu) !== 3 : cpu.cpl > iopl(cpu)) cpu.raise(EXCP0D_GPF, 0);
}

defineHandler('cli', (cpu) => {
  checkIfChange(cpu);
  cpu.eflags &= ~IF_MASK;
});

defineHandler('sti', (cpu) => {
  checkIfChange(cpu);
  // Interrupts stay blocked for one more instruction only when sti actually sets IF (SDM).
  if (!(cpu.eflags & IF_MASK)) cpu.inhibitIrq = true;
  cpu.eflags |= IF_MASK;
});

/** V86 mode without VME: pushf/popf need IOPL 3. */
function checkV86Iopl(cpu: X86CPU): void {
  if (cpu.vm86 && iopl(cpu) !== 3) cpu.raise(EXCP0D_GPF, 0);
}

defineHandler('pushf', (cpu, i) => {
  checkV86Iopl(cpu);
  // The image never shows VM or RF.
  const v = cpu.getEflags() & ~(VM_MASK | RF_MASK);
  if (i.opsize === 32) cpu.push32(v);
  else cpu.push16(v);
});

/** EFLAGS bits popf and iret may write at this privilege (QEMU's masks; VM, RF, VIF, VIP never). */
export function popfMask(cpu: X86CPU, opsize: number): number {
  let mask = CC_MASK | DF_MASK | TF_MASK | NT_MASK | AC_MASK | ID_MASK;
  if (!cpu.pe) mask |= IF_MASK | IOPL_MASK;
  else if (cpu.vm86) mask |= IF_MASK; // IOPL is 3 here and stays
  else {
    if (cpu.cpl === 0) mask |= IOPL_MASK;
    if (cpu.cpl <= iopl(cpu)) mask |= IF_MASK;
  }
  return opsize === 32 ? mask : mask & 0xffff;
}

defineHandler('popf', (cpu, i) => {
  checkV86Iopl(cpu);
  const v = i.opsize === 32 ? cpu.peek32(0) : cpu.peek16(0);
  cpu.addSP(i.opsize === 32 ? 4 : 2);
  cpu.setEflags(v, popfMask(cpu, i.opsize));
});

defineHandler('hlt', (cpu) => {
  requireCpl0(cpu);
  cpu.halted = true;
});
