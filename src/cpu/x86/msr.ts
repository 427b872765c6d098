// Model-specific registers (rdmsr/wrmsr) and the time-stamp counter (rdtsc). The TSC counts
// guest nanoseconds derived from retired instructions, as QEMU's -icount does, so runs are
// deterministic. As in QEMU 7.2 the MSRs QEMU has answer whatever the model, with values
// (MTRRcap, MCG_CAP) and writable bits (EFER) from its features; the SDM's architectural MSRs
// of later families exist from the family that introduced them (vol. 4, table 2-2). An unknown
// MSR, and a write to a read-only one, is #GP(0) as on the hardware (QEMU reads 0 and ignores
// the write) and is logged under -d unimp.

import { FLUSH_CR0_CR4 } from '../../softmmu/tlb.js';
import { CR4_TSD_MASK, EFER_NXE, EXCP0D_GPF, R_EAX, R_ECX, R_EDX } from './constants.js';
import type { X86CPU } from './cpu.js';
import { CPUID_EXT2_LM, CPUID_EXT2_NX, CPUID_EXT2_SYSCALL, CPUID_MTRR, FEAT_1_EDX, FEAT_8000_0001_EDX } from './cpu-models.js';
import { clearApicFeature, setApicFeature } from './cpuid.js';
import { defineHandler } from './interp/handlers.js';
import { requireCpl0 } from './system.js';

const MSR_IA32_P5_MC_ADDR = 0x0;
const MSR_IA32_P5_MC_TYPE = 0x1;
const MSR_IA32_TSC = 0x10;
const MSR_IA32_PLATFORM_ID = 0x17;
const MSR_IA32_BIOS_UPDT_TRIG = 0x79;
const MSR_IA32_BIOS_SIGN_ID = 0x8b;
const MSR_IA32_PERF_STATUS = 0x198;
const MSR_IA32_PERF_CTL = 0x199;
const MSR_IA32_DEBUGCTL = 0x1d9;
const MSR_IA32_APICBASE = 0x1b;
const MSR_MTRRcap = 0xfe;
const MSR_IA32_SYSENTER_CS = 0x174;
const MSR_IA32_SYSENTER_ESP = 0x175;
const MSR_IA32_SYSENTER_EIP = 0x176;
const MSR_MCG_CAP = 0x179;
const MSR_MCG_STATUS = 0x17a;
const MSR_MCG_CTL = 0x17b;
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
const MSR_MC0_CTL = 0x400;
const MSR_EFER = 0xc0000080;
const EFER_SCE = 1 << 0;
const EFER_LME = 1 << 8;
/** MTRRcap with the MTRR feature: 8 variable ranges, fixed ranges, write-combining. */
const MTRR_CAP = 0x508;
const ALL_ONES = 0xffffffffffffffffn;
/** MCG_CAP.MCG_CTL_P: the MCG_CTL register exists. */
const MCG_CTL_P = 0x100;

/** QEMU's IA32_PERF_STATUS: bus ratio 4 (bits 44:40) and 1000 in the low field. */
const PERF_STATUS = 0x400000003e8n;

/** The SDM family (extended family folded in) and model of the CPU. */
function familyOf(cpu: X86CPU): number {
  return cpu.def.model.family;
}

/** P6 and later Intel: PLATFORM_ID, BIOS_UPDT_TRIG (SDM vol. 4, table 2-2: 06_01H). */
function intelP6(cpu: X86CPU): boolean {
  return !cpu.def.isAmd && familyOf(cpu) >= 6;
}

/** IA32_PERF_STATUS / IA32_PERF_CTL: architectural from 0F_03H. */
function hasPerfCtl(cpu: X86CPU): boolean {
  return !cpu.def.isAmd && familyOf(cpu) === 15 && cpu.def.model.model >= 3;
}

/** #GP(0) for an MSR access the model does not allow, logged under -d unimp. */
function msrFault(cpu: X86CPU, insn: string, index: number, why: string): never {
  if (cpu.log?.unimp) cpu.log.write(`${insn} 0x${index.toString(16)}: ${why}, #GP\n`);
  return cpu.raise(EXCP0D_GPF, 0);
}

