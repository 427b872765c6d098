// Operand access for handlers: effective addresses, E (ModRM r/m) and G (ModRM reg)
// operands of each size, and read-modify-write of a memory destination.

import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';

/** Effective address offset of the memory operand, wrapped to the address size. */
export function ea(cpu: X86CPU, i: Insn): number {
  let a = i.disp;
  if (i.base >= 0) a += cpu.regs[i.base]!;
  if (i.index >= 0) a += cpu.regs[i.index]! << i.scale;
  return i.adsize === 32 ? a >>> 0 : a & 0xffff;
}

export function readE8(cpu: X86CPU, i: Insn): number {
  return i.isMem ? cpu.read8(i.seg, ea(cpu, i)) : cpu.getReg8(i.rm);
}
export function readE16(cpu: X86CPU, i: Insn): number {
  return i.isMem ? cpu.read16(i.seg, ea(cpu, i)) : cpu.regs[i.rm]! & 0xffff;
}
/** As int32. */
export function readE32(cpu: X86CPU, i: Insn): number {
  return i.isMem ? cpu.read32(i.seg, ea(cpu, i)) : cpu.regs[i.rm]!;
}
/** Read E with the instruction's operand size (16 or 32). */
export function readEv(cpu: X86CPU, i: Insn): number {
  return i.opsize === 32 ? readE32(cpu, i) : readE16(cpu, i);
}

export function writeE8(cpu: X86CPU, i: Insn, v: number): void {
  if (i.isMem) cpu.write8(i.seg, ea(cpu, i), v);
  else cpu.setReg8(i.rm, v);
}
export function writeE16(cpu: X86CPU, i: Insn, v: number): void {
  if (i.isMem) cpu.write16(i.seg, ea(cpu, i), v);
  else cpu.setReg16(i.rm, v);
}
export function writeE32(cpu: X86CPU, i: Insn, v: number): void {
  if (i.isMem) cpu.write32(i.seg, ea(cpu, i), v);
  else cpu.regs[i.rm] = v;
}
export function writeEv(cpu: X86CPU, i: Insn, v: number): void {
  if (i.opsize === 32) writeE32(cpu, i, v);
  else writeE16(cpu, i, v);
}

export function readG8(cpu: X86CPU, i: Insn): number {
  return cpu.getReg8(i.reg);
}
export function readGv(cpu: X86CPU, i: Insn): number {
  return i.opsize === 32 ? cpu.regs[i.reg]! : cpu.regs[i.reg]! & 0xffff;
}
export function writeG8(cpu: X86CPU, i: Insn, v: number): void {
  cpu.setReg8(i.reg, v);
}
export function writeGv(cpu: X86CPU, i: Insn, v: number): void {
  if (i.opsize === 32) cpu.regs[i.reg] = v;
  else cpu.setReg16(i.reg, v);
}

/**
 * Read-modify-write of E without closures: rmwRead* checks the segment for writing, reads
 * (a read fault reports a read, as QEMU's load-then-store does), then checks the page(s) for
 * writing before anything changes, so a handler that sets flags and then stores cannot fault
 * half-way; it remembers the linear address in cpu.rmwLin; rmwWrite* stores the result there.
 */
export function rmwRead8(cpu: X86CPU, i: Insn): number {
  if (!i.isMem) return cpu.getReg8(i.rm);
  const lin = cpu.linearWrite(i.seg, ea(cpu, i), 1);
  const v = cpu.ldLin8(lin);
  cpu.rmwLin = cpu.probeWrite(lin, 1);
  return v;
}
export function rmwRead16(cpu: X86CPU, i: Insn): number {
  if (!i.isMem) return cpu.regs[i.rm]! & 0xffff;
  const lin = cpu.linearWrite(i.seg, ea(cpu, i), 2);
  const v = cpu.ldLin16(lin);
  cpu.rmwLin = cpu.probeWrite(lin, 2);
  return v;
}
/** As int32. */
export function rmwRead32(cpu: X86CPU, i: Insn): number {
  if (!i.isMem) return cpu.regs[i.rm]!;
  const lin = cpu.linearWrite(i.seg, ea(cpu, i), 4);
  const v = cpu.ldLin32(lin);
  cpu.rmwLin = cpu.probeWrite(lin, 4);
  return v;
}
export function rmwReadV(cpu: X86CPU, i: Insn): number {
  return i.opsize === 32 ? rmwRead32(cpu, i) : rmwRead16(cpu, i);
}
export function rmwWrite8(cpu: X86CPU, i: Insn, v: number): void {
  if (i.isMem) cpu.stLin8(cpu.rmwLin, v);
  else cpu.setReg8(i.rm, v);
}
export function rmwWrite16(cpu: X86CPU, i: Insn, v: number): void {
  if (i.isMem) cpu.stLin16(cpu.rmwLin, v);
  else cpu.setReg16(i.rm, v);
}
export function rmwWrite32(cpu: X86CPU, i: Insn, v: number): void {
  if (i.isMem) cpu.stLin32(cpu.rmwLin, v);
  else cpu.regs[i.rm] = v;
}
export function rmwWriteV(cpu: X86CPU, i: Insn, v: number): void {
  if (i.opsize === 32) rmwWrite32(cpu, i, v);
  else rmwWrite16(cpu, i, v);
}
