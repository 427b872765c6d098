// What the -cpu model's CPUID features gate, on both engines: cmovcc, cmpxchg8b, MMX and fxsave
// are #UD without CMOV / CX8 / MMX / FXSR, a CR4 bit of a feature the model lacks is #GP(0), EFER keeps NXE only
// with NX, MTRRcap and the machine-check MSRs follow MTRR and MCA, disabling the APIC clears
// its CPUID bit, PAE's XD bit is reserved until EFER.NXE is set, and PAE's reserved address
// bits follow the model's physical-address width.
import { describe, expect, it } from 'vitest';
import { CR0_PG_MASK, CR4_PAE_MASK, R_EAX, R_EBX, R_EDX } from '../../../../src/cpu/x86/constants.js';
import { findCpuModel, findFeature, resolveCpu, type FeatureChange } from '../../../../src/cpu/x86/cpu-models.js';
import { EXIT_HALTED } from '../../../../src/cpu/x86/interp/index.js';
import { TcgEngine } from '../../../../src/cpu/x86/tcg/engine.js';
import { peek32, poke32, run, type Machine } from '../harness.js';
import { pmMachine, pmVector, stackDword } from './pm-env.js';

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const movEax = (v: number) => [0xb8, ...le32(v)];
const movEcx = (v: number) => [0xb9, ...le32(v)];
const XOR_EDX = [0x31, 0xd2];
const RDMSR = [0x0f, 0x32];
const WRMSR = [0x0f, 0x30];
const CPUID = [0x0f, 0xa2];
const HLT = [0xf4];

/** "qemu32" or "qemu32,+nx": the model with features switched on. */
function cpuDef(spec: string) {
  const [name, ...plus] = spec.split(',');
  const changes: FeatureChange[] = plus.map((p) => {
    const f = findFeature(p.slice(1))!;
    return { word: f.word, bit: f.bit, on: p[0] === '+' };
  });
  return resolveCpu(findCpuModel(name!)!, changes);
}

/** Protected-mode machine with the CPU of `spec`, run to hlt on one engine. */
function runOn(engine: 'interp' | 'tcg', spec: string, code: number[], setup?: (m: Machine) => void): Machine {
  const m = pmMachine(code);
  m.cpu.setCpuDefinition(cpuDef(spec));
  setup?.(m);
  if (engine === 'interp') run(m);
  else expect(new TcgEngine(m.cpu).run(m.cpu, 100_000)).toBe(EXIT_HALTED);
  return m;
}

