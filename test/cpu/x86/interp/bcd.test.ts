// Decimal adjust instructions: daa das aaa aas aam aad, flags per the SDM (QEMU's helpers
// for the undefined ones), and aam 0 raising #DE.
import { describe, expect, it } from 'vitest';
import { CC_MASK } from '../../../../src/cpu/x86/flags.js';
import { flags, haltVector, realMode, run } from '../harness.js';

const Z = 0x40, A = 0x10, P = 0x04, C = 0x01;

describe('bcd', () => {
  it('daa after add, das after sub', () => {
    // mov al, 0x19; add al, 0x28; daa; mov bl, al; sub al, 0x28; das
    const m = realMode([0xb0, 0x19, 0x04, 0x28, 0x27, 0x88, 0xc3, 0x2c, 0x28, 0x2f, 0xf4]);
    run(m);
    expect([m.cpu.regs[3]! & 0xff, m.cpu.regs[0]! & 0xff]).toEqual([0x47, 0x19]);
    expect(flags(m) & CC_MASK).toBe(A);
  });

  it('daa carries out of 99', () => {
    // mov al, 0x99; add al, 1; daa
    const m = realMode([0xb0, 0x99, 0x04, 0x01, 0x27, 0xf4]);
    run(m);
    expect(m.cpu.regs[0]! & 0xff).toBe(0);
    expect(flags(m) & CC_MASK).toBe(C | A | Z | P);
  });

  it('aaa and aas adjust AH', () => {
    // mov ax, 9; add al, 3; aaa; mov bx, ax; mov ax, 0x0203; sub al, 5; aas
    const m = realMode([0xb8, 0x09, 0x00, 0x04, 0x03, 0x37, 0x89, 0xc3, 0xb8, 0x03, 0x02, 0x2c, 0x05, 0x3f, 0xf4]);
    run(m);
    expect([m.cpu.regs[3]! & 0xffff, m.cpu.regs[0]! & 0xffff]).toEqual([0x0102, 0x0108]);
    expect(flags(m) & (A | C)).toBe(A | C);
  });

  it('aam and aad convert between binary and unpacked BCD', () => {
    // mov ax, 0x3f; aam; mov bx, ax; aad
    const m = realMode([0xb8, 0x3f, 0x00, 0xd4, 0x0a, 0x89, 0xc3, 0xd5, 0x0a, 0xf4]);
    run(m);
    expect([m.cpu.regs[3]! & 0xffff, m.cpu.regs[0]! & 0xffff]).toEqual([0x0603, 0x003f]);
    expect(flags(m) & CC_MASK).toBe(P);
  });

  it('aam 0 raises #DE', () => {
    // mov ax, 0x0102; aam 0
    const m = realMode([0xb8, 0x02, 0x01, 0xd4, 0x00, 0xf4]);
    run(m);
    expect(haltVector(m)).toBe(0);
    expect(m.cpu.regs[0]! & 0xffff).toBe(0x0102);
  });
});
