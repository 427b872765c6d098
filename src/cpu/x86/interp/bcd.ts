// Decimal adjust: daa das aaa aas (flags computed eagerly, as QEMU's helpers do, which also
// settles the SDM's undefined ones) and aam/aad imm8 (flags of a logic op on AL; aam 0 #DE).

import { CC_OP_EFLAGS, CC_OP_LOGIC, PARITY, computeAll } from '../cc.js';
import { EXCP00_DIVZ, R_EAX } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { CC_A, CC_C, CC_O, CC_P, CC_S, CC_Z } from '../flags.js';
import { defineHandler } from './handlers.js';

/** Make the six arithmetic flags exactly `fl`. */
function setFlags(cpu: X86CPU, fl: number): void {
  cpu.ccOp = CC_OP_EFLAGS;
  cpu.ccSrc = fl & (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O);
}

/** SF ZF PF of a byte result. */
function szp(al: number): number {
  return (al === 0 ? CC_Z : 0) | PARITY[al]! | (al & CC_S);
}

defineHandler('daa', (cpu) => {
  const fl = computeAll(cpu);
  const old = cpu.regs[R_EAX]! & 0xff;
  let al = old;
  let out = 0;
  if ((al & 0x0f) > 9 || fl & CC_A) {
    al = (al + 6) & 0xff;
    out |= CC_A;
  }
  if (old > 0x99 || fl & CC_C) {
    al = (al + 0x60) & 0xff;
    out |= CC_C;
  }
  cpu.setReg8(0, al);
  setFlags(cpu, out | szp(al));
});

defineHandler('das', (cpu) => {
  const fl = computeAll(cpu);
  const old = cpu.regs[R_EAX]! & 0xff;
  let al = old;
  let out = 0;
  if ((al & 0x0f) > 9 || fl & CC_A) {
    out |= CC_A;
    if (al < 6 || fl & CC_C) out |= CC_C;
    al = (al - 6) & 0xff;
  }
  if (old > 0x99 || fl & CC_C) {
    al = (al - 0x60) & 0xff;
    out |= CC_C;
  }
  cpu.setReg8(0, al);
  setFlags(cpu, out | szp(al));
});

/**
 * aaa / aas: AX +/- 0x106 (the carry or borrow between AL and AH included) when the low
 * nibble is above 9 or AF; then AL keeps its low nibble. Only AF and CF change.
 */
function asciiAdjust(cpu: X86CPU, sub: boolean): void {
  const fl = computeAll(cpu);
  let al = cpu.regs[R_EAX]! & 0xff;
  let ah = (cpu.regs[R_EAX]! >> 8) & 0xff;
  let out = fl & ~(CC_A | CC_C);
  if ((al & 0x0f) > 9 || fl & CC_A) {
    if (sub) {
      ah = (ah - 1 - (al < 6 ? 1 : 0)) & 0xff;
      al = (al - 6) & 0x0f;
    } else {
      ah = (ah + 1 + (al > 0xf9 ? 1 : 0)) & 0xff;
      al = (al + 6) & 0x0f;
    }
    out |= CC_A | CC_C;
  } else {
    al &= 0x0f;
  }
  cpu.setReg16(R_EAX, (ah << 8) | al);
  setFlags(cpu, out);
}
defineHandler('aaa', (cpu) => asciiAdjust(cpu, false));
defineHandler('aas', (cpu) => asciiAdjust(cpu, true));

defineHandler('aam_Ib', (cpu, i) => {
  const base = i.imm & 0xff;
  if (base === 0) cpu.raise(EXCP00_DIVZ);
  const v = cpu.regs[R_EAX]! & 0xff;
  const al = v % base;
  cpu.setReg16(R_EAX, (Math.floor(v / base) << 8) | al);
  cpu.ccOp = CC_OP_LOGIC;
  cpu.ccDst = al;
});

defineHandler('aad_Ib', (cpu, i) => {
  const base = i.imm & 0xff;
  const al = (((cpu.regs[R_EAX]! >> 8) & 0xff) * base + (cpu.regs[R_EAX]! & 0xff)) & 0xff;
  cpu.setReg16(R_EAX, al);
  cpu.ccOp = CC_OP_LOGIC;
  cpu.ccDst = al;
});
