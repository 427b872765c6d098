// A protected-mode environment for the system-instruction tests, on top of the shared harness:
// a GDT laid out like roms/src/lib/pm.inc, an IDT whose every gate leads to a one-byte `hlt`
// stub (so a test sees which vector fired and the frame it pushed), and a 32-bit TSS with a
// ring-0 stack and an all-allowed I/O bitmap.

import { R_CS, R_ESP } from '../../../../src/cpu/x86/constants.js';
import { flat32, load, peek32, type Machine } from '../harness.js';

export const GDT = 0x800;
export const IDT = 0x2000;
export const TSS = 0x3000;
export const IOMAP_OFF = 0x68;
export const TSS_LIMIT = IOMAP_OFF + 0x2000; // bitmap for 64K ports plus the 0xff terminator
export const STUBS = 0x6000;
export const TSS2 = 0x8000;
export const LDT = 0x9000;
export const STACK0 = 0x90000;
export const STACK3 = 0x80000;

export const SEL_CODE32 = 0x08;
export const SEL_DATA32 = 0x10;
export const SEL_CODE16 = 0x18;
export const SEL_DATA16 = 0x20;
export const SEL_CODE32_R3 = 0x2b;
export const SEL_DATA32_R3 = 0x33;
export const SEL_TSS = 0x38;
/** First free GDT slot. */
export const SEL_SPARE = 0x40;

// Descriptor attribute words as pm.inc writes them: access byte | (G D/B L AVL) << 12.
export const ATTR_CODE32 = 0xc09a;
export const ATTR_DATA32 = 0xc092;
export const ATTR_CODE16 = 0x009a;
export const ATTR_DATA16 = 0x0092;
export const ATTR_TSS32 = 0x0089;
export const ATTR_TSS16 = 0x0081;
export const ATTR_LDT = 0x0082;
export const ATTR_DPL3 = 0x0060;

export const GATE_INT32 = 0x8e;
export const GATE_TRAP32 = 0x8f;
export const GATE_INT16 = 0x86;
export const GATE_TASK = 0x85;
export const GATE_DPL3 = 0x60;

/** Write a segment or system descriptor at `table` + (sel & ~7). */
export function setDesc(m: Machine, table: number, sel: number, base: number, limit: number, attr: number): void {
  const a = table + (sel & 0xfff8);
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | ((attr & 0xf000) << 8) | (limit & 0xf0000) | ((attr & 0xff) << 8) | ((base >>> 16) & 0xff);
  m.memAs.stl(a, lo >>> 0);
  m.memAs.stl(a + 4, hi >>> 0);
}

/** Write an IDT gate: offset, selector, type byte (P DPL 0 type). */
export function setGate(m: Machine, vec: number, offset: number, sel: number, type: number): void {
  const a = IDT + vec * 8;
  m.memAs.stl(a, (((sel & 0xffff) << 16) | (offset & 0xffff)) >>> 0);
  m.memAs.stl(a + 4, ((offset & 0xffff0000) | ((type & 0xff) << 8)) >>> 0);
}

/** Write a call gate descriptor in the GDT. */
export function setCallGate(m: Machine, sel: number, offset: number, target: number, params: number, type: number): void {
  const a = GDT + (sel & 0xfff8);
  m.memAs.stl(a, (((target & 0xffff) << 16) | (offset & 0xffff)) >>> 0);
  m.memAs.stl(a + 4, ((offset & 0xffff0000) | ((type & 0xff) << 8) | (params & 0x1f)) >>> 0);
}

/**
 * Flat 32-bit protected mode at CPL 0 with real tables: code at CODE_BASE, ESP = STACK0,
 * every IDT vector an interrupt gate to its hlt stub, TR loaded (busy) with SS0:ESP0 = 10:STACK0.
 */
export function pmMachine(code: ArrayLike<number>): Machine {
  const m = flat32(code);
  const cpu = m.cpu;
  setDesc(m, GDT, SEL_CODE32, 0, 0xfffff, ATTR_CODE32 | 0x01); // accessed
  setDesc(m, GDT, SEL_DATA32, 0, 0xfffff, ATTR_DATA32 | 0x01);
  setDesc(m, GDT, SEL_CODE16, 0, 0xffff, ATTR_CODE16);
  setDesc(m, GDT, SEL_DATA16, 0, 0xffff, ATTR_DATA16);
  setDesc(m, GDT, SEL_CODE32_R3, 0, 0xfffff, ATTR_CODE32 | ATTR_DPL3);
  setDesc(m, GDT, SEL_DATA32_R3, 0, 0xfffff, ATTR_DATA32 | ATTR_DPL3);
  setDesc(m, GDT, SEL_TSS, TSS, TSS_LIMIT, ATTR_TSS32 | 0x02); // busy: TR holds it
  cpu.gdt.base = GDT;
  cpu.gdt.limit = 64 * 8 - 1;
  for (let v = 0; v < 256; v++) {
    m.memAs.stb(STUBS + v, 0xf4);
    setGate(m, v, STUBS + v, SEL_CODE32, GATE_INT32);
  }
  cpu.idt.base = IDT;
  cpu.idt.limit = 256 * 8 - 1;
  m.memAs.stl(TSS + 4, STACK0);
  m.memAs.stl(TSS + 8, SEL_DATA32);
  m.memAs.stw(TSS + 0x66, IOMAP_OFF);
  m.memAs.stb(TSS + TSS_LIMIT, 0xff);
  cpu.tr.selector = SEL_TSS;
  cpu.tr.base = TSS;
  cpu.tr.limit = TSS_LIMIT;
  cpu.tr.flags = 0x8b00;
  cpu.ldt.selector = 0;
  cpu.ldt.base = 0;
  cpu.ldt.limit = 0;
  cpu.regs[R_ESP] = STACK0;
  return m;
}

/** The vector whose stub halted the CPU, or -1 if the test code's own hlt did. */
export function pmVector(m: Machine): number {
  const cpu = m.cpu;
  const v = cpu.eip - 1 - STUBS;
  return cpu.segSel[R_CS] === SEL_CODE32 && v >= 0 && v < 256 ? v : -1;
}

/** The dword `k` slots above ESP (frame inspection after an exception). */
export function stackDword(m: Machine, k: number): number {
  return peek32(m, (m.cpu.regs[R_ESP]! >>> 0) + 4 * k);
}

export { load };
