// System instructions (SDM vol. 2): sgdt/sidt/str/smsw/lar/lsl, arpl, mov CR0/CR4 #GP rules,
// the I/O permission bitmap from ring 3, popf's privilege masks, cpuid (qemu32), MSRs.
import { describe, expect, it } from 'vitest';
import { R_EAX, R_EBX, R_ECX, R_EDX } from '../../../../src/cpu/x86/constants.js';
import { IF_MASK, IOPL_MASK } from '../../../../src/cpu/x86/flags.js';
import { peek16, peek32, run } from '../harness.js';
import { GDT, IDT, IOMAP_OFF, SEL_CODE32, TSS, pmMachine, pmVector, stackDword } from './pm-env.js';

describe('descriptor-table registers and selector probes', () => {
  it('sgdt, sidt, str, smsw, lar and lsl of the TSS', () => {
    // sgdt [0x500]; sidt [0x506]; str ax; smsw bx; mov ecx, 0x38; lar edx, ecx; lsl esi, ecx
    const m = pmMachine([0x0f, 0x01, 0x05, 0x00, 0x05, 0x00, 0x00, 0x0f, 0x01, 0x0d, 0x06, 0x05, 0x00, 0x00, 0x66, 0x0f, 0x00, 0xc8, 0x66, 0x0f, 0x01, 0xe3, 0xb9, 0x38, 0x00, 0x00, 0x00, 0x0f, 0x02, 0xd1, 0x0f, 0x03, 0xf1, 0xf4]);
    run(m);
    const r = m.cpu.regs;
    expect([peek16(m, 0x500), peek32(m, 0x502)]).toEqual([0x1ff, GDT]);
    expect([peek16(m, 0x506), peek32(m, 0x508)]).toEqual([0x7ff, IDT]);
    expect(r[R_EAX]! & 0xffff).toBe(0x38);
    expect(r[R_EBX]! & 0xffff).toBe(0x11); // PE | ET
    expect(r[R_EDX]).toBe(0x8b00); // busy 386 TSS, byte-granular
    expect(r[6]).toBe(0x2068);
  });

  it('arpl raises the destination RPL and reports it in ZF', () => {
    // mov ax, 0x13; mov bx, 2; arpl ax, bx; setz cl; arpl bx, ax; setz ch
    const m = pmMachine([0x66, 0xb8, 0x13, 0x00, 0x66, 0xbb, 0x02, 0x00, 0x63, 0xd8, 0x0f, 0x94, 0xc1, 0x63, 0xc3, 0x0f, 0x94, 0xc5, 0xf4]);
    run(m);
    expect(m.cpu.regs[R_EAX]! & 0xffff).toBe(0x13);
    expect(m.cpu.regs[R_EBX]! & 0xffff).toBe(0x3);
    expect(m.cpu.regs[R_ECX]! & 0xffff).toBe(0x0100);
  });
});

describe('control registers', () => {
  it('CR0 with NW set and CD clear is #GP(0)', () => {
    // mov eax, cr0; or eax, NW; and eax, ~CD; mov cr0, eax
    const m = pmMachine([0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x20, 0x25, 0xff, 0xff, 0xff, 0xbf, 0x0f, 0x22, 0xc0, 0xf4]);
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 0)).toBe(0);
    expect(stackDword(m, 1)).toBe(0x100d);
  });

  it('a CR4 bit the model lacks is #GP(0)', () => {
    const m = pmMachine([0xb8, 0x00, 0x08, 0x00, 0x00, 0x0f, 0x22, 0xe0, 0xf4]); // mov cr4, 0x800
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(m.cpu.cr4).toBe(0);
  });
});

// push 33; push 80000; push 2; push 2b; push r3; iretd; r3: in al, 0x80; mov dx, 0x2f8; in ax, dx; hlt
const RING3_IO = [0x6a, 0x33, 0x68, 0x00, 0x00, 0x08, 0x00, 0x6a, 0x02, 0x6a, 0x2b, 0x68, 0x11, 0x10, 0x00, 0x00, 0xcf, 0xe4, 0x80, 0x66, 0xba, 0xf8, 0x02, 0x66, 0xed, 0xf4];

describe('I/O permission', () => {
  it('ring 3 at IOPL 0: ports allowed by the bitmap pass, then hlt is #GP(0)', () => {
    const m = pmMachine(RING3_IO);
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 1)).toBe(0x1019); // the hlt: both ins passed
  });

  it('a word access whose second port is denied is #GP(0)', () => {
    const m = pmMachine(RING3_IO);
    m.memAs.stb(TSS + IOMAP_OFF + (0x2f9 >> 3), 1 << (0x2f9 & 7));
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 0)).toBe(0);
    expect(stackDword(m, 1)).toBe(0x1017); // in ax, dx
  });

  it('a bitmap offset beyond the TSS limit denies every port', () => {
    const m = pmMachine(RING3_IO);
    m.memAs.stw(TSS + 0x66, 0xf000);
    run(m);
    expect(stackDword(m, 1)).toBe(0x1011); // in al, 0x80
  });
});

