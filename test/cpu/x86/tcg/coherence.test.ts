// Translator coherence on real (hand-assembled) x86 code under TcgEngine: blocks are reused,
// stores into the running block take effect before the next instruction (precise SMC), DMA
// into code forces re-translation, and the interpreter and the translator end in equal state.

import { describe, expect, it } from 'vitest';
import { CR0_PG_MASK, R_EAX, R_EBX, R_ECX, R_EDI, R_EDX, R_ESI, R_ESP } from '../../../../src/cpu/x86/constants.js';
import { EXIT_HALTED } from '../../../../src/cpu/x86/interp/index.js';
import { TcgEngine } from '../../../../src/cpu/x86/tcg/engine.js';
import { computeTbFlags } from '../../../../src/cpu/x86/tcg/tb-flags.js';
import type { TranslationBlock } from '../../../../src/softmmu/tb.js';
import { HOT_SMC_REWRITES } from '../../../../src/softmmu/tb-maint.js';
import { CODE_BASE, flat32, load, peek32, peek8, realMode, type Machine } from '../harness.js';
import { bothEngines, runTcg, snapshot } from './both-engines.js';
import { pmMachine, pmVector, stackDword } from '../system/pm-env.js';

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];


/** Pages 0..511 identity-mapped (P|RW) by a page directory at 0x10000, except `absent`. */
function enablePaging(m: Machine, absent: number[]): void {
  const pd = 0x10000;
  const pt = 0x11000;
  m.memAs.stl(pd, pt | 3);
  for (let p = 0; p < 512; p++) m.memAs.stl(pt + p * 4, absent.includes(p * 4096) ? 0 : ((p * 4096) | 3) >>> 0);
  const cpu = m.cpu;
  cpu.cr3 = pd;
  cpu.cr0 |= CR0_PG_MASK;
  cpu.updateMmuIdx();
  cpu.mmu.tlb.flushAll();
}

describe('translated blocks are reused', () => {
  // mov esi,0x3000; mov ecx,16; xor eax,eax; L: add eax,[esi]; mov [esi+0x100],eax; add esi,4; dec ecx; jnz L; hlt
  const SUM = [0xbe, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x10, 0, 0, 0, 0x31, 0xc0, 0x03, 0x06, 0x89, 0x86, 0x00, 0x01, 0, 0, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xf2, 0xf4];
  const data = Array.from({ length: 16 }, (_, k) => (k * 0x01010101 + 7) >>> 0);
  const make = () => {
    const m = flat32(SUM);
    data.forEach((v, k) => m.memAs.stl(0x3000 + 4 * k, v));
    return m;
  };

  it('a loop is translated once; running the program again translates nothing', () => {
    const m = make();
    const e = new TcgEngine(m.cpu);
    const inserted: number[] = [];
    const insert = e.cache.insert.bind(e.cache);
    e.cache.insert = (tb: TranslationBlock) => {
      inserted.push(tb.pc);
      insert(tb);
    };
    expect(e.run(m.cpu, 10_000)).toBe(EXIT_HALTED);
    // The loop head (0x100c) was translated exactly once for 16 iterations.
    expect(inserted.filter((pc) => pc === CODE_BASE + 0x0c)).toEqual([CODE_BASE + 0x0c]);
    // SDM semantics: eax is the 32-bit sum, each partial sum stored 0x100 above its element.
    let sum = 0;
    data.forEach((v, k) => {
      sum = (sum + v) >>> 0;
      expect(peek32(m, 0x3100 + 4 * k)).toBe(sum);
    });
    expect(m.cpu.regs[R_EAX]! >>> 0).toBe(sum);
    expect(m.cpu.icount).toBe(3 + 16 * 5 + 1);

    const translations = e.cache.stats.translations;
    const hitsBefore = e.cache.stats.jumpCacheHits + e.cache.stats.hashHits + e.cache.stats.chainFollows;
    m.cpu.halted = false;
    m.cpu.eip = CODE_BASE;
    expect(e.run(m.cpu, 10_000)).toBe(EXIT_HALTED);
    expect(e.cache.stats.translations).toBe(translations);
    expect(e.cache.stats.jumpCacheHits + e.cache.stats.hashHits + e.cache.stats.chainFollows).toBeGreaterThan(hitsBefore);
    expect(m.cpu.regs[R_EAX]! >>> 0).toBe(sum);
  });
});

