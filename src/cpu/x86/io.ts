// Port I/O instructions: in/out with an immediate or DX port in 8/16/32 bits, and ins/outs
// with rep. In protected mode at CPL > IOPL, and always in V86 mode, the TSS I/O permission
// bitmap decides (QEMU's check_io): every bit of the accessed ports must be clear.

import { EXCP0D_GPF, R_ECX, R_EDI, R_EDX, R_ES, R_ESI } from './constants.js';
import type { X86CPU } from './cpu.js';
import type { Insn } from './decoder/index.js';
import { iopl } from './flags-sys.js';
import { DF_MASK } from './flags.js';
import { defineHandler } from './interp/handlers.js';

/** #GP(0) unless the current privilege may access `size` bytes at `port`. */
export function checkIo(cpu: X86CPU, port: number, size: number): void {
  if (!cpu.pe || (!cpu.vm86 && cpu.cpl <= iopl(cpu))) return;
  const tr = cpu.tr;
  const type = (tr.flags >> 8) & 0xf;
  // Only a 32-bit TSS (available or busy) has a bitmap.
  if ((type & 0xd) !== 9 || tr.limit < 103) cpu.raise(EXCP0D_GPF, 0);
  const off = cpu.ldKernel16(tr.base + 0x66) + (port >> 3);
  // Two bytes are read so an access that straddles a bitmap byte is covered.
  if (off + 1 > tr.limit) cpu.raise(EXCP0D_GPF, 0);
  const bits = cpu.ldKernel16(tr.base + off) >> (port & 7);
  if (bits & ((1 << size) - 1)) cpu.raise(EXCP0D_GPF, 0);
}

function portSize(i: Insn, byteForm: boolean): number {
  return byteForm ? 1 : i.opsize >> 3;
}

function doIn(cpu: X86CPU, port: number, size: number): void {
  checkIo(cpu, port, size);
  const v = cpu.portIn(port, size);
  if (size === 1) cpu.setReg8(0, v);
  else if (size === 2) cpu.setReg16(0, v);
  else cpu.regs[0] = v;
}

function doOut(cpu: X86CPU, port: number, size: number): void {
  checkIo(cpu, port, size);
  cpu.portOut(port, cpu.regs[0]!, size);
}

defineHandler('in_AL_Ib', (cpu, i) => doIn(cpu, i.imm & 0xff, 1));
defineHandler('in_eAX_Ib', (cpu, i) => doIn(cpu, i.imm & 0xff, portSize(i, false)));
defineHandler('in_AL_DX', (cpu) => doIn(cpu, cpu.regs[R_EDX]! & 0xffff, 1));
defineHandler('in_eAX_DX', (cpu, i) => doIn(cpu, cpu.regs[R_EDX]! & 0xffff, portSize(i, false)));
defineHandler('out_Ib_AL', (cpu, i) => doOut(cpu, i.imm & 0xff, 1));
defineHandler('out_Ib_eAX', (cpu, i) => doOut(cpu, i.imm & 0xff, portSize(i, false)));
defineHandler('out_DX_AL', (cpu) => doOut(cpu, cpu.regs[R_EDX]! & 0xffff, 1));
defineHandler('out_DX_eAX', (cpu, i) => doOut(cpu, cpu.regs[R_EDX]! & 0xffff, portSize(i, false)));

/** Read the index register (SI/ESI or DI/EDI) in the address size. */
function idx(cpu: X86CPU, i: Insn, r: number): number {
  return i.adsize === 32 ? cpu.regs[r]! >>> 0 : cpu.regs[r]! & 0xffff;
}

function stepIdx(cpu: X86CPU, i: Insn, r: number, size: number): void {
  const d = cpu.eflags & DF_MASK ? -size : size;
  if (i.adsize === 32) cpu.regs[r] = (cpu.regs[r]! + d) | 0;
  else cpu.setReg16(r, cpu.regs[r]! + d);
}

function count(cpu: X86CPU, i: Insn): number {
  return i.adsize === 32 ? cpu.regs[R_ECX]! >>> 0 : cpu.regs[R_ECX]! & 0xffff;
}

/**
 * Iterations to run in this handler call: one. A rep ins/outs runs again with EIP still on
 * the instruction until ECX is 0 (see repYield), so each iteration retires as an instruction,
 * as QEMU counts it: guest time moves with every port access, interrupts are taken between
 * iterations and budgets end. Running all of ECX (up to 2^32-1 port accesses) in one call
 * hung the host with no instruction retiring; even a memory rep's REP_CHUNK of port accesses
 * would make one instruction cost a millisecond of host time.
 */
function repIterations(cpu: X86CPU, i: Insn): number {
  return i.rep && count(cpu, i) === 0 ? 0 : 1;
}

/**
 * Not finished: the instruction runs again (pending interrupts are taken in between). Finished
 * by an iteration (`ran`): QEMU's icount counts one more step, the one that finds ECX = 0
 * (string.ts), and the rep ends a QEMU TB (cpu.markTbEnd).
 */
function repYield(cpu: X86CPU, i: Insn, ran: number): void {
  if (!i.rep) return;
  if (count(cpu, i) !== 0) {
    cpu.nextEip = i.eip;
    return;
  }
  if (ran) cpu.icount++;
  cpu.markTbEnd();
}

function decCount(cpu: X86CPU, i: Insn): void {
  if (i.adsize === 32) cpu.regs[R_ECX] = (cpu.regs[R_ECX]! - 1) | 0;
  else cpu.setReg16(R_ECX, cpu.regs[R_ECX]! - 1);
}

/**
 * ins: port to ES:(E)DI (no segment override). Each iteration commits its register updates,
 * so a fault mid-way leaves a restartable state, as a rep string instruction does.
 */
function ins(cpu: X86CPU, i: Insn, size: number): void {
  const port = cpu.regs[R_EDX]! & 0xffff;
  checkIo(cpu, port, size);
  const ran = repIterations(cpu, i);
  let n = ran;
  while (n > 0) {
    // Check the destination before reading the port, so a segment fault loses no data.
    const lin = cpu.linearWrite(R_ES, idx(cpu, i, R_EDI), size);
    const v = cpu.portIn(port, size);
    if (size === 1) cpu.stLin8(lin, v);
    else if (size === 2) cpu.stLin16(lin, v);
    else cpu.stLin32(lin, v);
    stepIdx(cpu, i, R_EDI, size);
    if (i.rep) decCount(cpu, i);
    n--;
  }
  repYield(cpu, i, ran);
}

/** outs: DS:(E)SI (segment overridable) to the port. */
function outs(cpu: X86CPU, i: Insn, size: number): void {
  const port = cpu.regs[R_EDX]! & 0xffff;
  checkIo(cpu, port, size);
  const ran = repIterations(cpu, i);
  let n = ran;
  while (n > 0) {
    const off = idx(cpu, i, R_ESI);
    const v = size === 1 ? cpu.read8(i.seg, off) : size === 2 ? cpu.read16(i.seg, off) : cpu.read32(i.seg, off);
    cpu.portOut(port, v, size);
    stepIdx(cpu, i, R_ESI, size);
    if (i.rep) decCount(cpu, i);
    n--;
  }
  repYield(cpu, i, ran);
}

defineHandler('ins_Yb_DX', (cpu, i) => ins(cpu, i, 1));
defineHandler('ins_Yz_DX', (cpu, i) => ins(cpu, i, i.opsize >> 3));
defineHandler('outs_DX_Xb', (cpu, i) => outs(cpu, i, 1));
defineHandler('outs_DX_Xz', (cpu, i) => outs(cpu, i, i.opsize >> 3));
