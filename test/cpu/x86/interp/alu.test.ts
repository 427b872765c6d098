// ALU handlers (add or adc sbb and sub xor cmp test inc dec neg not): results and the six
// arithmetic flags, with expected values worked out from the SDM's definitions.
import { describe, expect, it } from 'vitest';
import { CC_MASK } from '../../../../src/cpu/x86/flags.js';
import { flat32, flags, haltVector, peek16, realMode, run } from '../harness.js';

const O = 0x800, S = 0x80, Z = 0x40, A = 0x10, P = 0x04, C = 0x01;

interface Case {
  name: string;
  mode: 16 | 32;
  code: number[];
  reg: number;
  value: number;
  fl: number;
}

const cases: Case[] = [
  // mov eax, 0x7fffffff; add eax, 1
  { name: 'add 7fffffff+1 overflows', mode: 32, code: [0xb8, 0xff, 0xff, 0xff, 0x7f, 0x83, 0xc0, 0x01, 0xf4], reg: 0, value: 0x80000000, fl: O | S | A | P },
  // mov al, 0; sub al, 1
  { name: 'sub 0-1 borrows', mode: 16, code: [0xb0, 0x00, 0x2c, 0x01, 0xf4], reg: 0, value: 0xff, fl: S | A | P | C },
  // stc; mov eax, -1; adc eax, 0
  { name: 'adc carries in', mode: 32, code: [0xf9, 0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xd0, 0x00, 0xf4], reg: 0, value: 0, fl: Z | A | P | C },
  // stc; mov ax, 0; sbb ax, 0
  { name: 'sbb borrows in', mode: 16, code: [0xf9, 0xb8, 0x00, 0x00, 0x83, 0xd8, 0x00, 0xf4], reg: 0, value: 0xffff, fl: S | A | P | C },
  // stc; mov bl, 0x7f; inc bl
  { name: 'inc keeps CF', mode: 16, code: [0xf9, 0xb3, 0x7f, 0xfe, 0xc3, 0xf4], reg: 3, value: 0x80, fl: O | S | A | C },
  // clc; mov cx, 0x8000; dec cx
  { name: 'dec 8000 overflows', mode: 16, code: [0xf8, 0xb9, 0x00, 0x80, 0x49, 0xf4], reg: 1, value: 0x7fff, fl: O | A | P },
  // mov eax, 5; neg eax
  { name: 'neg 5', mode: 32, code: [0xb8, 0x05, 0x00, 0x00, 0x00, 0xf7, 0xd8, 0xf4], reg: 0, value: 0xfffffffb, fl: S | A | C },
  // xor eax, eax; neg eax
  { name: 'neg 0 clears CF', mode: 32, code: [0x31, 0xc0, 0xf7, 0xd8, 0xf4], reg: 0, value: 0, fl: Z | P },
  // mov ax, 0x8000; cmp ax, 1 (ax unchanged)
  { name: 'cmp 8000-1 overflows', mode: 16, code: [0xb8, 0x00, 0x80, 0x83, 0xf8, 0x01, 0xf4], reg: 0, value: 0x8000, fl: O | A | P },
  // mov ecx, 0x10; sub ecx, byte -1 (83 /5 with a sign-extended immediate)
  { name: 'sub sign-extended imm8', mode: 32, code: [0xb9, 0x10, 0x00, 0x00, 0x00, 0x83, 0xe9, 0xff, 0xf4], reg: 1, value: 0x11, fl: A | P | C },
  // mov eax, 0xf0; test al, 0x0f; mov ebx, 0x80000000; test ebx, ebx; not ebx
  { name: 'test then not (no flags)', mode: 32, code: [0xb8, 0xf0, 0x00, 0x00, 0x00, 0xa8, 0x0f, 0xbb, 0x00, 0x00, 0x00, 0x80, 0x85, 0xdb, 0xf7, 0xd3, 0xf4], reg: 3, value: 0x7fffffff, fl: S | P },
  // mov ax, 0x1234; mov dx, 0xff; and ah, dl; or dl, ah; sub ax, dx; add al, 0x80
  { name: 'byte register forms', mode: 16, code: [0xb8, 0x34, 0x12, 0xba, 0xff, 0x00, 0x20, 0xd4, 0x08, 0xe2, 0x29, 0xd0, 0x04, 0x80, 0xf4], reg: 0, value: 0x11b5, fl: S },
];

describe('alu', () => {
  for (const c of cases) {
    it(c.name, () => {
      const m = c.mode === 32 ? flat32(c.code) : realMode(c.code);
      run(m);
      expect(haltVector(m)).toBe(-1);
      const mask = c.mode === 32 ? 0xffffffff : 0xffff;
      expect((m.cpu.regs[c.reg]! & mask) >>> 0).toBe(c.value);
      expect(flags(m) & CC_MASK).toBe(c.fl);
    });
  }

  it('memory destinations read-modify-write in place', () => {
    // mov word [0x2000], 0x1234; mov bx, 0x1111; add [0x2000], bx; or byte [0x2001], 0x80;
    // xor word [0x2000], 0x0f0f; and [0x2000], bh; adc byte [0x2000], 1; cmp word [0x2000], 0x1111
    const m = realMode([
      0xc7, 0x06, 0x00, 0x20, 0x34, 0x12, 0xbb, 0x11, 0x11, 0x01, 0x1e, 0x00, 0x20, 0x80, 0x0e, 0x01, 0x20, 0x80, 0x81, 0x36,
      0x00, 0x20, 0x0f, 0x0f, 0x20, 0x3e, 0x00, 0x20, 0x80, 0x16, 0x00, 0x20, 0x01, 0x81, 0x3e, 0x00, 0x20, 0x11, 0x11, 0xf4,
    ]);
    run(m);
    expect(peek16(m, 0x2000)).toBe(0xac01);
    expect(flags(m) & CC_MASK).toBe(S | P);
  });

  it('a write beyond the segment limit faults before anything changes', () => {
    // mov bx, 0xffff; add word [bx], 1 -> #GP (real-mode limit 0xffff); bx, flags unchanged
    const m = realMode([0xbb, 0xff, 0xff, 0xf9, 0x83, 0x07, 0x01, 0xf4]);
    run(m);
    expect(haltVector(m)).toBe(13);
    expect(flags(m) & C).toBe(C);
  });
});