describe('self-modifying code', () => {
  it('a store (through a handler) into the next instruction of the running block is seen (precise SMC)', () => {
    // mov byte [0x1008], 0x42 ; mov eax, 1 (imm at 0x1008) ; hlt
    const code = [0xc6, 0x05, ...le32(0x1008), 0x42, 0xb8, 0x01, 0, 0, 0, 0xf4];
    const { tcg, engine } = bothEngines(() => flat32(code));
    expect(tcg.cpu.regs[R_EAX]).toBe(0x42);
    expect(tcg.cpu.icount).toBe(3);
    expect(engine.cache.stats.smcEvents).toBe(1);
    expect(engine.cache.stats.invalidationsWrite).toBe(1);
  });

  it('an inline 32-bit store into the next instruction of the running block is seen', () => {
    // mov dword [0x100b], 0x42 ; mov eax, 1 (imm at 0x100b) ; hlt
    const code = [0xc7, 0x05, ...le32(0x100b), ...le32(0x42), 0xb8, 0x01, 0, 0, 0, 0xf4];
    const { tcg, engine } = bothEngines(() => flat32(code));
    expect(tcg.cpu.regs[R_EAX]).toBe(0x42);
    expect(engine.cache.stats.smcEvents).toBe(1);
  });

  it('a loop that patches an immediate later in its own body sees the new value every iteration', () => {
    // mov ecx,5; xor edx,edx; L: mov [0x100f],cl; add edx,imm8 (imm at 0x100f); dec ecx; jnz L; hlt
    // (Stale code would add 0 and then 5 each time: 20, not 15.)
    const code = [0xb9, 5, 0, 0, 0, 0x31, 0xd2, 0x88, 0x0d, ...le32(0x100f), 0x83, 0xc2, 0x00, 0x49, 0x75, 0xf4, 0xf4];
    const { tcg, engine } = bothEngines(() => flat32(code));
    expect(tcg.cpu.regs[R_EDX]).toBe(5 + 4 + 3 + 2 + 1);
    // Every store rewrote the block it ran in.
    expect(engine.cache.stats.smcEvents).toBe(5);
  });

  it('a page rewritten over and over gets checked blocks: patched immediates are read at run time, a patched opcode byte is caught', () => {
    // mov ecx,300; xor edx,edx
    // L: mov [IMM],cl; add edx,imm8 (IMM); dec ecx; jnz L      -- 300 patches: the page turns hot
    //    mov byte [MODRM],0xea; add edx,7 (MODRM: 0xc2 -> 0xea makes it sub edx,7); hlt
    const code: number[] = [0xb9, ...le32(300), 0x31, 0xd2];
    const immAt = CODE_BASE + code.length + 6 + 2;
    code.push(0x88, 0x0d, ...le32(immAt), 0x83, 0xc2, 0x00, 0x49, 0x75, 0xf4);
    const modrmAt = CODE_BASE + code.length + 7 + 1;
    code.push(0xc6, 0x05, ...le32(modrmAt), 0xea, 0x83, 0xc2, 0x07, 0xf4);
    const { tcg, engine } = bothEngines(() => flat32(code));
    let sum = 0;
    for (let c = 300; c >= 1; c--) sum += ((c & 255) << 24) >> 24; // add edx, imm8 sign-extends CL
    expect(tcg.cpu.regs[R_EDX]).toBe(sum - 7);
    const s = engine.cache.stats;
    // Until the page turns hot each patch costs about two translations (the rest of the block,
    // then the loop again); after that the checked loop block is made once, not 236 more times.
    expect(s.translations).toBeLessThan(2 * HOT_SMC_REWRITES + 10);
    // The loop block is a checked one reading its immediate from RAM (the sub above shows the
    // opcode patch was seen by the very next instruction).
    const loopPc = CODE_BASE + 7;
    const loopTb = engine.cache.lookup(loopPc, loopPc, 0, computeTbFlags(tcg.cpu), () => true);
    expect(loopTb?.checked).toBe(true);
    expect(loopTb!.source).toContain(`m = (ram[${immAt}] << 24) >> 24;`);
  });

  it('a checked block changed by another block is found changed when it is entered again', () => {
    // mov ecx,300; xor edx,edx
    // L: mov [IMM],cl; call F; dec ecx; jnz L         -- F's immediate patched 300 times: hot page
    //    mov byte [MODRM],0xea; call F; hlt            -- F becomes sub edx,imm8 behind its back
    // F: add edx,imm8 (IMM; MODRM); ret
    const code: number[] = [0xb9, ...le32(300), 0x31, 0xd2];
    const loop = code.length;
    code.push(0x88, 0x0d, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0x49, 0x75, 0);
    code[code.length - 1] = (loop - code.length) & 0xff; // jnz L
    code.push(0xc6, 0x05, 0, 0, 0, 0, 0xea, 0xe8, 0, 0, 0, 0, 0xf4);
    const f = code.length;
    code.push(0x83, 0xc2, 0x00, 0xc3);
    const put32 = (at: number, v: number) => code.splice(at, 4, ...le32(v));
    put32(loop + 2, CODE_BASE + f + 2); // IMM
    put32(loop + 7, f - (loop + 11)); // call F (rel32 from the next instruction)
    put32(loop + 16, CODE_BASE + f + 1); // MODRM
    put32(loop + 22, f - (loop + 26)); // second call F
    const { tcg, engine } = bothEngines(() => flat32(code));
    let sum = 0;
    for (let c = 300; c >= 1; c--) sum += ((c & 255) << 24) >> 24;
    expect(tcg.cpu.regs[R_EDX]).toBe(sum - 1); // the last call subtracted the last immediate, 1
    expect(engine.cache.stats.checkedChanged).toBeGreaterThan(0);
  });

  it('a store from another block into cached code invalidates it (cause write) before it runs again', () => {
    // 0x1000 call 0x1100; mov ebx,eax; mov dword [0x1101],0x99; call 0x1100; hlt
    // 0x1100 mov eax,5; ret
    const code = new Array<number>(0x106).fill(0x90);
    code.splice(0, 0x17, 0xe8, ...le32(0xfb), 0x89, 0xc3, 0xc7, 0x05, ...le32(0x1101), ...le32(0x99), 0xe8, ...le32(0xea), 0xf4);
    code.splice(0x100, 6, 0xb8, 5, 0, 0, 0, 0xc3);
    const { tcg, engine } = bothEngines(() => flat32(code));
    expect(tcg.cpu.regs[R_EBX]).toBe(5);
    expect(tcg.cpu.regs[R_EAX]).toBe(0x99);
    expect(engine.cache.stats.invalidationsWrite).toBe(1);
    expect(engine.cache.stats.smcEvents).toBe(0); // the running block was not the one written
  });

  it('code written by DMA (as.write) is re-translated before it runs again', () => {
    const m = flat32([0xb8, 0x01, 0, 0, 0, 0xf4]); // mov eax,1; hlt
    const e = new TcgEngine(m.cpu);
    expect(e.run(m.cpu, 100)).toBe(EXIT_HALTED);
    expect(m.cpu.regs[R_EAX]).toBe(1);
    const translations = e.cache.stats.translations;
    m.memAs.write(CODE_BASE + 1, new Uint8Array([0x07, 0, 0, 0]));
    expect(e.cache.stats.invalidationsDma).toBe(1);
    m.cpu.halted = false;
    m.cpu.eip = CODE_BASE;
    expect(e.run(m.cpu, 100)).toBe(EXIT_HALTED);
    expect(m.cpu.regs[R_EAX]).toBe(7);
    expect(e.cache.stats.translations).toBe(translations + 1);
    expect(e.cache.stats.invalidationsWrite).toBe(0);
  });
});

