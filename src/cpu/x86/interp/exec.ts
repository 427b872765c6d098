// The reference engine: decode and execute one instruction at a time. Handles interrupt
// acceptance between instructions (with the mov ss / sti shadow), single-step traps, and
// the delivery of exceptions raised by handlers.

import { EXCP01_DB, EXCP02_NMI } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { decode, formatInsnAtt, OP_END } from '../decoder/index.js';
import { GUEST_EXCEPTION } from '../exception.js';
import { IF_MASK, TF_MASK } from '../flags.js';
import { deliverHardwareInterrupt, deliverPendingException } from '../interrupts.js';
import { HANDLERS } from './handlers.js';
import { countInterpreted } from './interp-profile.js';
import { CF_NO_GOTO_TB, formatAsmLine, traceBlock } from '../exec-log.js';

/** Why run() returned. */
export const EXIT_BUDGET = 0;
export const EXIT_HALTED = 1;
export const EXIT_REQUESTED = 2;

/**
 * Take a pending NMI or maskable interrupt if the CPU can accept one now. Returns true if one
 * was delivered (or the CPU woke from HLT).
 */
export function checkInterrupts(cpu: X86CPU): boolean {
  if (cpu.inhibitIrq) return false;
  if (cpu.nmiPending && !cpu.nmiBlocked) {
    cpu.nmiPending = false;
    cpu.nmiBlocked = true;
    cpu.halted = false;
    deliverHardwareInterrupt(cpu, EXCP02_NMI);
    return true;
  }
  if (cpu.interruptRequest && cpu.eflags & IF_MASK && cpu.pic) {
    cpu.halted = false;
    const vector = cpu.pic.acknowledge();
    deliverHardwareInterrupt(cpu, vector);
    return true;
  }
  return false;
}

export class Interpreter {
  /** Set from outside (device callbacks) to leave run() after the current instruction. */
  exitRequest = false;
  /** performance.now() after which run() returns early (checked every 256 instructions). */
  hostDeadline = Infinity;

  /**
   * Execute up to `budget` instructions. `nested`: a stretch run for the translator inside its
   * own run(), whose end stays the one rep string instructions stop at.
   */
  run(cpu: X86CPU, budget: number, nested = false): number {
    const insn = cpu.insn;
    const handlers = HANDLERS;
    // The budget counts delivered events too (see X86CPU.deliveries), so a fault loop ends it.
    const end = cpu.events + budget;
    if (!nested) cpu.sliceEnd = end;
    this.exitRequest = false;
    let n = 0;
    while (cpu.events < end) {
      if (this.exitRequest) return EXIT_REQUESTED;
      if ((++n & 255) === 0 && performance.now() > this.hostDeadline) return EXIT_REQUESTED;
      if (cpu.interruptRequest || cpu.nmiPending) {
        if (cpu.inhibitIrq) {
          // fall through: the shadow covers exactly this instruction
        } else if (checkInterrupts(cpu)) continue;
      }
      if (cpu.halted) return EXIT_HALTED;
      const shadow = cpu.inhibitIrq;
      cpu.inhibitIrq = false;
      const trap = (cpu.eflags & TF_MASK) !== 0 && !shadow;
      try {
        const eip = cpu.eip;
        decode(insn, cpu, eip, cpu.code32);
        const log = cpu.log;
        if (log !== null) {
          // The interpreter has no blocks: -d in_asm logs every instruction it runs, and -d
          // exec/cpu trace each as a block of one (QEMU's one-insn-per-tb).
          if (log.inAsm && log.inRange((cpu.segBase[1]! + eip) >>> 0)) {
            const bytes: number[] = [];
            for (let i = 0; i < insn.len; i++) bytes.push(cpu.readCode8(eip + i));
            // A block of one, with QEMU's header, so the log reads as QEMU's does.
            const pc = cpu.segBase[1]! + eip;
            log.write(`----------------\nIN: \n${formatAsmLine(pc, bytes, formatInsnAtt(insn, pc, cpu.code32))}\n`);
          }
          if (log.exec || log.cpu) {
            cpu.inhibitIrq = shadow; // as it was when this instruction's "block" was entered
            traceBlock(cpu, '(nil)', CF_NO_GOTO_TB | 1);
            cpu.inhibitIrq = false;
          }
        }
        const profile = cpu.interpProfile;
        if (profile !== null) countInterpreted(profile, (cpu.segBase[1]! + eip) >>> 0, insn, cpu.code32);
        cpu.nextEip = cpu.code32 ? (eip + insn.len) >>> 0 : (eip + insn.len) & 0xffff;
        const plugins = cpu.plugins;
        if (plugins !== null) plugins.beforeInsn((cpu.segBase[1]! + eip) >>> 0, eip, insn, cpu);
        handlers[insn.op]!(cpu, insn);
        if (plugins !== null) plugins.afterInsn();
        if (OP_END[insn.op] !== 0) cpu.markTbEnd(); // QEMU's TB ends after it (cc.ts CC_OP_DYNAMIC)
        cpu.eip = cpu.nextEip;
        cpu.icount++;
        if (trap) {
          cpu.dr[6] = cpu.dr[6]! | 0x4000; // DR6.BS: single step
          cpu.excVector = EXCP01_DB;
          cpu.excError = 0;
          cpu.excHasError = false;
          cpu.excIsInt = false;
          deliverPendingException(cpu);
        }
      } catch (e) {
        cpu.plugins?.afterInsn();
        if (e !== GUEST_EXCEPTION) throw e;
        // Software interrupts complete (they count); faults do not retire the instruction.
        if (cpu.excIsInt) cpu.icount++;
        deliverPendingException(cpu);
      }
    }
    return EXIT_BUDGET;
  }
}