describe.each(['interp', 'tcg'] as const)('CPUID feature gates (%s)', (engine) => {
  // xor eax, eax; mov ebx, 0x1234; cmp eax, eax; cmovz eax, ebx; hlt
  const CMOV = [0x31, 0xc0, 0xbb, 0x34, 0x12, 0x00, 0x00, 0x39, 0xc0, 0x0f, 0x44, 0xc3, ...HLT];
  // cmovz eax, [0xfffffffe]: past the flat segment's limit (#GP(0)) when the model has CMOV
  const CMOV_BAD_MEM = [0x0f, 0x44, 0x05, 0xfe, 0xff, 0xff, 0xff, ...HLT];
  // mov eax, 1; xor edx, edx; mov ebx, 0x55; xor ecx, ecx; cmpxchg8b [0x5800]; hlt
  const CX8 = [...movEax(1), ...XOR_EDX, 0xbb, 0x55, 0, 0, 0, 0x31, 0xc9, 0x0f, 0xc7, 0x0d, 0x00, 0x58, 0x00, 0x00, ...HLT];

  it('cmovcc is #UD without CMOV, before its memory operand is checked', () => {
    expect(runOn(engine, 'qemu32', CMOV).cpu.regs[R_EAX]).toBe(0x1234);
    for (const spec of ['486', 'pentium', 'qemu32,-cmov']) {
      const m = runOn(engine, spec, CMOV);
      expect(pmVector(m), spec).toBe(6);
      expect(m.cpu.regs[R_EAX]).toBe(0);
      expect(pmVector(runOn(engine, spec, CMOV_BAD_MEM)), spec).toBe(6);
    }
    expect(pmVector(runOn(engine, 'qemu32', CMOV_BAD_MEM))).toBe(13);
  });

  it('MMX is #UD without MMX (QEMU 7.2 runs it there), fxsave without FXSR', () => {
    // mov eax, 5; movd mm0, eax; paddb mm0, mm0; movd ebx, mm0; hlt
    const MMX = [...movEax(5), 0x0f, 0x6e, 0xc0, 0x0f, 0xfc, 0xc0, 0x0f, 0x7e, 0xc3, ...HLT];
    expect(runOn(engine, 'pentium', MMX).cpu.regs[R_EBX]).toBe(10);
    for (const spec of ['486', 'pentium,-mmx']) expect(pmVector(runOn(engine, spec, MMX)), spec).toBe(6);
    // fxsave [0x5800]; hlt: FCW is the image's first word
    const FXSAVE = [0x0f, 0xae, 0x05, 0x00, 0x58, 0x00, 0x00, ...HLT];
    expect(peek32(runOn(engine, 'pentium2', FXSAVE, (m) => poke32(m, 0x5800, 0)), 0x5800) & 0xffff).toBe(0x37f);
    expect(pmVector(runOn(engine, 'pentium', FXSAVE))).toBe(6);
  });

  it('cmpxchg8b is #UD without CX8 and leaves memory alone', () => {
    const init = (m: Machine) => {
      poke32(m, 0x5800, 1);
      poke32(m, 0x5804, 0);
    };
    expect(peek32(runOn(engine, 'pentium', CX8, init), 0x5800)).toBe(0x55);
    const m = runOn(engine, '486', CX8, init);
    expect(pmVector(m)).toBe(6);
    expect(peek32(m, 0x5800)).toBe(1);
  });

  it('mov cr4 takes only the bits of features the model reports (#GP(0) for the others)', () => {
    // Bits 0-10 VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT. VME and SSE are never
    // reported (tcg86 lacks them), so VME, PVI and OSXMMEXCPT are always #GP; OSFXSR needs FXSR.
    const accepted: Record<string, number> = {
      qemu32: 0x3fc, // TSD DE PSE PAE MCE PGE PCE OSFXSR
      pentium3: 0x3fc,
      pentium: 0x15c, // TSD DE PSE MCE PCE
      '486': 0x110, // PSE PCE
    };
    for (const [spec, mask] of Object.entries(accepted)) {
      for (let bit = 0; bit <= 11; bit++) {
        const m = runOn(engine, spec, [...movEax(1 << bit), 0x0f, 0x22, 0xe0, ...HLT]);
        const ok = (mask & (1 << bit)) !== 0;
        expect(pmVector(m), `${spec} bit ${bit}`).toBe(ok ? -1 : 13);
        expect(m.cpu.cr4, `${spec} bit ${bit}`).toBe(ok ? 1 << bit : 0);
        if (!ok) expect(stackDword(m, 0)).toBe(0);
      }
    }
  });

  it('EFER keeps NXE only on a model with NX; SCE never (no SYSCALL on a 32-bit CPU)', () => {
    // mov ecx, EFER; mov eax, NXE|SCE; xor edx, edx; wrmsr; rdmsr; hlt
    const code = [...movEcx(0xc0000080), ...movEax(0x801), ...XOR_EDX, ...WRMSR, ...RDMSR, ...HLT];
    expect(runOn(engine, 'qemu32', code).cpu.regs[R_EAX]).toBe(0);
    expect(runOn(engine, 'qemu32,+nx', code).cpu.regs[R_EAX]).toBe(0x800);
    expect(runOn(engine, 'coreduo', code).cpu.regs[R_EAX]).toBe(0x800);
    expect(runOn(engine, '486', code).cpu.regs[R_EAX]).toBe(0);
  });

  it('MTRRcap and MCG_CAP describe the MTRR and MCA features; machine-check banks exist only with MCA', () => {
    const rd = (spec: string, index: number) => {
      const m = runOn(engine, spec, [...movEcx(index), ...RDMSR, ...HLT]);
      return pmVector(m) >= 0 ? `#${pmVector(m)}` : ((BigInt(m.cpu.regs[R_EDX]! >>> 0) << 32n) | BigInt(m.cpu.regs[R_EAX]! >>> 0)).toString(16);
    };
    expect(rd('qemu32', 0xfe)).toBe('0');
    expect(rd('pentium2', 0xfe)).toBe('508');
    expect(rd('qemu32', 0x179)).toBe('0');
    expect(rd('pentium2', 0x179)).toBe('100010a');
    expect(rd('pentium2', 0x17b)).toBe('ffffffffffffffff'); // MCG_CTL
    expect(rd('pentium2', 0x400)).toBe('ffffffffffffffff'); // MC0_CTL
    expect(rd('pentium2', 0x427)).toBe('0'); // MC9_MISC, the last bank register
    expect(rd('pentium2', 0x428)).toBe('#13');
    expect(rd('qemu32', 0x400)).toBe('#13');
    // A bank's CTL takes only all-ones or zero; its STATUS takes anything; MCG_CAP is read-only.
    const wr = (index: number, v: number) => [...movEcx(index), ...movEax(v), ...XOR_EDX, ...WRMSR, ...RDMSR, ...HLT];
    expect(runOn(engine, 'pentium2', wr(0x400, 0x1234)).cpu.regs[R_EAX]).toBe(-1);
    expect(runOn(engine, 'pentium2', wr(0x401, 0x1234)).cpu.regs[R_EAX]).toBe(0x1234);
    expect(pmVector(runOn(engine, 'pentium2', wr(0x179, 0)))).toBe(13);
  });

  it('disabling the local APIC clears CPUID.1:EDX.APIC (QEMU\'s cpu_clear_apic_feature)', () => {
    // mov ecx, APIC_BASE; rdmsr; and eax, ~0x800; wrmsr; mov eax, 1; cpuid; hlt
    const code = [...movEcx(0x1b), ...RDMSR, 0x25, ...le32(~0x800), ...WRMSR, ...movEax(1), ...CPUID, ...HLT];
    const m = runOn(engine, 'qemu32', code);
    expect(m.cpu.regs[R_EDX]! & (1 << 9)).toBe(0);
    expect(runOn(engine, 'qemu32', [...movEax(1), ...CPUID, ...HLT]).cpu.regs[R_EDX]! & (1 << 9)).toBe(1 << 9);
  });

  describe('PAE', () => {
    // PDPT at 0x20000; PD[0] a 2M identity page (code, tables, stack); PD[1] -> PT at 0x22000
    // whose entry 0 maps 0x200000 with the given high dword.
    const paeSetup = (high: number, nxe = false) => (m: Machine) => {
      poke32(m, 0x20000, 0x21000 | 1);
      poke32(m, 0x21000, 0x87);
      poke32(m, 0x21008, 0x22000 | 7);
      poke32(m, 0x22000, 0x1000 | 7);
      poke32(m, 0x22004, high);
      m.cpu.cr3 = 0x20000;
      m.cpu.cr4 |= CR4_PAE_MASK;
      m.cpu.cr0 |= CR0_PG_MASK;
      if (nxe) m.cpu.efer |= 0x800;
      m.cpu.updateMmuIdx();
      m.cpu.mmu.tlb.flushAll();
    };
    const READ = [0x8b, 0x1d, 0x00, 0x00, 0x20, 0x00, ...HLT]; // mov ebx, [0x200000]

    it('address bits above the model\'s width are reserved: 36 with PAE and no leaf 80000008h, else its value', () => {
      // Bit 32 of the page's address: a RSVD fault (P|RSVD) on coreduo (CPUID 80000008h: 32 bits),
      // an access beyond 4 GiB on qemu32 (36 bits, SDM vol. 3, 4.1.4).
      const m = runOn(engine, 'coreduo', READ, paeSetup(1));
      expect(pmVector(m)).toBe(14);
      expect(stackDword(m, 0)).toBe(9);
      expect(pmVector(runOn(engine, 'qemu32', READ, paeSetup(1)))).toBe(-1);
    });

    it('XD is a reserved bit while EFER.NXE is clear; with NX and NXE a data read passes', () => {
      const xd = 0x80000000;
      const m = runOn(engine, 'qemu32,+nx', READ, paeSetup(xd));
      expect(pmVector(m)).toBe(14);
      expect(stackDword(m, 0)).toBe(9); // P | RSVD
      const m2 = runOn(engine, 'qemu32,+nx', READ, paeSetup(xd, true));
      expect(pmVector(m2)).toBe(-1);
      expect(m2.cpu.regs[R_EBX]).toBe(peek32(m2, 0x1000));
    });
  });
});