describe('blocks spanning two pages and the code budget', () => {
  it('a block whose last instruction crosses into a remapped page is not reused for the new mapping', () => {
    // Virtual 0xaffc: mov eax, imm32 with its last immediate byte on the next page, then hlt.
    const m = flat32([0xf4]);
    enablePaging(m, []);
    load(m, 0xaffc, [0xb8, 0x11, 0x22, 0x33]);
    load(m, 0xb000, [0x44, 0xf4]);
    load(m, 0xc000, [0x55, 0xf4]);
    const e = new TcgEngine(m.cpu);
    m.cpu.eip = 0xaffc;
    expect(e.run(m.cpu, 100)).toBe(EXIT_HALTED);
    expect(m.cpu.regs[R_EAX]! >>> 0).toBe(0x44332211);
    // Point virtual page 0xb000 at physical 0xc000 (PTE 0xb of the table at 0x11000).
    m.memAs.stl(0x11000 + 0xb * 4, 0xc000 | 3);
    m.cpu.mmu.tlb.flushAll();
    m.cpu.halted = false;
    m.cpu.eip = 0xaffc;
    expect(e.run(m.cpu, 100)).toBe(EXIT_HALTED);
    expect(m.cpu.regs[R_EAX]! >>> 0).toBe(0x55332211);
    // Writing the new second page (now code) invalidates what was made from it.
    m.memAs.stb(0xc000, 0x66);
    m.cpu.halted = false;
    m.cpu.eip = 0xaffc;
    expect(e.run(m.cpu, 100)).toBe(EXIT_HALTED);
    expect(m.cpu.regs[R_EAX]! >>> 0).toBe(0x66332211);
  });

  it('a code budget too small for the program flushes and still computes the same result', () => {
    const SUM = [0xbe, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x10, 0, 0, 0, 0x31, 0xc0, 0x03, 0x06, 0x89, 0x86, 0x00, 0x01, 0, 0, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xf2, 0xf4];
    const a = flat32(SUM);
    a.interp.run(a.cpu, 10_000);
    const b = flat32(SUM);
    const e = new TcgEngine(b.cpu, 1); // every insert exceeds the budget
    expect(e.run(b.cpu, 10_000)).toBe(EXIT_HALTED);
    expect(e.cache.stats.flushes).toBeGreaterThan(0);
    expect(e.cache.blockCount).toBe(1);
    expect({ ...snapshot(b) }).toEqual({ ...snapshot(a) });
  });
});

