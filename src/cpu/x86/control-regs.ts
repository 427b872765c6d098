// Control and debug registers: mov to/from CR0/CR2/CR3/CR4 and DR0-DR7, lmsw, smsw, clts,
// and the cache/TLB maintenance instructions invlpg, invd, wbinvd. Every change the soft TLB
// depends on (paging bits, CR3, CR4 paging features) flushes it.

import {
  CR0_CD_MASK,
  CR0_EM_MASK,
  CR0_ET_MASK,
  CR0_MP_MASK,
  CR0_NW_MASK,
  CR0_PE_MASK,
  CR0_PG_MASK,
  CR0_TS_MASK,
  CR0_WP_MASK,
  CR4_DE_MASK,
  CR4_MCE_MASK,
  CR4_OSFXSR_MASK,
  CR4_OSXMMEXCPT_MASK,
  CR4_PAE_MASK,
  CR4_PCE_MASK,
  CR4_PGE_MASK,
  CR4_PSE_MASK,
  CR4_PVI_MASK,
  CR4_TSD_MASK,
  CR4_VME_MASK,
  EXCP06_ILLOP,
  EXCP07_PREX,
  EXCP0D_GPF,
} from './constants.js';
import { FLUSH_CR0_CR4, FLUSH_CR3 } from '../../softmmu/tlb.js';
import type { X86CPU } from './cpu.js';
import { defineHandler } from './interp/handlers.js';
import { ea } from './interp/operands.js';
import { requireCpl0 } from './system.js';
import {
  CPUID_DE,
  CPUID_FXSR,
  CPUID_MCE,
  CPUID_PAE,
  CPUID_PGE,
  CPUID_PSE,
  CPUID_SSE,
  CPUID_TSC,
  CPUID_VME,
  FEAT_1_EDX,
} from './cpu-models.js';

/**
 * The device-not-available rule for x87 instructions (SDM 2.5, CR0.EM/MP/TS): an escape
 * opcode is #NM when EM or TS is set; wait/fwait only when both MP and TS are. For the x87
 * handlers to call before doing anything.
 */
export function checkFpuAvailable(cpu: X86CPU, isWait: boolean): void {
  const cr0 = cpu.cr0;
  if (isWait ? (cr0 & (CR0_MP_MASK | CR0_TS_MASK)) === (CR0_MP_MASK | CR0_TS_MASK) : cr0 & (CR0_EM_MASK | CR0_TS_MASK)) {
    cpu.raise(EXCP07_PREX);
  }
}

/**
 * CR4 bits the CPU accepts: each belongs to a CPUID feature, and on a CPU without the feature
 * the bit is reserved, so mov cr4 with it set is #GP(0) as on such hardware. QEMU 7.2 takes
 * bits 0-10 on every model instead (test/golden/DEVIATIONS.md). PCE has no CPUID flag.
 */
export function cr4ValidMask(cpu: X86CPU): number {
  const f = cpu.features[FEAT_1_EDX]!;
  let valid = CR4_PCE_MASK;
  if (f & CPUID_VME) valid |= CR4_VME_MASK | CR4_PVI_MASK;
  if (f & CPUID_TSC) valid |= CR4_TSD_MASK;
  if (f & CPUID_DE) valid |= CR4_DE_MASK;
  if (f & CPUID_PSE) valid |= CR4_PSE_MASK;
  if (f & CPUID_PAE) valid |= CR4_PAE_MASK;
  if (f & CPUID_MCE) valid |= CR4_MCE_MASK;
  if (f & CPUID_PGE) valid |= CR4_PGE_MASK;
  if (f & CPUID_FXSR) valid |= CR4_OSFXSR_MASK;
  if (f & CPUID_SSE) valid |= CR4_OSXMMEXCPT_MASK;
  return valid;
}

/** Write CR0 with the SDM's #GP(0) rules; flushes the TLB and refreshes mode-derived state. */
export function writeCr0(cpu: X86CPU, value: number): void {
  value |= 0;
  if (value & CR0_PG_MASK && !(value & CR0_PE_MASK)) cpu.raise(EXCP0D_GPF, 0);
  if (value & CR0_NW_MASK && !(value & CR0_CD_MASK)) cpu.raise(EXCP0D_GPF, 0);
  if (cpu.log?.mmu) cpu.log.write(`CR0 update: CR0=0x${(value >>> 0).toString(16).padStart(8, '0')}\n`);
  const old = cpu.cr0;
  cpu.cr0 = value | CR0_ET_MASK; // ET is hardwired to 1 from the 486 on
  const changed = old ^ cpu.cr0;
  if (changed & (CR0_PG_MASK | CR0_WP_MASK | CR0_PE_MASK)) cpu.mmu.tlb.flushAll(FLUSH_CR0_CR4);
  if (changed & CR0_PE_MASK) {
    // Leaving protected mode: real mode runs at CPL 0 whatever the caches say.
    if (!(cpu.cr0 & CR0_PE_MASK)) cpu.cpl = 0;
    cpu.updateAllSegAccess();
  }
  cpu.updateMmuIdx();
}

