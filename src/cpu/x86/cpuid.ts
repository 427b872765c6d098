// cpuid with the values QEMU 7.2's cpu_x86_cpuid gives under TCG for the CPU's -cpu model
// (cpu-models.ts): vendor, version, feature words less what tcg86 lacks, QEMU's legacy cache
// descriptors, its "TCGTCGTCGTCG" hypervisor leaf, and a leaf past its range answered as the
// highest basic leaf (SDM vol. 2, CPUID). Recorded by the roms/src/cpuid*.asm goldens.

import { CPUID_APIC, FEAT_1_ECX, FEAT_1_EDX, FEAT_8000_0001_ECX, FEAT_8000_0001_EDX, microcodeRevision, qemuPhysBits } from './cpu-models.js';
import { R_EAX, R_EBX, R_ECX, R_EDX } from './constants.js';
import type { X86CPU } from './cpu.js';
import { defineHandler } from './interp/handlers.js';

/** "TCGTCGTCGTCG" as EBX, ECX, EDX: QEMU's hypervisor vendor leaf under TCG. */
const TCG_SIGNATURE = [0x54474354, 0x43544743, 0x47435447] as const;

// Leaf 4 sub-leaves (deterministic cache parameters): QEMU's legacy L1D, L1I, L2 and L3.
const LEAF4 = [
  [0x121, 0x01c0003f, 0x3f, 1],
  [0x122, 0x01c0003f, 0x3f, 1],
  [0x143, 0x03c0003f, 0xfff, 1],
  [0x163, 0x03c0003f, 0x3fff, 6],
] as const;

/** CPUID.1:EDX.HTT: more than one logical processor per package. */
const CPUID_HT = 1 << 28;

/** Bits of an APIC ID that number threads in a core (QEMU's apicid_core_offset). */
function coreOffset(cpu: X86CPU): number {
  return Math.ceil(Math.log2(cpu.topoThreads));
}

/** Bits of an APIC ID that number logical processors in a package (apicid_pkg_offset). */
function pkgOffset(cpu: X86CPU): number {
  return coreOffset(cpu) + Math.ceil(Math.log2(cpu.topoCores));
}

function set(cpu: X86CPU, a: number, b: number, c: number, d: number): void {
  cpu.regs[R_EAX] = a;
  cpu.regs[R_EBX] = b;
  cpu.regs[R_ECX] = c;
  cpu.regs[R_EDX] = d;
}