/** Index into cpu.mceBanks of a machine-check bank MSR, or -1 (none without MCA). */
function mceBank(cpu: X86CPU, index: number): number {
  const n = (cpu.mcgCap & 0xff) * 4;
  return index >= MSR_MC0_CTL && index < MSR_MC0_CTL + n ? index - MSR_MC0_CTL : -1;
}

/** EFER bits the guest may change: only those of features the model has (QEMU's update_mask). */
function eferWritable(cpu: X86CPU): number {
  const ext = cpu.features[FEAT_8000_0001_EDX]!;
  return (ext & CPUID_EXT2_SYSCALL ? EFER_SCE : 0) | (ext & CPUID_EXT2_LM ? EFER_LME : 0) | (ext & CPUID_EXT2_NX ? EFER_NXE : 0);
}

/**
 * Guest nanoseconds now, as the machine's clock counts them: 2^cpu.tscShift per retired
 * instruction or delivered event of any vCPU (-icount shift), plus the time spent halted.
 */
function guestNs(cpu: X86CPU): number {
  // Whole nanoseconds: halted time ends at timer deadlines, which may fall between two.
  return Math.floor((cpu.otherEvents + cpu.events + cpu.tbInsn) * 2 ** cpu.tscShift + cpu.idleNs);
}

/** The TSC counts guest nanoseconds, halted time included (the PIT's clock). */
export function readTsc(cpu: X86CPU): bigint {
  return BigInt(guestNs(cpu)) + BigInt(cpu.tscOffset);
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
    case MSR_IA32_MISC_ENABLE: return cpu.miscEnable;
    case MSR_PAT: return cpu.pat;
    case MSR_EFER: return BigInt(cpu.efer >>> 0);
    // Without the MTRR CPUID bit QEMU still answers the MTRR MSRs, with MTRRcap 0.
    case MSR_MTRRcap: return cpu.features[FEAT_1_EDX]! & CPUID_MTRR ? BigInt(MTRR_CAP) : 0n;
    case MSR_MTRRdefType: return cpu.mtrrDefType;
    // Without MCA, MCG_CAP is 0 and there are no banks (QEMU's mce_init).
    case MSR_MCG_CAP: return BigInt(cpu.mcgCap);
    case MSR_MCG_CTL: return cpu.mcgCap & MCG_CTL_P ? cpu.mcgCtl : 0n;
    case MSR_MCG_STATUS: return cpu.mcgStatus;
    // Pentium machine-check address/type: no machine check is ever signalled, so both are 0.
    case MSR_IA32_P5_MC_ADDR:
    case MSR_IA32_P5_MC_TYPE:
      if (familyOf(cpu) >= 5) return 0n;
      break;
    case MSR_IA32_PLATFORM_ID: if (intelP6(cpu)) return 0n; break; // platform 0, as QEMU reads it
    case MSR_IA32_BIOS_UPDT_TRIG:
      if (intelP6(cpu)) return msrFault(cpu, 'rdmsr', index, 'write-only MSR');
      break;
    case MSR_IA32_BIOS_SIGN_ID: if (familyOf(cpu) >= 6) return cpu.biosSignId; break;
    case MSR_IA32_DEBUGCTL: if (familyOf(cpu) >= 6) return cpu.debugCtl; break;
    case MSR_IA32_PERF_STATUS: if (hasPerfCtl(cpu)) return PERF_STATUS; break;
    case MSR_IA32_PERF_CTL: if (hasPerfCtl(cpu)) return cpu.perfCtl; break;
  }
  const bank = mceBank(cpu, index);
  if (bank >= 0) return cpu.mceBanks[bank]!;
  if (index >= MSR_MTRRphysBase0 && index <= MSR_MTRRphysMask7) return cpu.mtrrVar[index - MSR_MTRRphysBase0]!;
  const f = fixedMtrr(index);
  if (f >= 0) return cpu.mtrrFixed[f]!;
  return msrFault(cpu, 'rdmsr', index, `no such MSR on -cpu ${cpu.def.model.name}`);
}

