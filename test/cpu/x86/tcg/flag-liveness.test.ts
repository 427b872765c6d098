// Dead-flag elimination in the translator: which flags are live after each instruction of a
// block, and, on real code, that skipping dead flag work changes nothing either engine can
// see: the flags at the end of a loop, and the EFLAGS a page fault pushes mid-block.

import { describe, expect, it } from 'vitest';
import { CR0_PG_MASK, R_ESP } from '../../../../src/cpu/x86/constants.js';
import { CC_C, CC_MASK, CC_O } from '../../../../src/cpu/x86/flags.js';
import { flagsLiveAfter } from '../../../../src/cpu/x86/tcg/flag-liveness.js';
import type { BlockInsn } from '../../../../src/cpu/x86/tcg/codegen.js';
import { dec } from '../decoder/bytes-reader.js';
import { peek32, type Machine } from '../harness.js';
import { pmMachine, pmVector } from '../system/pm-env.js';
import { bothEngines } from './both-engines.js';

/** Decode consecutive instructions (32-bit code at 0) into a block. */
function block(...insns: number[][]): BlockInsn[] {
  let eip = 0;
  return insns.map((bytes) => {
    const insn = dec(bytes, true, eip);
    const b = { insn, eip, nextEip: eip + insn.len };
    eip += insn.len;
    return b;
  });
}

const IMUL = [0x69, 0xdb, 0x0d, 0x66, 0x19, 0x00]; // imul ebx, ebx, 1664525
const ADD = [0x81, 0xc3, 0x5f, 0xf3, 0x6e, 0x3c]; // add ebx, 1013904223
const MOV = [0x89, 0xdf]; // mov edi, ebx
const SHR = [0xc1, 0xef, 0x04]; // shr edi, 4
const AND = [0x81, 0xe7, 0xfc, 0xff, 0xff, 0x03]; // and edi, 0x3fffffc
const LOAD = [0x8b, 0x87, 0x00, 0x00, 0x00, 0x40]; // mov eax, [edi + 0x40000000]
const XOR = [0x31, 0xc6]; // xor esi, eax
const ROL = [0xd1, 0xc6]; // rol esi, 1
const DEC = [0x49]; // dec ecx
const JNZ = [0x75, 0x00]; // jnz

describe('flag liveness', () => {
  it("bench-paging's loop: imul, add and shr feed nothing; xor feeds nothing past rol; rol feeds only CF to dec", () => {
    const live = flagsLiveAfter(block(IMUL, ADD, MOV, SHR, AND, LOAD, XOR, ROL, DEC, JNZ));
    expect(live).toEqual([0, 0, 0, 0, CC_MASK, CC_MASK, 0, CC_C, CC_MASK, CC_MASK]);
  });

  it('an instruction that may fault or exit sees every flag, before and after it', () => {
    const push = [0x50]; // push eax: a store
    expect(flagsLiveAfter(block(IMUL, push, ADD, JNZ))).toEqual([CC_MASK, CC_MASK, CC_MASK, CC_MASK]);
    const rep = [0xf3, 0xa4]; // rep movsb
    expect(flagsLiveAfter(block(ADD, rep, XOR, JNZ))).toEqual([CC_MASK, CC_MASK, CC_MASK, CC_MASK]);
  });

  it('rotates and shifts by 0 are transparent; a shift by CL is not a known writer', () => {
    const rol0 = [0xc1, 0xc6, 0x20]; // rol esi, 32: count 0 mod 32
    expect(flagsLiveAfter(block(IMUL, rol0, ADD, JNZ))[0]).toBe(0);
    const shlCl = [0xd3, 0xe6]; // shl esi, cl: a count of 0 keeps the flags
    expect(flagsLiveAfter(block(IMUL, shlCl, ADD, JNZ))[0]).toBe(CC_MASK);
  });
});

/** Pages 0..511 identity-mapped by a page directory at 0x10000, except `absent`. */
function withPaging(m: Machine, absent: number): Machine {
  const pd = 0x10000;
  const pt = 0x11000;
  m.memAs.stl(pd, pt | 3);
  for (let p = 0; p < 512; p++) m.memAs.stl(pt + p * 4, p * 4096 === absent ? 0 : ((p * 4096) | 3) >>> 0);
  m.cpu.cr3 = pd;
  m.cpu.cr0 |= CR0_PG_MASK;
  m.cpu.updateMmuIdx();
  m.cpu.mmu.tlb.flushAll();
  return m;
}

describe('dead flags skipped, nothing visible changes', () => {
  // mov ebx, 0x12345678; mov ecx, 1000; L: imul ebx, ebx, 1664525; add ebx, 1013904223;
  // mov edi, ebx; shr edi, 20; and edi, 0xffc; mov eax, [edi + 0x4000]; xor esi, eax; rol esi, 1;
  // dec ecx; jnz L; imul ebx, ebx, 7; mov eax, [0x5000] (absent: #PF); add ebx, 3; rol esi, 3; hlt.
  // imul's flags are overwritten by add, but the load between may fault and push them.
  const loop = [0x69, 0xdb, 0x0d, 0x66, 0x19, 0x00, 0x81, 0xc3, 0x5f, 0xf3, 0x6e, 0x3c, 0x89, 0xdf, 0xc1, 0xef, 0x14, 0x81, 0xe7, 0xfc, 0x0f, 0, 0];
  loop.push(0x8b, 0x87, 0x00, 0x40, 0x00, 0x00, 0x31, 0xc6, 0xd1, 0xc6, 0x49);
  const code = [0xbb, 0x78, 0x56, 0x34, 0x12, 0xb9, 0xe8, 0x03, 0, 0, ...loop, 0x75, (-(loop.length + 2)) & 0xff];
  code.push(0x6b, 0xdb, 0x07, 0xa1, 0x00, 0x50, 0x00, 0x00, 0x83, 0xc3, 0x03, 0xc1, 0xc6, 0x03, 0xf4);

  // bothEngines requires equal registers, EFLAGS, CR2 and RAM (the fault frame) on both engines.
  it('a 1000-iteration loop then a #PF mid-block: equal registers, EFLAGS and fault frame', () => {
    const { interp } = bothEngines(() => withPaging(pmMachine(code), 0x5000));
    expect(pmVector(interp)).toBe(14);
    expect(interp.cpu.cr2 >>> 0).toBe(0x5000);
    const pushedEflags = peek32(interp, (interp.cpu.regs[R_ESP]! >>> 0) + 12);
    expect(pushedEflags & (CC_C | CC_O)).toBe(CC_C | CC_O); // imul overflowed: the pushed EFLAGS say so
  });

  it('the same without the fault: the flags of the last rol reach the end of the block', () => {
    const { interp } = bothEngines(() => withPaging(pmMachine(code), -1));
    expect(pmVector(interp)).toBe(-1);
  });
});
