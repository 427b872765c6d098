// Protected-mode and V86 interrupt delivery (SDM vol. 3 6.12-6.13, vol. 2 INT n): same and
// inner privilege frames, the TSS stack switch, gate DPL and IDT limit faults with their error
// codes (EXT set for exceptions), 286 gates, trap vs interrupt gates, and the V86 frame.
import { describe, expect, it } from 'vitest';
import { R_CS, R_DS, R_ES, R_ESP, R_FS, R_GS, R_SS } from '../../../../src/cpu/x86/constants.js';
import { IF_MASK, VM_MASK } from '../../../../src/cpu/x86/flags.js';
import { load, peek16, run } from '../harness.js';
import { GATE_DPL3, GATE_INT16, GATE_INT32, GATE_TRAP32, IDT, SEL_CODE32, STACK0, STUBS, pmMachine, pmVector, setGate, stackDword } from './pm-env.js';

// push 33; push 80000; push 202; push 2b; push r3; iretd; r3: mov ebx, ds; int 0x40; hlt
const RING3_INT40 = [0x6a, 0x33, 0x68, 0x00, 0x00, 0x08, 0x00, 0x68, 0x02, 0x02, 0x00, 0x00, 0x6a, 0x2b, 0x68, 0x14, 0x10, 0x00, 0x00, 0xcf, 0x8c, 0xdb, 0xcd, 0x40, 0xf4];

describe('protected-mode interrupt delivery', () => {
  it('int n from ring 3 through a DPL 3 gate switches to SS0:ESP0 and pushes SS ESP EFLAGS CS EIP', () => {
    const m = pmMachine(RING3_INT40);
    setGate(m, 0x40, STUBS + 0x40, SEL_CODE32, GATE_INT32 | GATE_DPL3);
    run(m);
    const cpu = m.cpu;
    expect(pmVector(m)).toBe(0x40);
    expect(cpu.cpl).toBe(0);
    expect(cpu.segSel[R_SS]).toBe(0x10);
    expect(cpu.regs[R_ESP]! >>> 0).toBe(STACK0 - 20);
    expect([0, 1, 2, 3, 4].map((k) => stackDword(m, k))).toEqual([0x1018, 0x2b, 0x202, 0x80000, 0x33]);
    expect(cpu.eflags & IF_MASK).toBe(0); // interrupt gate
    // The iretd to ring 3 nulled DS (DPL 0 < CPL 3); the handler still sees it null.
    expect(cpu.regs[3]).toBe(0);
    expect(cpu.segSel[R_DS]).toBe(0);
  });

  it('int n from ring 3 through a DPL 0 gate is #GP(vector*8+2), delivered on the ring-0 stack', () => {
    const m = pmMachine(RING3_INT40);
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 0)).toBe(0x40 * 8 + 2);
    expect(stackDword(m, 1)).toBe(0x1016); // the int instruction
    expect(stackDword(m, 2)).toBe(0x2b);
  });

  it('a software int beyond the IDT limit is #GP(vector*8+2)', () => {
    const m = pmMachine([0xcd, 0x40, 0xf4]);
    m.cpu.idt.limit = 0x40 * 8 - 1;
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 0)).toBe(0x202);
  });

  it('an exception through a not-present gate is #NP(vector*8+2+EXT)', () => {
    const m = pmMachine([0x0f, 0x0b]); // ud2
    m.memAs.stb(IDT + 6 * 8 + 5, 0x0e);
    run(m);
    expect(pmVector(m)).toBe(11);
    expect(stackDword(m, 0)).toBe(6 * 8 + 3);
    expect(stackDword(m, 1)).toBe(0x1000);
  });

  it('a 286 interrupt gate ignores the upper offset word and pushes a 16-bit frame', () => {
    const m = pmMachine([0xcd, 0x42, 0xf4]);
    setGate(m, 0x42, 0xabcd0000 | (STUBS + 0x42), SEL_CODE32, GATE_INT16);
    run(m);
    expect(pmVector(m)).toBe(0x42);
    expect(m.cpu.regs[R_ESP]! >>> 0).toBe(STACK0 - 6);
    const sp = STACK0 - 6;
    expect([peek16(m, sp), peek16(m, sp + 2)]).toEqual([0x1002, SEL_CODE32]);
  });

  it('a trap gate leaves IF set; an interrupt gate clears it', () => {
    const m = pmMachine([0xfb, 0xcd, 0x43, 0xf4]); // sti; int 0x43
    setGate(m, 0x43, STUBS + 0x43, SEL_CODE32, GATE_TRAP32);
    run(m);
    expect(pmVector(m)).toBe(0x43);
    expect(m.cpu.eflags & IF_MASK).toBe(IF_MASK);
    const m2 = pmMachine([0xfb, 0xcd, 0x43, 0xf4]);
    run(m2);
    expect(m2.cpu.eflags & IF_MASK).toBe(0);
    expect(stackDword(m2, 2) & IF_MASK).toBe(IF_MASK); // the pushed EFLAGS still has IF
  });
});

// iretd into V86 mode at 0500:0000 with SS:SP 7000:FFF0, DS 1234 and EFLAGS VM|IOPL(iopl)
function v86Machine(iopl: number) {
  const fl = 0x20002 | (iopl << 12);
  const m = pmMachine([
    0x6a, 0x00, 0x6a, 0x00, 0x68, 0x34, 0x12, 0x00, 0x00, 0x6a, 0x00, 0x68, 0x00, 0x70, 0x00, 0x00, 0x68, 0xf0, 0xff, 0x00, 0x00,
    0x68, fl & 0xff, (fl >> 8) & 0xff, (fl >> 16) & 0xff, 0x00, 0x68, 0x00, 0x05, 0x00, 0x00, 0x6a, 0x00, 0xcf,
  ]);
  load(m, 0x5000, [0xcd, 0x44, 0xf4]); // int 0x44; hlt
  setGate(m, 0x44, STUBS + 0x44, SEL_CODE32, GATE_INT32 | GATE_DPL3);
  return m;
}

describe('V86 mode interrupts', () => {
  it('iretd with VM enters V86 mode with real-mode segments at CPL 3', () => {
    const m = v86Machine(3);
    m.interp.run(m.cpu, 10);
    const cpu = m.cpu;
    expect(cpu.eflags & VM_MASK).toBe(VM_MASK);
    expect(cpu.cpl).toBe(3);
    expect(cpu.segSel[R_CS]).toBe(0x500);
    expect(cpu.segBase[R_DS]).toBe(0x12340);
    expect(cpu.eip).toBe(0);
  });

  it('int n at IOPL 3 leaves V86 mode: GS FS DS ES SS ESP EFLAGS CS EIP pushed, data segments nulled', () => {
    const m = v86Machine(3);
    run(m);
    const cpu = m.cpu;
    expect(pmVector(m)).toBe(0x44);
    expect(cpu.eflags & VM_MASK).toBe(0);
    expect(cpu.cpl).toBe(0);
    expect(cpu.regs[R_ESP]! >>> 0).toBe(STACK0 - 36);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => stackDword(m, k))).toEqual([2, 0x500, 0x23002, 0xfff0, 0x7000, 0, 0x1234, 0, 0]);
    for (const s of [R_ES, R_DS, R_FS, R_GS]) expect(cpu.segSel[s]).toBe(0);
  });

  it('int n at IOPL 0 is #GP(0) to the monitor with the V86 frame', () => {
    const m = v86Machine(0);
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 0)).toBe(0);
    expect(stackDword(m, 1)).toBe(0); // IP of the int
    expect(stackDword(m, 2)).toBe(0x500);
  });
});
