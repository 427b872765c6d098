// Near control transfers: jmp, call, ret (and ret imm16), jcc, loop/loopz/loopnz, jcxz/jecxz,
// indirect near call/jmp. A 16-bit operand size wraps the target to 16 bits; a target beyond
// the CS limit raises #GP(0) at the branch itself (SDM JMP/CALL/RET/Jcc "near" pseudo-code).

import { testCondition } from '../cc.js';
import { EXCP0D_GPF, R_CS, R_ECX } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { defineHandler } from './handlers.js';
import { readE16, readE32 } from './operands.js';

/** Set the next EIP to `target` wrapped to the operand size, checking the CS limit. */
export function jumpNear(cpu: X86CPU, i: Insn, target: number): void {
  const t = i.opsize === 32 ? target >>> 0 : target & 0xffff;
  if (t > cpu.segLimit[R_CS]!) cpu.raise(EXCP0D_GPF, 0);
  cpu.nextEip = t;
}

/** Relative branch: i.imm is the sign-extended displacement from the next instruction. */
function jumpRel(cpu: X86CPU, i: Insn): void {
  jumpNear(cpu, i, cpu.nextEip + i.imm);
}

const jcc = (cpu: X86CPU, i: Insn): void => {
  if (testCondition(cpu, i.opcode & 15)) jumpRel(cpu, i);
};
defineHandler('jcc_Jb', jcc);
defineHandler('jcc_Jz', jcc);
defineHandler('jmp_Jb', jumpRel);
defineHandler('jmp_Jz', jumpRel);

defineHandler('jmp_Ev', (cpu, i) => jumpNear(cpu, i, i.opsize === 32 ? readE32(cpu, i) : readE16(cpu, i)));

/** Push the return address and jump; the limit check comes before the push, as in the SDM. */
function callNear(cpu: X86CPU, i: Insn, target: number): void {
  const ret = cpu.nextEip;
  jumpNear(cpu, i, target);
  cpu.push(ret, i.opsize);
}
defineHandler('call_Jz', (cpu, i) => callNear(cpu, i, cpu.nextEip + i.imm));
// The target is read before the push, so [esp+n] operands see the old ESP.
defineHandler('call_Ev', (cpu, i) => callNear(cpu, i, i.opsize === 32 ? readE32(cpu, i) : readE16(cpu, i)));

/** ret [imm16]: the stack pointer moves only once the target has passed the limit check. */
function retNear(cpu: X86CPU, i: Insn, extra: number): void {
  if (i.opsize === 32) {
    jumpNear(cpu, i, cpu.peek32(0));
    cpu.addSP(4 + extra);
  } else {
    jumpNear(cpu, i, cpu.peek16(0));
    cpu.addSP(2 + extra);
  }
}
defineHandler('ret', (cpu, i) => retNear(cpu, i, 0));
defineHandler('ret_Iw', (cpu, i) => retNear(cpu, i, i.imm & 0xffff));

// ---- loops: the count register is CX or ECX by address size; condition 4 is Z, 5 is NZ ----

/** Decrement the count register; returns the new count (nonzero means keep looping). */
function decCount(cpu: X86CPU, i: Insn): number {
  if (i.adsize === 32) {
    const c = (cpu.regs[R_ECX]! - 1) | 0;
    cpu.regs[R_ECX] = c;
    return c;
  }
  const c = (cpu.regs[R_ECX]! - 1) & 0xffff;
  cpu.setReg16(R_ECX, c);
  return c;
}

defineHandler('loop_Jb', (cpu, i) => {
  if (decCount(cpu, i) !== 0) jumpRel(cpu, i);
});
defineHandler('loopz_Jb', (cpu, i) => {
  if (decCount(cpu, i) !== 0 && testCondition(cpu, 4)) jumpRel(cpu, i);
});
defineHandler('loopnz_Jb', (cpu, i) => {
  if (decCount(cpu, i) !== 0 && testCondition(cpu, 5)) jumpRel(cpu, i);
});
defineHandler('jcxz_Jb', (cpu, i) => {
  const c = i.adsize === 32 ? cpu.regs[R_ECX]! : cpu.regs[R_ECX]! & 0xffff;
  if (c === 0) jumpRel(cpu, i);
});
