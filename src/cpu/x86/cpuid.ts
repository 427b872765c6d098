// cpuid with the values QEMU 7.2 reports for its default `qemu32` model under TCG: family 6
// model 6 stepping 3, PPRO feature set + SSE3 + the hypervisor bit, legacy cache descriptors,
// max basic leaf 4, max extended leaf 0x80000004, model string "QEMU Virtual CPU version 2.5+".

import { R_EAX, R_EBX, R_ECX, R_EDX } from './constants.js';
import type { X86CPU } from './cpu.js';
import { defineHandler } from './interp/handlers.js';

const MAX_BASIC = 4;
const MAX_EXT = 0x80000004;
/** "GenuineIntel" as EBX, EDX, ECX. */
const VENDOR = [0x756e6547, 0x49656e69, 0x6c65746e] as const;
export const CPUID_VERSION = 0x663;
/** FPU DE PSE TSC MSR PAE MCE CX8 APIC SEP PGE CMOV PAT MMX FXSR SSE SSE2. */
export const CPUID_1_EDX = 0x0781abfd;
/** SSE3 and the hypervisor-present bit QEMU sets on every model. */
export const CPUID_1_ECX = 0x80000001;

/** The 48-byte brand string as 12 little-endian dwords. */
const BRAND = (() => {
  const s = 'QEMU Virtual CPU version 2.5+';
  const out = new Int32Array(12);
  for (let k = 0; k < s.length; k++) out[k >> 2]! |= s.charCodeAt(k) << ((k & 3) * 8);
  return out;
})();

// Leaf 4 sub-leaves (deterministic cache parameters): QEMU's legacy L1D, L1I, L2 and L3.
const LEAF4 = [
  [0x121, 0x01c0003f, 0x3f, 1],
  [0x122, 0x01c0003f, 0x3f, 1],
  [0x143, 0x03c0003f, 0xfff, 1],
  [0x163, 0x03c0003f, 0x3fff, 7],
] as const;

function set(cpu: X86CPU, a: number, b: number, c: number, d: number): void {
  cpu.regs[R_EAX] = a;
  cpu.regs[R_EBX] = b;
  cpu.regs[R_ECX] = c;
  cpu.regs[R_EDX] = d;
}

export function cpuid(cpu: X86CPU): void {
  let leaf = cpu.regs[R_EAX]! >>> 0;
  const sub = cpu.regs[R_ECX]! >>> 0;
  // Intel: a leaf beyond the maximum answers as the highest basic leaf.
  if (leaf >= 0x80000000 ? leaf > MAX_EXT : leaf > MAX_BASIC) leaf = MAX_BASIC;
  switch (leaf) {
    case 0:
      set(cpu, MAX_BASIC, VENDOR[0], VENDOR[2], VENDOR[1]);
      break;
    case 1:
      // EBX: CLFLUSH line size 8 quadwords, APIC id 0, one logical processor.
      set(cpu, CPUID_VERSION, 0x800, CPUID_1_ECX, CPUID_1_EDX);
      break;
    case 2:
      // One round; L3 16M (0x4d) in ECX; L1D 32K (0x2c), L1I 32K (0x30), L2 2M (0x7d) in EDX.
      set(cpu, 1, 0, 0x4d, 0x002c307d);
      break;
    case 4: {
      const l = sub < LEAF4.length ? LEAF4[sub]! : null;
      if (l) set(cpu, l[0], l[1], l[2], l[3]);
      else set(cpu, 0, 0, 0, 0);
      break;
    }
    case 0x80000000:
      set(cpu, MAX_EXT | 0, VENDOR[0], VENDOR[2], VENDOR[1]);
      break;
    case 0x80000001:
      // No extended features on qemu32: no NX, no syscall, no long mode.
      set(cpu, CPUID_VERSION, 0, 0, 0);
      break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      const k = (leaf - 0x80000002) * 4;
      set(cpu, BRAND[k]!, BRAND[k + 1]!, BRAND[k + 2]!, BRAND[k + 3]!);
      break;
    }
    default:
      // Leaf 3 (processor serial number) is not offered: zeros.
      set(cpu, 0, 0, 0, 0);
  }
}

defineHandler('cpuid', cpuid);