export function writeCr3(cpu: X86CPU, value: number): void {
  cpu.cr3 = value | 0;
  // -d mmu: QEMU's cpu_x86_update_cr3 logs only with paging on.
  if (cpu.log?.mmu && cpu.cr0 & CR0_PG_MASK) cpu.log.write(`CR3 update: CR3=${(value >>> 0).toString(16).padStart(8, '0')}\n`);
  // Architecturally global pages could survive; flushing them too is allowed (QEMU does).
  cpu.mmu.tlb.flushAll(FLUSH_CR3);
}

export function writeCr4(cpu: X86CPU, value: number): void {
  value |= 0;
  if (value & ~cr4ValidMask(cpu)) cpu.raise(EXCP0D_GPF, 0);
  const changed = cpu.cr4 ^ value;
  cpu.cr4 = value;
  if (changed & (CR4_PSE_MASK | CR4_PAE_MASK | CR4_PGE_MASK)) cpu.mmu.tlb.flushAll(FLUSH_CR0_CR4);
}

defineHandler('mov_Rd_Cd', (cpu, i) => {
  requireCpl0(cpu);
  let v: number;
  switch (i.reg) {
    case 0: v = cpu.cr0; break;
    case 2: v = cpu.cr2; break;
    case 3: v = cpu.cr3; break;
    default: v = cpu.cr4; break;
  }
  cpu.regs[i.rm] = v;
});

defineHandler('mov_Cd_Rd', (cpu, i) => {
  requireCpl0(cpu);
  const v = cpu.regs[i.rm]!;
  switch (i.reg) {
    case 0: writeCr0(cpu, v); break;
    case 2: cpu.cr2 = v; break;
    case 3: writeCr3(cpu, v); break;
    default: writeCr4(cpu, v); break;
  }
});

/** DR4/DR5 are DR6/DR7 unless CR4.DE makes them #UD. */
function drIndex(cpu: X86CPU, n: number): number {
  if (n === 4 || n === 5) {
    if (cpu.cr4 & CR4_DE_MASK) cpu.raise(EXCP06_ILLOP);
    return n + 2;
  }
  return n;
}

defineHandler('mov_Rd_Dd', (cpu, i) => {
  requireCpl0(cpu);
  cpu.regs[i.rm] = cpu.dr[drIndex(cpu, i.reg)]!;
});

defineHandler('mov_Dd_Rd', (cpu, i) => {
  requireCpl0(cpu);
  const n = drIndex(cpu, i.reg);
  const v = cpu.regs[i.rm]!;
  if (n === 6) {
    cpu.dr[6] = v | 0xffff0ff0; // reserved bits read as ones
  } else if (n === 7) {
    cpu.dr[7] = (v | 0x400) & ~0xd800; // bit 10 reads 1; 11, 12, 14, 15 read 0
    if (cpu.dr[7]! & 0xff && cpu.log?.unimp) {
      cpu.log.write(`DR7=${(cpu.dr[7]! >>> 0).toString(16)}: hardware breakpoints are not implemented\n`);
    }
  } else {
    cpu.dr[n] = v;
  }
});

defineHandler('smsw_Ew', (cpu, i) => {
  // Not privileged. A register destination with o32 receives all of CR0 (QEMU, P6).
  if (i.isMem) cpu.write16(i.seg, ea(cpu, i), cpu.cr0);
  else if (i.opsize === 32) cpu.regs[i.rm] = cpu.cr0;
  else cpu.setReg16(i.rm, cpu.cr0);
});

defineHandler('lmsw_Ew', (cpu, i) => {
  requireCpl0(cpu);
  const v = i.isMem ? cpu.read16(i.seg, ea(cpu, i)) : cpu.regs[i.rm]! & 0xffff;
  // Only PE MP EM TS; PE can be set but not cleared.
  writeCr0(cpu, (cpu.cr0 & ~0xe) | (v & 0xf));
});

defineHandler('clts', (cpu) => {
  requireCpl0(cpu);
  cpu.cr0 &= ~CR0_TS_MASK;
});

defineHandler('invlpg_M', (cpu, i) => {
  requireCpl0(cpu);
  // The operand is a linear address through the segment (no access is made, so no checks).
  cpu.mmu.tlb.flushPage((cpu.segBase[i.seg]! + ea(cpu, i)) | 0);
});

// No caches are modelled: invalidating or writing them back has nothing to do beyond the
// privilege check.
defineHandler('invd', (cpu) => requireCpl0(cpu));
defineHandler('wbinvd', (cpu) => requireCpl0(cpu));
