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
    case 1:
      // EBX: CLFLUSH line size 8 quadwords, the initial APIC ID (the CPU index: -smp CPUs are
      // sockets of one core and one thread each), one logical processor.
      set(cpu, def.version, ((cpu.cpuIndex << 24) | 0x800) >>> 0, f[FEAT_1_ECX]!, f[FEAT_1_EDX]!);
      break;
    case 2:
      // One round; L3 16M (0x4d) in ECX; L1D 32K (0x2c), L1I 32K (0x30), L2 2M (0x7d) in EDX.
      // QEMU gives an AMD model neither this leaf nor leaf 4.
      if (def.isAmd) set(cpu, 0, 0, 0, 0);
      else set(cpu, 1, 0, 0x4d, 0x002c307d);
      break;
    case 4: {
      const l = !def.isAmd && sub < LEAF4.length ? LEAF4[sub]! : null;
      if (l) set(cpu, l[0], l[1], l[2], l[3]);
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
      if (sub === 0) set(cpu, 0, 1, 0x100, cpu.cpuIndex);
      else if (sub === 1) set(cpu, 0, 1, 0x201, cpu.cpuIndex);
      else set(cpu, 0, 0, sub & 0xff, cpu.cpuIndex);
      break;
    case 0x40000000:
      set(cpu, 0x40000001, TCG_SIGNATURE[0], TCG_SIGNATURE[1], TCG_SIGNATURE[2]);
      break;
    case 0x80000000:
      set(cpu, def.xlevel | 0, def.vendor[0], def.vendor[2], def.vendor[1]);
      break;
    case 0x80000001:
      set(cpu, def.version, 0, f[FEAT_8000_0001_ECX]!, f[FEAT_8000_0001_EDX]!);
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
      set(cpu, qemuPhysBits(def), 0, 0, 0);
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