describe('popf, cpuid, msr', () => {
  it('popfd at CPL 0 sets IOPL and IF', () => {
    // pushfd; or dword [esp], 0x3200; popfd; pushfd; pop eax
    const m = pmMachine([0x9c, 0x81, 0x0c, 0x24, 0x00, 0x32, 0x00, 0x00, 0x9d, 0x9c, 0x58, 0xf4]);
    run(m);
    expect(m.cpu.regs[R_EAX]! & (IOPL_MASK | IF_MASK)).toBe(0x3200);
  });

  it('cpuid leaf 1 is qemu32 (0x663) with its x87, MMX and FXSR, without the SSE* and SYSENTER tcg86 lacks', () => {
    const m = pmMachine([0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xa2, 0xf4]);
    run(m);
    const r = m.cpu.regs;
    expect([r[R_EAX], r[R_EBX]]).toEqual([0x663, 0x800]);
    // SEP(11) SSE(25) SSE2(26) gone; FPU PSE PAE CX8 APIC PGE CMOV PAT MMX(23) FXSR(24) stay.
    expect(r[R_EDX]! & ((1 << 11) | (1 << 25) | (1 << 26))).toBe(0);
    expect(r[R_EDX]! & ((1 << 23) | (1 << 24))).toBe((1 << 23) | (1 << 24));
    expect(r[R_EDX]! & ((1 << 0) | (1 << 3) | (1 << 6) | (1 << 8) | (1 << 9) | (1 << 13) | (1 << 15) | (1 << 16))).toBe(0x1a349);
    expect(r[R_ECX]! >>> 0).toBe(0x80000000); // hypervisor; no SSE3
  });

  it('wrmsr/rdmsr SYSENTER_CS round-trips; an unknown MSR is #GP(0)', () => {
    const m = pmMachine([0xb9, 0x74, 0x01, 0x00, 0x00, 0xb8, 0x10, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x30, 0x31, 0xc0, 0x0f, 0x32, 0x89, 0xc3, 0xb9, 0x45, 0x23, 0x01, 0x00, 0x0f, 0x32, 0xf4]);
    run(m);
    expect(m.cpu.regs[R_EBX]).toBe(0x10);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 1)).toBe(0x1019);
    expect(stackDword(m, 2)).toBe(SEL_CODE32);
  });

  it('an MSR access that raises #GP is logged under -d unimp; IA32_MISC_ENABLE keeps 64 bits', () => {
    // mov ecx, 0x1a0; mov edx, 0x4; mov eax, 0x401; wrmsr; rdmsr; mov ebx, edx;
    // mov ecx, 0x12345678; wrmsr; hlt
    const code = [0xb9, 0xa0, 0x01, 0x00, 0x00, 0xba, 0x04, 0x00, 0x00, 0x00, 0xb8, 0x01, 0x04, 0x00, 0x00, 0x0f, 0x30,
      0x0f, 0x32, 0x89, 0xd3, 0xb9, 0x78, 0x56, 0x34, 0x12, 0x0f, 0x30, 0xf4];
    const m = pmMachine(code);
    const lines: string[] = [];
    m.cpu.log = {
      int: false, unimp: true, guestErrors: false, cpuReset: false, inAsm: false, outAsm: false,
      exec: false, cpu: false, mmu: false, nochain: false, page: false, traceSmc: false, inRange: () => true, write: (l) => lines.push(l),
    };
    run(m);
    expect(m.cpu.regs[R_EBX]).toBe(4);
    expect(pmVector(m)).toBe(13);
    expect(lines).toEqual(['wrmsr 0x12345678: no such MSR on -cpu qemu32, #GP\n']);
  });

  it('rdtsc counts guest nanoseconds from retired instructions (8 ns each by default)', () => {
    // rdtsc; mov ebx, eax; nop; rdtsc
    const m = pmMachine([0x0f, 0x31, 0x89, 0xc3, 0x90, 0x0f, 0x31, 0xf4]);
    run(m);
    expect((m.cpu.regs[R_EAX]! - m.cpu.regs[R_EBX]!) | 0).toBe(3 * 8);
    expect(m.cpu.regs[R_EDX]).toBe(0);
  });
});
