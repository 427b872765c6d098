// The soft-TLB fast path inlined in generated code serves only accesses inside one page: an
// access crossing into a page that shares its TLB slot, or wrapping past 4 GiB in a flat
// segment, goes to the slow path (both pages translated, or #GP on the segment limit), and
// both engines end in the same state. A segment load ends its block, since blocks are
// specialised on flat DS/ES/SS.

import { describe, expect, it } from 'vitest';
import { CR0_PG_MASK, R_DS, R_EAX, R_ESP } from '../../../../src/cpu/x86/constants.js';
import { peek32, type Machine } from '../harness.js';
import { pmMachine, pmVector } from '../system/pm-env.js';
import { bothEngines } from './both-engines.js';

/** Both engines end in the same state (bothEngines), and `check` holds for it. */
function onBoth(make: () => Machine, check: (m: Machine) => void): void {
  const { interp, tcg } = bothEngines(make);
  check(interp);
  check(tcg);
}

describe('inline accesses in generated code', () => {
  // Page 0 and page 0xfffff share a slot: the write entry for page 0 must not serve a dword
  // store at 0xfffffffe, whose last byte wraps to 0.
  it('a dword at 0xfffffffe in a flat segment: #GP(0) for a store and for a load', () => {
    // mov [0x100], eax; mov ecx, 0xfffffffe; mov [ecx], esp; hlt
    const store = [0xa3, 0x00, 0x01, 0x00, 0x00, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0x89, 0x21, 0xf4];
    onBoth(
      () => pmMachine(store),
      (m) => {
        expect(pmVector(m)).toBe(13);
        expect(peek32(m, (m.cpu.regs[R_ESP]! >>> 0) + 0)).toBe(0); // error code
      },
    );
    // mov eax, [0x100]; mov ecx, 0xfffffffe; mov eax, [ecx]; hlt
    const load = [0xa1, 0x00, 0x01, 0x00, 0x00, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0x8b, 0x01, 0xf4];
    onBoth(
      () => pmMachine(load),
      (m) => expect(pmVector(m)).toBe(13),
    );
  });

  it('a dword crossing into a page that shares its slot reads and writes both pages', () => {
    // Virtual 0x1fff000 -> physical 0x5000 and 0x2000000 -> 0x9000 fold onto one slot of the
    // 256-entry table. mov al, [0x2000000]; mov ebx, [0x1fffffe]; mov [0x1fffffe], esi; hlt
    const code = [0xa0, 0x00, 0x00, 0x00, 0x02, 0x8b, 0x1d, 0xfe, 0xff, 0xff, 0x01, 0x89, 0x35, 0xfe, 0xff, 0xff, 0x01, 0xf4];
    const make = () => {
      const m = pmMachine(code);
      const pd = 0x10000;
      m.memAs.stl(pd, 0x11000 | 3); // 0..4 MiB identity
      for (let p = 0; p < 1024; p++) m.memAs.stl(0x11000 + p * 4, (p * 4096) | 3);
      m.memAs.stl(pd + 7 * 4, 0x12000 | 3);
      m.memAs.stl(0x12000 + 0x3ff * 4, 0x5000 | 3);
      m.memAs.stl(pd + 8 * 4, 0x13000 | 3);
      m.memAs.stl(0x13000, 0x9000 | 3);
      [0x5ffe, 0x5fff, 0x9000, 0x9001].forEach((a, k) => m.memAs.stb(a, 0xa0 + k));
      m.cpu.regs[6] = 0x44332211;
      m.cpu.cr3 = pd;
      m.cpu.cr0 |= CR0_PG_MASK;
      m.cpu.updateMmuIdx();
      m.cpu.mmu.tlb.flushAll();
      return m;
    };
    onBoth(make, (m) => {
      expect(pmVector(m)).toBe(-1);
      expect(m.cpu.regs[R_EAX]! & 0xff).toBe(0xa2);
      expect(m.cpu.regs[3]! >>> 0).toBe(0xa3a2a1a0);
      expect([0x5ffe, 0x5fff, 0x9000, 0x9001].map((a) => m.memAs.ldub(a))).toEqual([0x11, 0x22, 0x33, 0x44]);
    });
  });

  it('lds ends the block: a DS access after loading a null DS raises #GP(0) (found by the fuzzer, seed 5124)', () => {
    // mov ebx, 0xa000; lds edi, [ebx] (far pointer 0000:00000000); mov al, [ebx]; hlt
    const code = [0xbb, 0x00, 0xa0, 0x00, 0x00, 0xc5, 0x3b, 0x8a, 0x03, 0xf4];
    const make = () => {
      const m = pmMachine(code);
      m.memAs.stl(0xa000, 0);
      m.memAs.stw(0xa004, 0);
      return m;
    };
    onBoth(
      make,
      (m) => {
        expect(pmVector(m)).toBe(13);
        expect(m.cpu.segSel[R_DS]).toBe(0);
      },
    );
  });
});
