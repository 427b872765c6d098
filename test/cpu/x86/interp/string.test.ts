// String instructions: rep movs both directions, repe cmps / repne scas termination, lods with
// a segment override, rep with a zero count, a fault mid-rep (registers show the iterations
// done, EIP at the instruction) and the yield every REP_CHUNK iterations.
import { describe, expect, it } from 'vitest';
import { REP_CHUNK } from '../../../../src/cpu/x86/interp/string.js';
import { flat32, flags, haltVector, peek16, peek32, peek8, poke32, realMode, run } from '../harness.js';

const Z = 0x40;

describe('string', () => {
  it('rep movsb forward and rep movsw backward', () => {
    // mov si, 0x2000; mov di, 0x3000; mov cx, 5; rep movsb; std; mov si, 0x2003; mov di, 0x4003;
    // mov cx, 2; rep movsw; cld
    const m = realMode([
      0xbe, 0x00, 0x20, 0xbf, 0x00, 0x30, 0xb9, 0x05, 0x00, 0xf3, 0xa4, 0xfd, 0xbe, 0x03, 0x20, 0xbf, 0x03, 0x40, 0xb9, 0x02,
      0x00, 0xf3, 0xa5, 0xfc, 0xf4,
    ]);
    poke32(m, 0x2000, 0x04030201);
    poke32(m, 0x2004, 0x08070605);
    run(m);
    expect([peek32(m, 0x3000), peek8(m, 0x3004), peek8(m, 0x3005)]).toEqual([0x04030201, 5, 0]);
    expect([peek32(m, 0x4000), peek8(m, 0x4004)]).toEqual([0x04030200, 5]);
    expect([m.cpu.regs[6]! & 0xffff, m.cpu.regs[7]! & 0xffff, m.cpu.regs[1]! & 0xffff]).toEqual([0x1fff, 0x3fff, 0]);
  });

  it('repe cmpsb stops at a difference, repne scasb at a match', () => {
    // mov si, 0x2000; mov di, 0x3000; mov cx, 8; repe cmpsb; mov bx, cx; mov di, 0x3000;
    // mov al, 0x55; mov cx, 8; repne scasb
    const m = realMode([
      0xbe, 0x00, 0x20, 0xbf, 0x00, 0x30, 0xb9, 0x08, 0x00, 0xf3, 0xa6, 0x89, 0xcb, 0xbf, 0x00, 0x30, 0xb0, 0x55, 0xb9, 0x08,
      0x00, 0xf2, 0xae, 0xf4,
    ]);
    poke32(m, 0x2000, 0x04030201);
    poke32(m, 0x2004, 0x08070605);
    poke32(m, 0x3000, 0xff030201);
    poke32(m, 0x3004, 0x00005500);
    run(m);
    expect(m.cpu.regs[3]! & 0xffff).toBe(4);
    expect([m.cpu.regs[1]! & 0xffff, m.cpu.regs[7]! & 0xffff]).toEqual([2, 0x3006]);
    expect(flags(m) & Z).toBe(Z);
  });

  it('lodsd, fs lodsw, rep stosd; rep with ECX = 0 does nothing', () => {
    // mov esi, 0x2000; lodsd; mov ebx, eax; fs lodsw; mov edi, 0x3000; mov ecx, 3; rep stosd;
    // xor ecx, ecx; rep movsb
    const m = flat32([
      0xbe, 0x00, 0x20, 0x00, 0x00, 0xad, 0x89, 0xc3, 0x64, 0x66, 0xad, 0xbf, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x03, 0x00, 0x00,
      0x00, 0xf3, 0xab, 0x31, 0xc9, 0xf3, 0xa4, 0xf4,
    ]);
    poke32(m, 0x2000, 0x11223344);
    poke32(m, 0x2004, 0x77665566);
    run(m);
    const r = m.cpu.regs;
    expect([r[3], r[0], r[6], r[7]]).toEqual([0x11223344, 0x11225566, 0x2006, 0x300c]);
    expect([peek32(m, 0x3000), peek32(m, 0x3008), peek32(m, 0x300c)]).toEqual([0x11225566, 0x11225566, 0]);
  });

  it('a fault mid-rep keeps the iterations done and restarts at the prefix', () => {
    // mov edi, 0xfffe; mov ecx, 4; mov al, 0xab; a32 rep stosb -> #GP at offset 0x10000
    const m = realMode([0x66, 0xbf, 0xfe, 0xff, 0x00, 0x00, 0x66, 0xb9, 0x04, 0x00, 0x00, 0x00, 0xb0, 0xab, 0xf3, 0x67, 0xaa, 0xf4]);
    run(m);
    expect(haltVector(m)).toBe(13);
    expect([m.cpu.regs[7], m.cpu.regs[1]]).toEqual([0x10000, 2]);
    expect([peek8(m, 0xfffe), peek8(m, 0xffff)]).toEqual([0xab, 0xab]);
    expect(peek16(m, 0x8000 - 6)).toBe(0x0e); // pushed IP: the rep prefix
  });

  it('a long rep yields with EIP at the instruction every REP_CHUNK iterations, each one an instruction', () => {
    // mov cx, 10000; mov di, 0x2000; rep stosb
    const m = realMode([0xb9, 0x10, 0x27, 0xbf, 0x00, 0x20, 0xf3, 0xaa, 0xf4]);
    m.interp.run(m.cpu, 2 + 2 * REP_CHUNK);
    expect(m.cpu.eip).toBe(6);
    expect(m.cpu.regs[1]! & 0xffff).toBe(10000 - 2 * REP_CHUNK);
    expect(m.cpu.icount).toBe(2 + 2 * REP_CHUNK);
    run(m);
    expect([m.cpu.regs[1]! & 0xffff, m.cpu.regs[7]! & 0xffff]).toEqual([0, 0x2000 + 10000]);
    // QEMU's icount: one per iteration, one for the step that finds CX = 0, then hlt.
    expect(m.cpu.icount).toBe(2 + 10000 + 1 + 1);
  });

  it('a rep stops at the end of the engine slice, so timers are not late', () => {
    const m = realMode([0xb9, 0x10, 0x27, 0xbf, 0x00, 0x20, 0xf3, 0xaa, 0xf4]);
    m.interp.run(m.cpu, 7);
    expect([m.cpu.eip, m.cpu.icount, m.cpu.regs[1]! & 0xffff]).toEqual([6, 7, 10000 - 5]);
  });

  it('a fault in a rep iteration counts the iterations before it', () => {
    // As above: two iterations retire, the third faults; the stub's hlt then retires too.
    const m = realMode([0x66, 0xbf, 0xfe, 0xff, 0x00, 0x00, 0x66, 0xb9, 0x04, 0x00, 0x00, 0x00, 0xb0, 0xab, 0xf3, 0x67, 0xaa, 0xf4]);
    run(m);
    expect(haltVector(m)).toBe(13);
    expect([m.cpu.icount, m.cpu.deliveries]).toEqual([3 + 2 + 1, 1]);
  });
});
