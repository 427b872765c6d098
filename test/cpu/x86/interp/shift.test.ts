// Shifts, rotates and double shifts: results and flags (defined ones from the SDM; OF for
// counts above 1 and AF follow QEMU, which the CC_OP_SHL/SAR model reproduces).
import { describe, expect, it } from 'vitest';
import { CC_MASK } from '../../../../src/cpu/x86/flags.js';
import { flat32, flags, peek32, realMode, run } from '../harness.js';

const O = 0x800, S = 0x80, Z = 0x40, P = 0x04, C = 0x01;

interface Case {
  name: string;
  mode: 16 | 32;
  code: number[];
  value: number;
  fl: number;
  mask?: number;
}

const cases: Case[] = [
  // mov al, 0x81; shl al, 1: CF = old bit 7, OF = MSB(result) xor CF
  { name: 'shl al, 1', mode: 16, code: [0xb0, 0x81, 0xd0, 0xe0, 0xf4], value: 0x02, fl: C | O, mask: 0xff },
  // mov ax, 0x8010; mov cl, 4; shr ax, cl
  { name: 'shr ax, cl', mode: 16, code: [0xb8, 0x10, 0x80, 0xb1, 0x04, 0xd3, 0xe8, 0xf4], value: 0x0801, fl: 0 },
  // mov eax, 0x80000000; sar eax, 31
  { name: 'sar eax, 31', mode: 32, code: [0xb8, 0x00, 0x00, 0x00, 0x80, 0xc1, 0xf8, 0x1f, 0xf4], value: 0xffffffff, fl: S | P },
  // xor ax, ax; mov al, 0x81; rol al, 1: only CF and OF change
  { name: 'rol al, 1 keeps ZF/PF', mode: 16, code: [0x31, 0xc0, 0xb0, 0x81, 0xd0, 0xc0, 0xf4], value: 0x03, fl: Z | P | C | O },
  // mov al, 1; stc; rcr al, 1
  { name: 'rcr al, 1 through CF', mode: 16, code: [0xb0, 0x01, 0xf9, 0xd0, 0xd8, 0xf4], value: 0x80, fl: C | O, mask: 0xff },
  // mov ax, 0x1234; clc; mov cl, 17; rcl ax, cl: 17 mod 17 = 0, nothing changes
  { name: 'rcl ax, 17 is a no-op', mode: 16, code: [0xb8, 0x34, 0x12, 0xf8, 0xb1, 0x11, 0xd3, 0xd0, 0xf4], value: 0x1234, fl: 0 },
  // mov eax, 0x12345678; mov edx, 0x9abcdef0; shld eax, edx, 8
  { name: 'shld eax, edx, 8', mode: 32, code: [0xb8, 0x78, 0x56, 0x34, 0x12, 0xba, 0xf0, 0xde, 0xbc, 0x9a, 0x0f, 0xa4, 0xd0, 0x08, 0xf4], value: 0x3456789a, fl: P },
  // mov ax, 0x1234; mov dx, 0xabcd; shrd ax, dx, 4
  { name: 'shrd ax, dx, 4', mode: 16, code: [0xb8, 0x34, 0x12, 0xba, 0xcd, 0xab, 0x0f, 0xac, 0xd0, 0x04, 0xf4], value: 0xd123, fl: S },
  // mov eax, 5; xor ecx, ecx; stc; shl eax, cl: a zero count changes no flags
  { name: 'count 0 keeps the flags', mode: 32, code: [0xb8, 0x05, 0x00, 0x00, 0x00, 0x31, 0xc9, 0xf9, 0xd3, 0xe0, 0xf4], value: 5, fl: Z | P | C },
];

describe('shift', () => {
  for (const c of cases) {
    it(c.name, () => {
      const m = c.mode === 32 ? flat32(c.code) : realMode(c.code);
      run(m);
      const mask = c.mask ?? (c.mode === 32 ? 0xffffffff : 0xffff);
      expect((m.cpu.regs[0]! & mask) >>> 0).toBe(c.value);
      expect(flags(m) & CC_MASK).toBe(c.fl);
    });
  }

  it('ror on a memory operand', () => {
    // mov dword [0x3000], 0x80000001; ror dword [0x3000], 1
    const m = flat32([0xc7, 0x05, 0x00, 0x30, 0x00, 0x00, 0x01, 0x00, 0x00, 0x80, 0xd1, 0x0d, 0x00, 0x30, 0x00, 0x00, 0xf4]);
    run(m);
    expect(peek32(m, 0x3000)).toBe(0xc0000000);
    expect(flags(m) & CC_MASK).toBe(C);
  });
});
