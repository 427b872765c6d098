// Test harness for the x86 interpreter: a bare CPU over 2 MiB of RAM and an empty I/O space,
// code loaded at a physical address, real mode or flat 32-bit protected mode, run to `hlt`.
// Real-mode exceptions land in one-byte `hlt` stubs so a test can see which vector fired
// (the stub's hlt retires, so EIP ends one past the vector number).

import { MemoryRegion, MemorySystem, type AddressSpace } from '../../../src/memory/index.js';
import { X86CPU } from '../../../src/cpu/x86/cpu.js';
import { x86TlbFill } from '../../../src/cpu/x86/paging.js';
import { Interpreter } from '../../../src/cpu/x86/interp/index.js';
import {
  CR0_PE_MASK,
  DESC_A_MASK,
  DESC_B_MASK,
  DESC_CS_MASK,
  DESC_G_MASK,
  DESC_P_MASK,
  DESC_R_MASK,
  DESC_S_MASK,
  DESC_W_MASK,
  R_CS,
  R_ESP,
} from '../../../src/cpu/x86/constants.js';

export const RAM_SIZE = 2 * 1024 * 1024;
/** Real-mode exception stubs: vector v's handler is the `hlt` at STUB_SEG:v. */
export const STUB_SEG = 0x0050;
/** Where test code goes by default (real mode: CS=0x0100, IP=0). */
export const CODE_BASE = 0x1000;

export interface Machine {
  sys: MemorySystem;
  memAs: AddressSpace;
  ioAs: AddressSpace;
  ram: MemoryRegion;
  cpu: X86CPU;
  interp: Interpreter;
}

export function makeMachine(): Machine {
  const sys = new MemorySystem();
  const system = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const ram = MemoryRegion.ram(sys, null, 'pc.ram', RAM_SIZE);
  system.addSubregion(0, ram);
  const io = MemoryRegion.container(sys, null, 'io', 0x10000);
  const memAs = sys.newAddressSpace(system, 'memory');
  const ioAs = sys.newAddressSpace(io, 'I/O');
  const cpu = new X86CPU(sys, memAs, ioAs);
  cpu.mmu.fill = (v, a, m) => x86TlbFill(cpu, v, a, m);
  const m: Machine = { sys, memAs, ioAs, ram, cpu, interp: new Interpreter() };
  // IVT: every vector points at its own hlt stub.
  for (let v = 0; v < 256; v++) {
    memAs.stw(v * 4, v);
    memAs.stw(v * 4 + 2, STUB_SEG);
    memAs.stb(STUB_SEG * 16 + v, 0xf4);
  }
  return m;
}

export function load(m: Machine, phys: number, bytes: ArrayLike<number>): void {
  for (let k = 0; k < bytes.length; k++) m.memAs.stb(phys + k, bytes[k]!);
}

export function poke32(m: Machine, phys: number, v: number): void {
  m.memAs.stl(phys, v >>> 0);
}
export function peek8(m: Machine, phys: number): number {
  return m.memAs.ldub(phys);
}
export function peek16(m: Machine, phys: number): number {
  return m.memAs.lduw(phys);
}
export function peek32(m: Machine, phys: number): number {
  return m.memAs.ldl(phys) >>> 0;
}

/** Real mode: code at CODE_BASE run as CS=CODE_BASE>>4, IP=0; DS=ES=SS=0, SP=0x8000, other registers 0. */
export function realMode(code: ArrayLike<number>): Machine {
  const m = makeMachine();
  load(m, CODE_BASE, code);
  const cpu = m.cpu;
  cpu.loadSegReal(R_CS, CODE_BASE >> 4);
  for (const s of [0, 2, 3, 4, 5]) cpu.loadSegReal(s, 0);
  cpu.eip = 0;
  cpu.regs.fill(0); // not EDX = CPU signature as at reset: tests start from zeros
  cpu.regs[R_ESP] = 0x8000;
  return m;
}

/** Flat 32-bit protected mode (segment caches loaded directly, no GDT): code at CODE_BASE, ESP=0x80000, other registers 0. */
export function flat32(code: ArrayLike<number>): Machine {
  const m = makeMachine();
  load(m, CODE_BASE, code);
  const cpu = m.cpu;
  cpu.cr0 |= CR0_PE_MASK;
  const common = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK | DESC_G_MASK | DESC_B_MASK;
  cpu.loadSegCache(R_CS, 0x08, 0, 0xffffffff, common | DESC_CS_MASK | DESC_R_MASK);
  for (const s of [0, 2, 3, 4, 5]) cpu.loadSegCache(s, 0x10, 0, 0xffffffff, common | DESC_W_MASK);
  cpu.updateAllSegAccess();
  cpu.updateMmuIdx();
  cpu.eip = CODE_BASE;
  cpu.regs.fill(0);
  cpu.regs[R_ESP] = 0x80000;
  return m;
}

/** Run until the CPU halts; throws if `limit` instructions pass first. Returns the count executed. */
export function run(m: Machine, limit = 100_000): number {
  const cpu = m.cpu;
  const start = cpu.icount;
  m.interp.run(cpu, limit);
  if (!cpu.halted) throw new Error(`no hlt after ${limit} instructions (cs:eip ${cpu.segSel[R_CS]!.toString(16)}:${cpu.eip.toString(16)})`);
  return cpu.icount - start;
}

/** The real-mode exception vector that stopped the run, or -1 when the test code's own hlt did. */
export function haltVector(m: Machine): number {
  return m.cpu.segSel[R_CS] === STUB_SEG ? m.cpu.eip - 1 : -1;
}

/** EFLAGS with the arithmetic flags computed. */
export function flags(m: Machine): number {
  return m.cpu.getEflags();
}