describe('interpreter and translator agree', () => {
  it('flags-dependent branches, setcc, adc and sbb over signed and unsigned pairs', () => {
    // mov esi,0x3000; mov ecx,12; xor edx,edx; xor edi,edi
    // L: mov eax,[esi]; mov ebx,[esi+4]; cmp eax,ebx; jb +1; inc edx; cmp eax,ebx; jl +1; inc edi
    //    setb bl; add edx,ebx; adc edi,0; sbb edx,ecx; add esi,4; dec ecx; jnz L; hlt
    const code = [
      0xbe, 0x00, 0x30, 0, 0, 0xb9, 12, 0, 0, 0, 0x31, 0xd2, 0x31, 0xff,
      0x8b, 0x06, 0x8b, 0x5e, 0x04, 0x39, 0xd8, 0x72, 0x01, 0x42, 0x39, 0xd8, 0x7c, 0x01, 0x47,
      0x0f, 0x92, 0xc3, 0x01, 0xda, 0x83, 0xd7, 0x00, 0x19, 0xca, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xe1, 0xf4,
    ];
    const data = [5, 0xfffffff0, 3, 3, 0x80000000, 0x7fffffff, 0, 1, 0xffffffff, 2, 100, 0x80000001, 7];
    const { tcg } = bothEngines(() => {
      const m = flat32(code);
      data.forEach((v, k) => m.memAs.stl(0x3000 + 4 * k, v));
      return m;
    });
    // The same computation from the SDM's definitions (CF of add/adc/sbb, jb unsigned, jl signed).
    let edx = 0;
    let edi = 0;
    let ebx = 0;
    for (let k = 0, ecx = 12; ecx > 0; k++, ecx--) {
      const a = data[k]!;
      ebx = data[k + 1]!;
      const below = a < ebx;
      const less = (a | 0) < (ebx | 0);
      if (!below) edx = (edx + 1) >>> 0;
      if (!less) edi = (edi + 1) >>> 0;
      ebx = ((ebx & ~0xff) | (below ? 1 : 0)) >>> 0;
      const s = edx + ebx;
      edx = s >>> 0;
      let cf = s > 0xffffffff ? 1 : 0;
      const t = edi + cf;
      edi = t >>> 0;
      cf = t > 0xffffffff ? 1 : 0;
      edx = (edx - ecx - cf) >>> 0;
    }
    expect(tcg.cpu.regs[R_EDX]! >>> 0).toBe(edx);
    expect(tcg.cpu.regs[R_EDI]! >>> 0).toBe(edi);
    expect(tcg.cpu.regs[R_EBX]! >>> 0).toBe(ebx);
  });

  it('push/pop, call/ret, shifts and loop', () => {
    // mov eax,0x11111111; mov ebx,0x22222222; mov ecx,5
    // L: push eax; push ebx; call F; pop edx; pop eax; push -1; pop edi; loop L; hlt
    // F: add ebx,eax; shl eax,1; sar ebx,3; ret
    const code = [
      0xb8, ...le32(0x11111111), 0xbb, ...le32(0x22222222), 0xb9, 5, 0, 0, 0,
      0x50, 0x53, 0xe8, ...le32(8), 0x5a, 0x58, 0x6a, 0xff, 0x5f, 0xe2, 0xf2, 0xf4,
      0x01, 0xc3, 0xd1, 0xe0, 0xc1, 0xfb, 0x03, 0xc3,
    ];
    const { tcg } = bothEngines(() => flat32(code));
    const cpu = tcg.cpu;
    // Per iteration: F leaves ebx = (ebx + eax) >> 3 (arithmetic), the pops restore ebx into edx
    // and the original eax into eax.
    let ebx = 0x22222222;
    let edx = 0;
    for (let k = 0; k < 5; k++) {
      edx = ebx;
      ebx = ((ebx + 0x11111111) | 0) >> 3;
    }
    expect(cpu.regs[R_EAX]! >>> 0).toBe(0x11111111);
    expect(cpu.regs[R_EBX]! >>> 0).toBe(ebx >>> 0);
    expect(cpu.regs[R_EDX]! >>> 0).toBe(edx >>> 0);
    expect(cpu.regs[R_EDI]! >>> 0).toBe(0xffffffff);
    expect(cpu.regs[R_ECX]).toBe(0);
    expect(cpu.regs[R_ESP]).toBe(0x80000);
  });

  it('rol/ror by constants set CF/OF and keep the other flags of the previous result (inline code)', () => {
    // mov eax,0x80000001; mov ebx,0x40000000; add eax,ebx; rol eax,1; pushfd; pop ecx;
    // ror ebx,3; pushfd; pop edx; sub eax,eax; rol ebx,31; pushfd; pop esi; ror eax,1; pushfd; pop edi; hlt
    const code = [
      0xb8, ...le32(0x80000001), 0xbb, ...le32(0x40000000), 0x01, 0xd8, 0xd1, 0xc0, 0x9c, 0x59,
      0xc1, 0xcb, 0x03, 0x9c, 0x5a, 0x29, 0xc0, 0xc1, 0xc3, 0x1f, 0x9c, 0x5e, 0xd1, 0xc8, 0x9c, 0x5f, 0xf4,
    ];
    const { tcg, engine } = bothEngines(() => flat32(code));
    // The rotates were generated inline (the lazy flags are folded with computeAll), not handlers.
    const tb = engine.cache.lookup(CODE_BASE, CODE_BASE, 0, computeTbFlags(tcg.cpu), () => true);
    expect(tb?.source).toContain('CA(cpu)');
    const r = tcg.cpu.regs;
    const arith = (v: number) => v & 0x8d5; // OF SF ZF AF PF CF
    expect(arith(r[R_ECX]!)).toBe(0x81); // 0xc0000001 rol 1 = 0x80000003: CF=1, OF=1^1=0, SF kept
    expect(arith(r[R_EDX]!)).toBe(0x80); // 0x40000000 ror 3 = 0x08000000: CF=OF=0, SF still the add's
    expect(arith(r[R_ESI]!)).toBe(0x44); // after sub eax,eax (ZF PF): 0x08000000 rol 31 = 0x04000000, CF=OF=0
    expect(arith(r[R_EDI]!)).toBe(0x44); // 0 ror 1: CF=OF=0, ZF PF kept
    expect(r[R_EAX]).toBe(0);
    expect(r[R_EBX]! >>> 0).toBe(0x04000000);
  });

  it('imul r32 forms run inline with the interpreter\'s flags (overflow and not, signed operands)', () => {
    // mov eax,0x12345678; imul ebx,eax,0x10000 (overflows); pushfd; pop ecx;
    // mov edx,-3; imul edx,edx,7 (fits); pushfd; pop esi; imul eax,edx (2-operand, fits);
    // mov [0x3000],eax; imul edi,[0x3000],-2; pushfd; pop ebp; hlt
    const code = [
      0xb8, ...le32(0x12345678), 0x69, 0xd8, ...le32(0x10000), 0x9c, 0x59,
      0xba, ...le32(-3), 0x6b, 0xd2, 0x07, 0x9c, 0x5e, 0x0f, 0xaf, 0xc2,
      0xa3, ...le32(0x3000), 0x6b, 0x3d, ...le32(0x3000), 0xfe, 0x9c, 0x5d, 0xf4,
    ];
    const { tcg, engine } = bothEngines(() => flat32(code));
    const tb = engine.cache.lookup(CODE_BASE, CODE_BASE, 0, computeTbFlags(tcg.cpu), () => true);
    expect(tb?.source).toContain('Math.imul');
    const r = tcg.cpu.regs;
    expect(r[R_EBX]! >>> 0).toBe(0x56780000);
    expect(r[R_ECX]! & 0x801).toBe(0x801); // CF and OF: the product needs more than 32 bits
    expect(r[R_EDX]).toBe(-21);
    expect(r[R_ESI]! & 0x801).toBe(0);
    expect(r[R_EAX]).toBe(Math.imul(0x12345678, -21));
    expect(r[R_EDI]).toBe(Math.imul(Math.imul(0x12345678, -21), -2));
  });

  it('a 16-bit real-mode loop with memory operands', () => {
    // mov cx,10; xor ax,ax; mov si,0x3000; L: add ax,[si]; mov [si+0x40],ax; inc si; inc si; loop L; hlt
    const code = [0xb9, 10, 0, 0x31, 0xc0, 0xbe, 0x00, 0x30, 0x03, 0x04, 0x89, 0x44, 0x40, 0x46, 0x46, 0xe2, 0xf7, 0xf4];
    const words = Array.from({ length: 10 }, (_, k) => (k * 0x1357 + 0xfff0) & 0xffff);
    const { tcg } = bothEngines(() => {
      const m = realMode(code);
      words.forEach((w, k) => m.memAs.stw(0x3000 + 2 * k, w));
      return m;
    });
    let ax = 0;
    for (const w of words) ax = (ax + w) & 0xffff;
    expect(tcg.cpu.regs[R_EAX]! & 0xffff).toBe(ax);
    expect(tcg.cpu.icount).toBe(3 + 10 * 5 + 1);
  });

  it('a page fault in the middle of a block: earlier instructions retire, #PF frame and CR2 exact', () => {
    // mov ecx,5; inc ecx; mov eax,[0x40000] (not present); hlt
    const code = [0xb9, 5, 0, 0, 0, 0x41, 0xa1, ...le32(0x40000), 0xf4];
    const { tcg } = bothEngines(() => {
      const m = pmMachine(code);
      enablePaging(m, [0x40000]);
      return m;
    });
    expect(pmVector(tcg)).toBe(14);
    expect(tcg.cpu.cr2 >>> 0).toBe(0x40000);
    expect(stackDword(tcg, 0)).toBe(0); // error code: not present, read, supervisor
    expect(stackDword(tcg, 1)).toBe(CODE_BASE + 6); // EIP of the faulting instruction
    expect(stackDword(tcg, 2)).toBe(0x08);
    expect(tcg.cpu.regs[R_ECX]).toBe(6);
    expect(tcg.cpu.icount).toBe(2 + 1); // mov, inc, then the stub's hlt
  });

  it('an inline page-crossing store whose second page is absent faults with nothing written', () => {
    // mov eax,0x11223344; mov [0x3fffe],eax (crosses into the absent 0x40000); hlt
    const code = [0xb8, ...le32(0x11223344), 0x89, 0x05, ...le32(0x3fffe), 0xf4];
    const { tcg } = bothEngines(() => {
      const m = pmMachine(code);
      enablePaging(m, [0x40000]);
      return m;
    });
    expect(pmVector(tcg)).toBe(14);
    expect(tcg.cpu.cr2 >>> 0).toBe(0x40000); // the first byte of the second page
    expect(stackDword(tcg, 0)).toBe(2); // W/R set, P clear, supervisor
    expect(stackDword(tcg, 1)).toBe(CODE_BASE + 5);
    expect(peek8(tcg, 0x3fffe)).toBe(0);
    expect(peek8(tcg, 0x3ffff)).toBe(0);
  });

  it('a fault inside a translated loop leaves registers and icount as of the faulting instruction', () => {
    // mov esi,0x3fff8; xor eax,eax; mov ecx,8; L: add eax,[esi]; add esi,4; dec ecx; jnz L; hlt
    // The third load reads 0x40000 (absent).
    const code = [0xbe, ...le32(0x3fff8), 0x31, 0xc0, 0xb9, 8, 0, 0, 0, 0x03, 0x06, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xf8, 0xf4];
    const { tcg } = bothEngines(() => {
      const m = pmMachine(code);
      enablePaging(m, [0x40000]);
      m.memAs.stl(0x3fff8, 0x10);
      m.memAs.stl(0x3fffc, 0x20);
      return m;
    });
    expect(pmVector(tcg)).toBe(14);
    expect(tcg.cpu.cr2 >>> 0).toBe(0x40000);
    expect(stackDword(tcg, 1)).toBe(CODE_BASE + 0x0c);
    expect(tcg.cpu.regs[R_EAX]).toBe(0x30);
    expect(tcg.cpu.regs[R_ECX]).toBe(6);
    expect(tcg.cpu.icount).toBe(3 + 2 * 4 + 1);
  });
});