export function cpuid(cpu: X86CPU): void {
  const def = cpu.def;
  // CPUID loads the microcode revision into IA32_BIOS_SIGN_ID (SDM vol. 3, 9.11.7.1).
  if (def.model.family >= 6) cpu.biosSignId = microcodeRevision(def.isAmd);
  const f = cpu.features;
  let leaf = cpu.regs[R_EAX]! >>> 0;
  const sub = cpu.regs[R_ECX]! >>> 0;
  // The highest leaf of each range (no 0xC0000000 range on these models); past it, the
  // answer is the highest basic leaf's (for a sub-leaf leaf, with the ECX given).
  const limit = leaf >= 0xc0000000 ? 0 : leaf >= 0x80000000 ? def.xlevel : leaf >= 0x40000000 ? 0x40000001 : def.level;
  if (leaf > limit) leaf = def.level;
  switch (leaf) {
    case 0:
      set(cpu, def.level, def.vendor[0], def.vendor[2], def.vendor[1]);
      break;
    case 1: {
      // EBX: CLFLUSH line size 8 quadwords, the initial APIC ID; with several logical
      // processors in the package (-smp cores/threads) their count and HTT, as QEMU.
      const logical = cpu.topoCores * cpu.topoThreads;
      const b = (cpu.cpuIndex << 24) | 0x800 | (logical > 1 ? logical << 16 : 0);
      set(cpu, def.version, b >>> 0, f[FEAT_1_ECX]!, (f[FEAT_1_EDX]! | (logical > 1 ? CPUID_HT : 0)) >>> 0);
      break;
    }
    case 2:
      // One round; L3 16M (0x4d) in ECX; L1D 32K (0x2c), L1I 32K (0x30), L2 2M (0x7d) in EDX.
      // QEMU gives an AMD model neither this leaf nor leaf 4.
      if (def.isAmd) set(cpu, 0, 0, 0, 0);
      else set(cpu, 1, 0, 0x4d, 0x002c307d);
      break;
    case 4: {
      const l = !def.isAmd && sub < LEAF4.length ? LEAF4[sub]! : null;
      // EAX 31:26 cores per package - 1, 25:14 logical processors sharing the cache - 1 (L2:
      // a core's threads, L3: the package's APIC ID range), as QEMU's encode_cache_cpuid4.
      const sharing = sub === 2 ? cpu.topoThreads : sub === 3 ? 1 << pkgOffset(cpu) : 1;
      if (l) set(cpu, (l[0] | ((cpu.topoCores - 1) << 26) | ((sharing - 1) << 14)) >>> 0, l[1], l[2], l[3]);
      else set(cpu, 0, 0, 0, 0);
      break;
    }
    case 5:
      // MONITOR/MWAIT: QEMU's defaults (extensions enumerated, interrupts as break events).
      set(cpu, 0, 0, 3, 0);
      break;
    case 6:
      // Thermal and power: ARAT (the APIC timer runs in every C-state) on max.
      set(cpu, def.model.leaf6Eax ?? 0, 0, 0, 0);
      break;
    case 0xb:
      // Extended topology, QEMU's for one thread of one core: sub-leaf 0 the SMT level (1
      // logical processor), 1 the core level (1), then invalid levels; EDX the x2APIC id.
      if (sub === 0) set(cpu, coreOffset(cpu), cpu.topoThreads, 0x100, cpu.cpuIndex);
      else if (sub === 1) set(cpu, pkgOffset(cpu), cpu.topoCores * cpu.topoThreads, 0x201, cpu.cpuIndex);
      else set(cpu, 0, 0, sub & 0xff, cpu.cpuIndex);
      break;
    case 0x40000000:
      set(cpu, 0x40000001, TCG_SIGNATURE[0], TCG_SIGNATURE[1], TCG_SIGNATURE[2]);
      break;
    case 0x80000000:
      set(cpu, def.xlevel | 0, def.vendor[0], def.vendor[2], def.vendor[1]);
      break;
    case 0x80000001:
      // CmpLegacy on an AMD model with several logical processors per package.
      set(cpu, def.version, 0, f[FEAT_8000_0001_ECX]! | (def.isAmd && cpu.topoCores * cpu.topoThreads > 1 ? 2 : 0), f[FEAT_8000_0001_EDX]!);
      break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      const k = (leaf - 0x80000002) * 4;
      set(cpu, def.brand[k]!, def.brand[k + 1]!, def.brand[k + 2]!, def.brand[k + 3]!);
      break;
    }
    case 0x80000005:
      // L1 TLBs and caches in AMD's format: QEMU's legacy 64K L1D and L1I.
      set(cpu, 0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140);
      break;
    case 0x80000006:
      // L2 TLB and L2/L3 caches: QEMU's legacy 512K L2 and 16M L3 in AMD's format.
      set(cpu, 0, 0x42004200, 0x02008140, 0x00808140);
      break;
    case 0x80000008:
      // Physical address bits; QEMU's 32-bit CPUs leave the linear width 0.
      // ECX: the package's APIC ID bits and logical processors - 1 (-smp cores/threads).
      set(cpu, qemuPhysBits(def), 0, cpu.topoCores * cpu.topoThreads > 1 ? (pkgOffset(cpu) << 12) | (cpu.topoCores * cpu.topoThreads - 1) : 0, 0);
      break;
    default:
      // Leaf 3 (no serial number), 7 (no structured extended features tcg86 implements), 8-0xA,
      // 0xD (no XSAVE), 0x40000001, 0x80000007, 0x80000009, 0x8000000A (no SVM): all zero.
      set(cpu, 0, 0, 0, 0);
  }
}

/** QEMU's cpu_clear_apic_feature: the guest disabled the local APIC, CPUID stops reporting it. */
export function clearApicFeature(cpu: X86CPU): void {
  cpu.features[FEAT_1_EDX] = cpu.features[FEAT_1_EDX]! & ~CPUID_APIC;
}

/** A local APIC enabled again (IA32_APIC_BASE.EN set after a clear): CPUID reports it again. */
export function setApicFeature(cpu: X86CPU): void {
  cpu.features[FEAT_1_EDX] = cpu.features[FEAT_1_EDX]! | CPUID_APIC;
}

defineHandler('cpuid', cpuid);
