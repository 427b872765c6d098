// mul/imul (1-, 2-, 3-operand) and div/idiv: 64-bit products and dividends, flags after
// multiplication (QEMU's CC_OP_MUL for the undefined ones), #DE on zero and on overflow.
import { describe, expect, it } from 'vitest';
import { CC_MASK } from '../../../../src/cpu/x86/flags.js';
import { flat32, flags, haltVector, realMode, run } from '../harness.js';

const O = 0x800, S = 0x80, Z = 0x40, P = 0x04, C = 0x01;
const u = (v: number) => v >>> 0;

describe('muldiv', () => {
  it('mul r32: full 64-bit product', () => {
    // mov eax, 0xffffffff; mov ecx, 0xfffffffe; mul ecx
    const m = flat32([0xb8, 0xff, 0xff, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xf7, 0xe1, 0xf4]);
    run(m);
    expect([u(m.cpu.regs[2]!), m.cpu.regs[0]]).toEqual([0xfffffffd, 2]);
    expect(flags(m) & CC_MASK).toBe(O | C);
  });

  it('imul r32: signed 64-bit product', () => {
    // mov eax, -3; mov ecx, 0x7fffffff; imul ecx
    const m = flat32([0xb8, 0xfd, 0xff, 0xff, 0xff, 0xb9, 0xff, 0xff, 0xff, 0x7f, 0xf7, 0xe9, 0xf4]);
    run(m);
    expect([u(m.cpu.regs[2]!), u(m.cpu.regs[0]!)]).toEqual([0xfffffffe, 0x80000003]);
    expect(flags(m) & CC_MASK).toBe(O | C | S | P);
  });

  it('mul r8: AX = AL * r8, SF/ZF/PF from AL as QEMU', () => {
    // mov al, 0x10; mov bl, 0x10; mul bl
    const m = realMode([0xb0, 0x10, 0xb3, 0x10, 0xf6, 0xe3, 0xf4]);
    run(m);
    expect(m.cpu.regs[0]! & 0xffff).toBe(0x100);
    expect(flags(m) & CC_MASK).toBe(O | C | Z | P);
  });

  it('imul with two and three operands truncates and flags overflow', () => {
    // mov ecx, -7; imul edx, ecx, 1000; imul dx, cx, byte -2; mov eax, 0x10000; imul eax, eax
    const m = flat32([
      0xb9, 0xf9, 0xff, 0xff, 0xff, 0x69, 0xd1, 0xe8, 0x03, 0x00, 0x00, 0x66, 0x6b, 0xd1, 0xfe, 0xb8, 0x00, 0x00, 0x01, 0x00,
      0x0f, 0xaf, 0xc0, 0xf4,
    ]);
    run(m);
    expect([u(m.cpu.regs[2]!), m.cpu.regs[0]]).toEqual([0xffff000e, 0]);
    expect(flags(m) & CC_MASK).toBe(O | C | Z | P);
  });

  it('div r32 with a 64-bit dividend', () => {
    // mov edx, 0x12345678; mov eax, 0x9abcdef0; mov ecx, 0x87654321; div ecx
    const m = flat32([0xba, 0x78, 0x56, 0x34, 0x12, 0xb8, 0xf0, 0xde, 0xbc, 0x9a, 0xb9, 0x21, 0x43, 0x65, 0x87, 0xf7, 0xf1, 0xf4]);
    run(m);
    expect([u(m.cpu.regs[0]!), u(m.cpu.regs[2]!)]).toEqual([0x226b9022, 0x38bc648e]);
  });

  it('idiv r32 truncates toward zero; the remainder takes the dividend sign', () => {
    // mov edx, -1; mov eax, -100; mov ecx, 7; idiv ecx
    const m = flat32([0xba, 0xff, 0xff, 0xff, 0xff, 0xb8, 0x9c, 0xff, 0xff, 0xff, 0xb9, 0x07, 0x00, 0x00, 0x00, 0xf7, 0xf9, 0xf4]);
    run(m);
    expect([m.cpu.regs[0], m.cpu.regs[2]]).toEqual([-14, -2]);
  });

  it('idiv r8', () => {
    // mov ax, -129; mov bl, 2; idiv bl -> AL = -64, AH = -1
    const m = realMode([0xb8, 0x7f, 0xff, 0xb3, 0x02, 0xf6, 0xfb, 0xf4]);
    run(m);
    expect(m.cpu.regs[0]! & 0xffff).toBe(0xffc0);
  });

  it('div by zero raises #DE and changes nothing', () => {
    // xor bl, bl; mov ax, 5; div bl
    const m = realMode([0x30, 0xdb, 0xb8, 0x05, 0x00, 0xf6, 0xf3, 0xf4]);
    run(m);
    expect(haltVector(m)).toBe(0);
    expect(m.cpu.regs[0]! & 0xffff).toBe(5);
  });

  it('16-bit idiv of 0x80000000 by -1 raises #DE', () => {
    // mov dx, 0x8000; xor ax, ax; mov cx, -1; idiv cx
    const m = realMode([0xba, 0x00, 0x80, 0x31, 0xc0, 0xb9, 0xff, 0xff, 0xf7, 0xf9, 0xf4]);
    run(m);
    expect(haltVector(m)).toBe(0);
    expect([m.cpu.regs[0]! & 0xffff, m.cpu.regs[2]! & 0xffff]).toEqual([0, 0x8000]);
  });
});
