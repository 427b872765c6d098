// Delivery of interrupts and exceptions (QEMU's do_interrupt_all): the real-mode IVT path,
// with protected-mode and V86 delivery in interrupts-pm.ts; plus the double/triple-fault
// rules applied when one exception strikes while another is being delivered.

import { EXCP08_DBLE, EXCP0D_GPF, EXCP0E_PAGE, R_CS } from './constants.js';
import type { X86CPU } from './cpu.js';
import { AC_MASK, IF_MASK, RF_MASK, TF_MASK } from './flags.js';
import { GUEST_EXCEPTION, TripleFault } from './exception.js';
import { doInterruptProtected } from './interrupts-pm.js';
import { formatCpuState } from './cpu-dump.js';

/**
 * Deliver vector `intno`. `isInt`: software int n/int3/into (return to nextEip, gate DPL
 * checked); `isHw`: external interrupt. Faults during delivery propagate as guest exceptions.
 */
export function doInterrupt(cpu: X86CPU, intno: number, isInt: boolean, errorCode: number, hasError: boolean, nextEip: number, isHw: boolean): void {
  cpu.deliveries++;
  if (cpu.log?.int) logInterrupt(cpu, intno, isInt, errorCode, hasError, isHw);
  if (cpu.pe) doInterruptProtected(cpu, intno, isInt, errorCode, hasError, nextEip, isHw);
  else doInterruptReal(cpu, intno, isInt, nextEip);
}

function doInterruptReal(cpu: X86CPU, intno: number, isInt: boolean, nextEip: number): void {
  if (intno * 4 + 3 > cpu.idt.limit) cpu.raise(EXCP0D_GPF, intno * 8 + 2);
  const ptr = cpu.idt.base + intno * 4;
  const offset = cpu.ldKernel16(ptr);
  const selector = cpu.ldKernel16(ptr + 2);
  const oldEip = isInt ? nextEip : cpu.eip;
  cpu.push16(cpu.getEflags());
  cpu.push16(cpu.segSel[R_CS]!);
  cpu.push16(oldEip);
  cpu.eip = offset;
  cpu.loadSegReal(R_CS, selector);
  cpu.eflags &= ~(IF_MASK | TF_MASK | AC_MASK | RF_MASK);
}

/**
 * The double-fault rules (SDM Table 6-5): a contributory fault during a contributory one, or
 * a contributory fault or #PF during a #PF, becomes #DF; anything during #DF is a triple fault.
 */
function checkException(cpu: X86CPU): void {
  const intno = cpu.excVector;
  const old = cpu.oldException;
  if (cpu.log?.int) cpu.log.write(`check_exception old: 0x${(old >>> 0).toString(16)} new 0x${intno.toString(16)}\n`);
  const firstContributory = old === 0 || (old >= 10 && old <= 13);
  const secondContributory = intno === 0 || (intno >= 10 && intno <= 13);
  if (old === EXCP08_DBLE && (secondContributory || intno === EXCP0E_PAGE || intno === EXCP08_DBLE)) {
    throw new TripleFault(formatCpuState(cpu));
  }
  if ((firstContributory && secondContributory) || (old === EXCP0E_PAGE && (secondContributory || intno === EXCP0E_PAGE))) {
    cpu.excVector = EXCP08_DBLE;
    cpu.excError = 0;
    cpu.excHasError = true;
  }
  if (secondContributory || cpu.excVector === EXCP0E_PAGE || cpu.excVector === EXCP08_DBLE) cpu.oldException = cpu.excVector;
}

/**
 * Deliver the exception recorded in the CPU (after a GUEST_EXCEPTION was caught), applying
 * the double-fault rules to faults raised while delivering. Throws TripleFault.
 */
export function deliverPendingException(cpu: X86CPU): void {
  cpu.markTbEnd(); // the handler starts a new QEMU TB
  for (;;) {
    const isInt = cpu.excIsInt;
    if (!isInt) checkException(cpu);
    try {
      doInterrupt(cpu, cpu.excVector, isInt, cpu.excError, cpu.excHasError, isInt ? cpu.nextEip : cpu.eip, false);
      cpu.oldException = -1;
      return;
    } catch (e) {
      if (e !== GUEST_EXCEPTION) throw e;
      cpu.excIsInt = false;
    }
  }
}

/** Deliver an external interrupt (from the PIC) or NMI, with the same fault handling. */
export function deliverHardwareInterrupt(cpu: X86CPU, vector: number): void {
  cpu.markTbEnd();
  try {
    doInterrupt(cpu, vector, false, 0, false, cpu.eip, true);
    cpu.oldException = -1;
  } catch (e) {
    if (e !== GUEST_EXCEPTION) throw e;
    cpu.excIsInt = false;
    deliverPendingException(cpu);
  }
}

/** -d int, in QEMU's layout (do_interrupt_all's log line, then the register dump). */
let logCount = 0;
function logInterrupt(cpu: X86CPU, intno: number, isInt: boolean, errorCode: number, hasError: boolean, isHw: boolean): void {
  void isHw;
  const hex = (v: number, w: number) => (v >>> 0).toString(16).padStart(w, '0');
  const tail = intno === 0x0e ? ` CR2=${hex(cpu.cr2, 8)}` : ` env->regs[R_EAX]=${hex(cpu.regs[0]!, 8)}`;
  cpu.log!.write(
    `${String(logCount++).padStart(6)}: v=${hex(intno, 2)} e=${hex(hasError ? errorCode : 0, 4)} i=${isInt ? 1 : 0} cpl=${cpu.cpl} ` +
      `IP=${hex(cpu.segSel[R_CS]!, 4)}:${hex(cpu.eip, 8)} pc=${hex(cpu.segBase[R_CS]! + cpu.eip, 8)} ` +
      `SP=${hex(cpu.segSel[2]!, 4)}:${hex(cpu.regs[4]!, 8)}${tail}\n` +
      formatCpuState(cpu, { ccop: true }),
  );
}