describe('an instruction that wraps from IP 0xffff to 0', () => {
  // Its ModRM byte sits at CS:0000, 64 KiB below its opcode. Found by the fuzzer (seed 20082):
  // a block recorded the page after the opcode as its second page, so rewriting the ModRM byte
  // left the block stale. Such instructions are interpreted.
  it('a rewritten ModRM byte at CS:0000 takes effect (add al,al, then add cl,cl)', () => {
    // 0100:0000 mov al,1; mov byte [0x2000],0xc0; mov word [0x3000],0x18; mov word [0x3002],0x100;
    // jmp 0200:ffff; 0100:0018 mov byte [0x2000],0xc9; mov cl,3; mov word [0x3000],0x2a;
    // jmp 0200:ffff; 0100:002a hlt. At 0200:ffff: add r/m8, r8 (its ModRM at 0200:0000), then
    // 0200:0001 jmp far [0x3000].
    const code = [0xb0, 0x01, 0xc6, 0x06, 0x00, 0x20, 0xc0, 0xc7, 0x06, 0x00, 0x30, 0x18, 0x00, 0xc7, 0x06, 0x02, 0x30, 0x00, 0x01];
    code.push(0xea, 0xff, 0xff, 0x00, 0x02, 0xc6, 0x06, 0x00, 0x20, 0xc9, 0xb1, 0x03, 0xc7, 0x06, 0x00, 0x30, 0x2a, 0x00);
    code.push(0xea, 0xff, 0xff, 0x00, 0x02, 0xf4);
    const { tcg } = bothEngines(() => {
      const m = realMode(code);
      load(m, 0x11fff, [0x00]);
      load(m, 0x2001, [0xff, 0x2e, 0x00, 0x30]);
      return m;
    });
    expect(tcg.cpu.regs[R_EAX]! & 0xff).toBe(2);
    expect(tcg.cpu.regs[R_ECX]! & 0xff).toBe(6);
  });
});