export function wrmsr(cpu: X86CPU, index: number, v: bigint): void {
  const lo = Number(BigInt.asIntN(32, v));
  switch (index) {
    case MSR_IA32_TSC:
      cpu.tscOffset = Number(v - BigInt(guestNs(cpu)));
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
      // CPUID reports the APIC while it is globally enabled (QEMU's cpu_clear_apic_feature; a
      // local APIC enabled again reports it again, test/golden/DEVIATIONS.md).
      if (!(cpu.apicBase & 0x800)) clearApicFeature(cpu);
      else if (cpu.onApicBaseWrite) setApicFeature(cpu);
      return;
    case MSR_IA32_SYSENTER_CS: cpu.sysenterCs = lo & 0xffff; return;
    case MSR_IA32_SYSENTER_ESP: cpu.sysenterEsp = lo; return;
    case MSR_IA32_SYSENTER_EIP: cpu.sysenterEip = lo; return;
    case MSR_IA32_MISC_ENABLE: cpu.miscEnable = BigInt.asUintN(64, v); return;
    case MSR_PAT: cpu.pat = BigInt.asUintN(64, v); return;
    // EFER: bits of features the model lacks (NXE without NX: qemu32) keep their value.
    case MSR_EFER: {
      const mask = eferWritable(cpu);
      const old = cpu.efer;
      cpu.efer = (old & ~mask) | (lo & mask);
      // NXE changes what the page walk allows: drop the translations made under the old rule.
      if ((old ^ cpu.efer) & EFER_NXE) cpu.mmu.tlb.flushAll(FLUSH_CR0_CR4);
      return;
    }
    case MSR_MTRRcap:
    case MSR_MCG_CAP:
      return msrFault(cpu, 'wrmsr', index, 'read-only MSR');
    case MSR_IA32_P5_MC_ADDR:
    case MSR_IA32_P5_MC_TYPE:
      if (familyOf(cpu) >= 5) return msrFault(cpu, 'wrmsr', index, 'read-only MSR');
      break;
    case MSR_IA32_PLATFORM_ID:
      if (intelP6(cpu)) return msrFault(cpu, 'wrmsr', index, 'read-only MSR');
      break;
    case MSR_IA32_BIOS_UPDT_TRIG:
      if (!intelP6(cpu)) break;
      // The trigger loads a microcode update from guest memory; there is no microcode to patch.
      if (cpu.log?.unimp) cpu.log.write(`wrmsr 0x79: microcode update at 0x${(v & 0xffffffffn).toString(16)} not applied\n`);
      return;
    // BIOS_SIGN_ID: a guest writes 0 and runs CPUID, which loads the revision (cpuid.ts).
    case MSR_IA32_BIOS_SIGN_ID:
      if (familyOf(cpu) < 6) break;
      cpu.biosSignId = BigInt.asUintN(64, v);
      return;
    case MSR_IA32_DEBUGCTL:
      if (familyOf(cpu) < 6) break;
      // LBR and BTF (bits 0, 1) are kept but not acted on: branch records and single-step on
      // branches are not modelled.
      if (v & 3n && cpu.log?.unimp) cpu.log.write(`wrmsr 0x1d9: IA32_DEBUGCTL LBR/BTF not implemented\n`);
      cpu.debugCtl = BigInt.asUintN(64, v);
      return;
    case MSR_IA32_PERF_STATUS:
      if (hasPerfCtl(cpu)) return msrFault(cpu, 'wrmsr', index, 'read-only MSR');
      break;
    case MSR_IA32_PERF_CTL:
      if (!hasPerfCtl(cpu)) break;
      cpu.perfCtl = BigInt.asUintN(64, v);
      return;
    case MSR_MTRRdefType: cpu.mtrrDefType = BigInt.asUintN(64, v); return;
    case MSR_MCG_STATUS: cpu.mcgStatus = BigInt.asUintN(64, v); return;
    case MSR_MCG_CTL: {
      // Only all-ones or all-zeros, and only when MCG_CAP says MCG_CTL exists.
      const u = BigInt.asUintN(64, v);
      if (cpu.mcgCap & MCG_CTL_P && (u === 0n || u === ALL_ONES)) cpu.mcgCtl = u;
      return;
    }
  }
  const bank = mceBank(cpu, index);
  if (bank >= 0) {
    // A bank's CTL takes only all-ones or all-zeros (QEMU ignores other values).
    const u = BigInt.asUintN(64, v);
    if ((bank & 3) !== 0 || u === 0n || u === ALL_ONES) cpu.mceBanks[bank] = u;
    return;
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
  msrFault(cpu, 'wrmsr', index, `no such MSR on -cpu ${cpu.def.model.name}`);
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
