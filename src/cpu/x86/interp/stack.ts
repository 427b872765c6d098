// Stack instructions on general registers, immediates and memory: push, pop, pusha/popa,
// enter, leave. The stack pointer is ESP or SP by SS.B, the item size by the operand size.
// Multi-access instructions do every access first and move ESP last, so a fault changes nothing.

import { MMU_DATA_STORE } from '../../../softmmu/tlb-flags.js';
import { R_EBP, R_ESP, R_SS } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { defineHandler } from './handlers.js';
import { ea, readEv } from './operands.js';

/** Wrap a stack offset to the stack size (ESP or SP). */
function wrapSP(cpu: X86CPU, off: number): number {
  return cpu.ss32 ? off >>> 0 : off & 0xffff;
}

function stackRead(cpu: X86CPU, off: number, size: number): number {
  return size === 4 ? cpu.read32(R_SS, off) : cpu.read16(R_SS, off);
}

function stackWrite(cpu: X86CPU, off: number, size: number, v: number): void {
  if (size === 4) cpu.write32(R_SS, off, v);
  else cpu.write16(R_SS, off, v);
}

// push esp pushes the value before the decrement (286 and later): push() reads it first.
defineHandler('push_Zv', (cpu, i) => cpu.push(cpu.regs[i.reg]!, i.opsize));
// pop esp: the popped value wins over the increment.
defineHandler('pop_Zv', (cpu, i) => {
  if (i.opsize === 32) cpu.regs[i.reg] = cpu.pop32();
  else cpu.setReg16(i.reg, cpu.pop16());
});
defineHandler('push_Iz', (cpu, i) => cpu.push(i.imm, i.opsize));
defineHandler('push_Ib', (cpu, i) => cpu.push(i.imm, i.opsize));
// push [esp+n] reads the operand with the old ESP.
defineHandler('push_Ev', (cpu, i) => cpu.push(readEv(cpu, i), i.opsize));

/**
 * pop Ev: the destination address is computed with ESP already incremented (SDM POP), but
 * ESP is committed only after the store, so a faulting store leaves ESP unchanged.
 */
defineHandler('pop_Ev', (cpu, i) => {
  const size = i.opsize === 32 ? 4 : 2;
  const oldEsp = cpu.regs[R_ESP]!;
  const sp = wrapSP(cpu, oldEsp);
  const v = stackRead(cpu, sp, size);
  if (!i.isMem) {
    cpu.setSP(sp + size);
    if (size === 4) cpu.regs[i.rm] = v;
    else cpu.setReg16(i.rm, v);
    return;
  }
  cpu.setSP(sp + size);
  const off = ea(cpu, i);
  cpu.regs[R_ESP] = oldEsp;
  if (size === 4) cpu.write32(i.seg, off, v);
  else cpu.write16(i.seg, off, v);
  cpu.setSP(sp + size);
});

// ---- pusha / popa ----

defineHandler('pusha', (cpu, i) => {
  const size = i.opsize === 32 ? 4 : 2;
  const sp = wrapSP(cpu, cpu.regs[R_ESP]!);
  // EAX first (highest address) ... EDI last; the ESP slot holds the value before pusha.
  for (let r = 0; r < 8; r++) stackWrite(cpu, wrapSP(cpu, sp - (r + 1) * size), size, cpu.regs[r]!);
  cpu.setSP(sp - 8 * size);
});

const popaScratch = new Int32Array(8);
defineHandler('popa', (cpu, i) => {
  const size = i.opsize === 32 ? 4 : 2;
  const sp = wrapSP(cpu, cpu.regs[R_ESP]!);
  for (let r = 7; r >= 0; r--) {
    if (r !== R_ESP) popaScratch[r] = stackRead(cpu, wrapSP(cpu, sp + (7 - r) * size), size);
  }
  for (let r = 0; r < 8; r++) {
    if (r === R_ESP) continue;
    if (size === 4) cpu.regs[r] = popaScratch[r]!;
    else cpu.setReg16(r, popaScratch[r]!);
  }
  cpu.setSP(sp + 8 * size);
});

// ---- enter / leave ----

/**
 * enter imm16, imm8 (SDM ENTER): push EBP, copy level-1 frame pointers from the old frame,
 * push the new frame pointer, set EBP, allocate. EBP takes the whole ESP for a 32-bit operand
 * size even on a 16-bit stack (QEMU keeps EBP's top half there; the SDM does not). Like the
 * hardware, a write at the final stack pointer must be possible (#SS/#PF otherwise).
 */
defineHandler('enter_Iw_Ib', (cpu, i) => {
  const size = i.opsize === 32 ? 4 : 2;
  const alloc = i.imm & 0xffff;
  const level = i.imm2 & 31;
  const esp = cpu.regs[R_ESP]!;
  let sp = wrapSP(cpu, esp - size);
  stackWrite(cpu, sp, size, cpu.regs[R_EBP]!);
  const frameTemp = cpu.ss32 ? sp : (esp & ~0xffff) | sp;
  if (level > 0) {
    let bp = wrapSP(cpu, cpu.regs[R_EBP]!);
    for (let k = 1; k < level; k++) {
      bp = wrapSP(cpu, bp - size);
      const v = stackRead(cpu, bp, size);
      sp = wrapSP(cpu, sp - size);
      stackWrite(cpu, sp, size, v);
    }
    sp = wrapSP(cpu, sp - size);
    stackWrite(cpu, sp, size, frameTemp);
  }
  const final = wrapSP(cpu, sp - alloc);
  cpu.mmu.probe(cpu.linearWrite(R_SS, final, size), MMU_DATA_STORE, cpu.mmuIdx);
  if (size === 4) cpu.regs[R_EBP] = frameTemp;
  else cpu.setReg16(R_EBP, frameTemp);
  cpu.setSP(final);
});

/** leave: ESP (or SP, by stack size) = EBP, then pop EBP with the operand size. */
defineHandler('leave', (cpu, i) => {
  const size = i.opsize === 32 ? 4 : 2;
  const sp = wrapSP(cpu, cpu.regs[R_EBP]!);
  const v = stackRead(cpu, sp, size);
  cpu.setSP(sp + size);
  if (size === 4) cpu.regs[R_EBP] = v;
  else cpu.setReg16(R_EBP, v);
});
