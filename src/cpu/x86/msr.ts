// Model-specific registers (rdmsr/wrmsr) of the qemu32 model and the time-stamp counter
// (rdtsc). The TSC counts guest nanoseconds derived from retired instructions, as QEMU's
// -icount does, so runs are deterministic; an unknown MSR is #GP(0).

import { CR4_TSD_MASK, EXCP0D_GPF, R_EAX, R_ECX, R_EDX } from './constants.js';
import type { X86CPU } from './cpu.js';
import { defineHandler } from './interp/handlers.js';
import { requireCpl0 } from './system.js';

const MSR_IA32_TSC = 0x10;
const MSR_IA32_APICBASE = 0x1b;
const MSR_MTRRcap = 0xfe;
const MSR_IA32_SYSENTER_CS = 0x174;
const MSR_IA32_SYSENTER_ESP = 0x175;
const MSR_IA32_SYSENTER_EIP = 0x176;
const MSR_IA32_MISC_ENABLE = 0x1a0;
const MSR_MTRRphysBase0 = 0x200;
const MSR_MTRRphysMask7 = 0x20f;
const MSR_MTRRfix64K = 0x250;
const MSR_MTRRfix16K_80000 = 0x258;
const MSR_MTRRfix16K_A0000 = 0x259;
const MSR_MTRRfix4K_C0000 = 0x268;
const MSR_MTRRfix4K_F8000 = 0x26f;
const MSR_PAT = 0x277;
const MSR_MTRRdefType = 0x2ff;
const MSR_EFER = 0xc0000080;

/** The TSC counts guest nanoseconds: 2^cpu.tscShift per retired instruction (-icount shift). */
export function readTsc(cpu: X86CPU): bigint {
  return (BigInt(cpu.liveIcount) << BigInt(cpu.tscShift)) + BigInt(cpu.tscOffset);
}

function split(cpu: X86CPU, v: bigint): void {
  cpu.regs[R_EAX] = Number(BigInt.asIntN(32, v));
  cpu.regs[R_EDX] = Number(BigInt.asIntN(32, v >> 32n));
}

/** Index of a fixed-range MTRR MSR in cpu.mtrrFixed, or -1. */
function fixedMtrr(index: number): number {
  if (index === MSR_MTRRfix64K) return 0;
  if (index === MSR_MTRRfix16K_80000) return 1;
  if (index === MSR_MTRRfix16K_A0000) return 2;
  if (index >= MSR_MTRRfix4K_C0000 && index <= MSR_MTRRfix4K_F8000) return 3 + index - MSR_MTRRfix4K_C0000;
  return -1;
}

export function rdmsr(cpu: X86CPU, index: number): bigint {
  switch (index) {
    case MSR_IA32_TSC: return readTsc(cpu);
    case MSR_IA32_APICBASE: return BigInt(cpu.apicBase >>> 0);
    case MSR_IA32_SYSENTER_CS: return BigInt(cpu.sysenterCs >>> 0);
    case MSR_IA32_SYSENTER_ESP: return BigInt(cpu.sysenterEsp >>> 0);
    case MSR_IA32_SYSENTER_EIP: return BigInt(cpu.sysenterEip >>> 0);
    case MSR_IA32_MISC_ENABLE: return BigInt(cpu.miscEnable >>> 0);
    case MSR_PAT: return cpu.pat;
    case MSR_EFER: return BigInt(cpu.efer >>> 0);
    // qemu32 has no MTRR CPUID bit; QEMU still answers the MTRR MSRs, with MTRRcap 0.
    case MSR_MTRRcap: return 0n;
    case MSR_MTRRdefType: return cpu.mtrrDefType;
  }
  if (index >= MSR_MTRRphysBase0 && index <= MSR_MTRRphysMask7) return cpu.mtrrVar[index - MSR_MTRRphysBase0]!;
  const f = fixedMtrr(index);
  if (f >= 0) return cpu.mtrrFixed[f]!;
  return cpu.raise(EXCP0D_GPF, 0);
}

export function wrmsr(cpu: X86CPU, index: number, v: bigint): void {
  const lo = Number(BigInt.asIntN(32, v));
  switch (index) {
    case MSR_IA32_TSC:
      cpu.tscOffset = Number(v - (BigInt(cpu.liveIcount) << BigInt(cpu.tscShift)));
      return;
    case MSR_IA32_APICBASE:
      // The local APIC owns the register (it may move its MMIO window); without one, keep
      // QEMU's apic_set_base rules here: BSP (bit 8) kept, enable (bit 11) only clears.
      if (cpu.onApicBaseWrite) {
        cpu.onApicBaseWrite(lo >>> 0);
      } else {
        cpu.apicBase = ((lo & 0xfffff000) | (cpu.apicBase & 0x900)) >>> 0;
        if (!(lo & 0x800)) cpu.apicBase = (cpu.apicBase & ~0x800) >>> 0;
      }
      return;
    case MSR_IA32_SYSENTER_CS: cpu.sysenterCs = lo & 0xffff; return;
    case MSR_IA32_SYSENTER_ESP: cpu.sysenterEsp = lo; return;
    case MSR_IA32_SYSENTER_EIP: cpu.sysenterEip = lo; return;
    case MSR_IA32_MISC_ENABLE: cpu.miscEnable = lo; return;
    case MSR_PAT: cpu.pat = BigInt.asUintN(64, v); return;
    // EFER: qemu32 offers none of SCE/LME/NXE, so QEMU's update mask is empty: writes are ignored.
    case MSR_EFER: return;
    case MSR_MTRRcap: return cpu.raise(EXCP0D_GPF, 0); // read-only
    case MSR_MTRRdefType: cpu.mtrrDefType = BigInt.asUintN(64, v); return;
  }
  if (index >= MSR_MTRRphysBase0 && index <= MSR_MTRRphysMask7) {
    cpu.mtrrVar[index - MSR_MTRRphysBase0] = BigInt.asUintN(64, v);
    return;
  }
  const f = fixedMtrr(index);
  if (f >= 0) {
    cpu.mtrrFixed[f] = BigInt.asUintN(64, v);
    return;
  }
  cpu.raise(EXCP0D_GPF, 0);
}

defineHandler('rdmsr', (cpu) => {
  requireCpl0(cpu);
  split(cpu, rdmsr(cpu, cpu.regs[R_ECX]! >>> 0));
});

defineHandler('wrmsr', (cpu) => {
  requireCpl0(cpu);
  const v = (BigInt(cpu.regs[R_EDX]! >>> 0) << 32n) | BigInt(cpu.regs[R_EAX]! >>> 0);
  wrmsr(cpu, cpu.regs[R_ECX]! >>> 0, v);
});

defineHandler('rdtsc', (cpu) => {
  if (cpu.cr4 & CR4_TSD_MASK && cpu.pe && cpu.cpl !== 0) cpu.raise(EXCP0D_GPF, 0);
  split(cpu, readTsc(cpu));
});
