// Segment register loads in protected mode (SDM vol. 2 MOV/POP/LDS, vol. 3 5.4-5.6): null
// selector rules, type and privilege checks with their error codes, #NP vs #SS for a
// not-present segment, the accessed bit, and faulting loads leaving ESP alone.
import { describe, expect, it } from 'vitest';
import { R_DS, R_ESP, R_FS, R_GS, R_SS } from '../../../../src/cpu/x86/constants.js';
import { peek8, run } from '../harness.js';
import { ATTR_DATA32, GDT, SEL_SPARE, STACK0, pmMachine, pmVector, setDesc, stackDword } from './pm-env.js';

const CODE = 0x1000;

/** Run `code`; expect exception `vec` with error code `err` at code offset `at`. */
function expectFault(code: number[], vec: number, err: number, at: number, setup?: (m: ReturnType<typeof pmMachine>) => void) {
  const m = pmMachine(code);
  setup?.(m);
  run(m);
  expect(pmVector(m)).toBe(vec);
  expect(stackDword(m, 0)).toBe(err);
  expect(stackDword(m, 1)).toBe(CODE + at);
  return m;
}

describe('mov Sw, Ew in protected mode', () => {
  it('loads a data segment, sets its accessed bit; mov r32, Sw zero-extends', () => {
    // mov ax, 0x40; mov ds, ax; mov ebx, -1; mov bx, ds (66 8c db is the 16-bit form)
    const m = pmMachine([0x66, 0xb8, 0x40, 0x00, 0x8e, 0xd8, 0xbb, 0xff, 0xff, 0xff, 0xff, 0x66, 0x8c, 0xdb, 0xf4]);
    setDesc(m, GDT, SEL_SPARE, 0x12345, 0xfff, 0x4092);
    run(m);
    expect(pmVector(m)).toBe(-1);
    expect(m.cpu.segSel[R_DS]).toBe(0x40);
    expect(m.cpu.segBase[R_DS]).toBe(0x12345);
    expect(m.cpu.segLimit[R_DS]).toBe(0xfff);
    expect(m.cpu.regs[3]! >>> 0).toBe(0xffff0040);
    expect(peek8(m, GDT + SEL_SPARE + 5)).toBe(0x93); // accessed
  });

  it('a null selector loads into DS, and a memory access through it is #GP(0)', () => {
    // xor eax, eax; mov ds, ax; mov eax, [0]
    expectFault([0x31, 0xc0, 0x8e, 0xd8, 0xa1, 0x00, 0x00, 0x00, 0x00, 0xf4], 13, 0, 4);
  });

  it('a null selector in SS is #GP(0)', () => {
    expectFault([0x31, 0xc0, 0x8e, 0xd0, 0xf4], 13, 0, 2);
  });

  it('not present: #NP(sel) for ES, #SS(sel) for SS; the accessed bit stays clear', () => {
    const np = (m: ReturnType<typeof pmMachine>) => setDesc(m, GDT, SEL_SPARE, 0, 0xfffff, 0xc012);
    const m1 = expectFault([0x66, 0xb8, 0x40, 0x00, 0x8e, 0xc0, 0xf4], 11, 0x40, 4, np);
    expect(peek8(m1, GDT + SEL_SPARE + 5)).toBe(0x12);
    expectFault([0x66, 0xb8, 0x40, 0x00, 0x8e, 0xd0, 0xf4], 12, 0x40, 4, np);
  });

  it('RPL 3 on a DPL 0 data segment is #GP(sel without RPL)', () => {
    expectFault([0x66, 0xb8, 0x13, 0x00, 0x8e, 0xd8, 0xf4], 13, 0x10, 4);
  });

  it('an LDT selector while LDTR is null is #GP(sel)', () => {
    expectFault([0x66, 0xb8, 0x04, 0x00, 0x8e, 0xe0, 0xf4], 13, 0x04, 4);
  });

  it('execute-only code into FS is #GP; readable code is fine; code into SS is #GP', () => {
    const xo = (m: ReturnType<typeof pmMachine>) => setDesc(m, GDT, 0x18, 0, 0xffff, 0x0098);
    expectFault([0x66, 0xb8, 0x18, 0x00, 0x8e, 0xe0, 0xf4], 13, 0x18, 4, xo);
    const m = pmMachine([0x66, 0xb8, 0x18, 0x00, 0x8e, 0xe0, 0xf4]);
    run(m);
    expect(pmVector(m)).toBe(-1);
    expect(m.cpu.segSel[R_FS]).toBe(0x18);
    expectFault([0x66, 0xb8, 0x18, 0x00, 0x8e, 0xd0, 0xf4], 13, 0x18, 4);
  });

  it('SS needs RPL = DPL = CPL: a DPL 3 data segment from CPL 0 is #GP(sel)', () => {
    expectFault([0x66, 0xb8, 0x33, 0x00, 0x8e, 0xd0, 0xf4], 13, 0x30, 4);
  });

  it('mov ss opens a one-instruction interrupt shadow', () => {
    // mov ax, 0x10; mov ss, ax; hlt — stop right after mov ss to look at the flag
    const m = pmMachine([0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd0, 0xf4]);
    m.interp.run(m.cpu, 2);
    expect(m.cpu.inhibitIrq).toBe(true);
    expect(m.cpu.segSel[R_SS]).toBe(0x10);
  });
});

describe('pop Sw, push Sw, lds', () => {
  it('a faulting pop gs leaves ESP unchanged', () => {
    // push dword 0x48; pop gs  (0x48 is beyond nothing: an empty descriptor -> #GP(0x48))
    const m = expectFault([0x6a, 0x48, 0x0f, 0xa9, 0xf4], 13, 0x48, 2);
    // Frame: err, eip, cs, eflags, then the pushed 0x48 still on the stack.
    expect(stackDword(m, 4)).toBe(0x48);
    expect(m.cpu.regs[R_ESP]! >>> 0).toBe(STACK0 - 4 - 16);
    expect(m.cpu.segSel[R_GS]).toBe(0x10);
  });

  it('push ds with a 32-bit operand moves ESP by 4', () => {
    const m = pmMachine([0x1e, 0x8c, 0xd9, 0xf4]);
    run(m);
    expect(m.cpu.regs[R_ESP]! >>> 0).toBe(STACK0 - 4);
    expect(stackDword(m, 0) & 0xffff).toBe(0x10);
    expect(m.cpu.regs[1]).toBe(0x10);
  });

  it('lds esi, m16:32 loads both, and a bad selector leaves ESI unchanged', () => {
    const code = [0xc7, 0x05, 0x00, 0x05, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12, 0x66, 0xc7, 0x05, 0x04, 0x05, 0x00, 0x00, 0x40, 0x00, 0xc5, 0x35, 0x00, 0x05, 0x00, 0x00, 0xf4];
    const m = pmMachine(code);
    setDesc(m, GDT, SEL_SPARE, 0, 0xfffff, ATTR_DATA32);
    run(m);
    expect(m.cpu.regs[6]).toBe(0x12345678);
    expect(m.cpu.segSel[R_DS]).toBe(0x40);
    const m2 = expectFault(code, 13, 0x40, 19);
    expect(m2.cpu.regs[6]).toBe(0);
  });
});
