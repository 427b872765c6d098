// iret/iretd in every mode: real (IVT frame), V86 (IOPL 3 only, IOPL kept), protected
// (same or outer privilege, to V86 mode, or back to the previous task when NT is set).
// Any iret also ends the NMI-blocking window.

import { EXCP0A_TSS, EXCP0D_GPF } from './constants.js';
import { returnProtected } from './control-far.js';
import type { X86CPU } from './cpu.js';
import { iopl } from './flags-sys.js';
import { AC_MASK, CC_MASK, DF_MASK, ID_MASK, IF_MASK, IOPL_MASK, NT_MASK, RF_MASK, TF_MASK } from './flags.js';
import { defineHandler } from './interp/handlers.js';
import { desc, loadDescriptor } from './seg.js';
import { SWITCH_TSS_IRET, switchTask } from './task-switch.js';

function iretReal(cpu: X86CPU, is32: boolean): void {
  const w = is32 ? 4 : 2;
  const ip = is32 ? cpu.peek32(0) >>> 0 : cpu.peek16(0);
  const cs = is32 ? cpu.peek32(4) & 0xffff : cpu.peek16(2);
  const fl = is32 ? cpu.peek32(8) : cpu.peek16(4);
  cpu.addSP(3 * w);
  cpu.loadSegReal(1, cs);
  // V86 mode (IOPL 3 here) cannot change IOPL.
  let mask = CC_MASK | DF_MASK | TF_MASK | AC_MASK | ID_MASK | IF_MASK | RF_MASK | NT_MASK;
  if (!cpu.vm86) mask |= IOPL_MASK;
  cpu.setEflags(fl, is32 ? mask : mask & 0xffff);
  cpu.nextEip = ip;
}

/** iret with NT set: return to the task named by the back link of the current TSS. */
function iretTask(cpu: X86CPU): void {
  const link = cpu.ldKernel16(cpu.tr.base);
  const err = link & 0xfffc;
  if (link & 4 || !loadDescriptor(cpu, link)) cpu.raise(EXCP0A_TSS, err);
  // Must be a busy TSS (286 or 386): S clear, type 3 or 11.
  if (((desc.e2 >> 8) & 0x17) !== 3) cpu.raise(EXCP0A_TSS, err);
  switchTask(cpu, link, SWITCH_TSS_IRET, cpu.nextEip);
}

defineHandler('iret', (cpu, i) => {
  const is32 = i.opsize === 32;
  if (!cpu.pe) iretReal(cpu, is32);
  else if (cpu.vm86) {
    if (iopl(cpu) !== 3) cpu.raise(EXCP0D_GPF, 0);
    iretReal(cpu, is32);
  } else if (cpu.eflags & NT_MASK) iretTask(cpu);
  else returnProtected(cpu, is32, true, 0);
  cpu.nmiBlocked = false;
});
