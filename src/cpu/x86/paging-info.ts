// The page tables as the monitor shows them (QEMU's target/i386/monitor.c): `info tlb`,
// `info mem`, and the side-effect-free translation `x` and `gva2gpa` use (no A/D bits, no #PF).

import { CR0_PG_MASK, CR4_PAE_MASK, CR4_PSE_MASK, PG_PRESENT_MASK, PG_PSE_MASK, PG_RW_MASK, PG_USER_MASK } from './constants.js';
import type { X86CPU } from './cpu.js';

const PTE_ADDR_MASK = 0x3fffffffff000n; // QEMU's mask for PAE table addresses (bits 12-51)

function ld32(cpu: X86CPU, addr: number): number {
  return cpu.memory.ldl(addr) >>> 0;
}

function ld64(cpu: X86CPU, addr: number): bigint {
  return (BigInt(cpu.memory.ldl(addr + 4) >>> 0) << 32n) | BigInt(cpu.memory.ldl(addr) >>> 0);
}

const hex16 = (v: bigint | number): string => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');

/**
 * The physical address of vaddr, or -1 when it is not mapped (QEMU's
 * get_phys_page_attrs_debug: presence only, no rights checked, nothing written).
 */
export function debugTranslate(cpu: X86CPU, vaddr: number): number {
  vaddr >>>= 0;
  let phys: number;
  if (!(cpu.cr0 & CR0_PG_MASK)) {
    phys = vaddr;
  } else if (cpu.cr4 & CR4_PAE_MASK) {
    const pdpte = ld64(cpu, ((cpu.cr3 & ~0x1f) >>> 0) + (vaddr >>> 30) * 8);
    if (!(pdpte & 1n)) return -1;
    const pde = ld64(cpu, Number(pdpte & PTE_ADDR_MASK) + ((vaddr >>> 21) & 0x1ff) * 8);
    if (!(pde & 1n)) return -1;
    if (pde & BigInt(PG_PSE_MASK)) {
      phys = Number(pde & PTE_ADDR_MASK & ~0x1fffffn) + (vaddr & 0x1fffff);
    } else {
      const pte = ld64(cpu, Number(pde & PTE_ADDR_MASK) + ((vaddr >>> 12) & 0x1ff) * 8);
      if (!(pte & 1n)) return -1;
      phys = Number(pte & PTE_ADDR_MASK) + (vaddr & 0xfff);
    }
  } else {
    const pde = ld32(cpu, ((cpu.cr3 & ~0xfff) >>> 0) + (vaddr >>> 22) * 4);
    if (!(pde & PG_PRESENT_MASK)) return -1;
    if (pde & PG_PSE_MASK && cpu.cr4 & CR4_PSE_MASK) {
      phys = ((pde >>> 13) & 0xf) * 2 ** 32 + ((pde & 0xffc00000) >>> 0) + (vaddr & 0x3fffff);
    } else {
      const pte = ld32(cpu, ((pde & ~0xfff) >>> 0) + ((vaddr >>> 12) & 0x3ff) * 4);
      if (!(pte & PG_PRESENT_MASK)) return -1;
      phys = ((pte & ~0xfff) >>> 0) + (vaddr & 0xfff);
    }
  }
  const lo = phys % 2 ** 32;
  return phys - lo + ((lo & cpu.a20Mask) >>> 0);
}

/** One `info tlb` line: the virtual address, the entry masked to its address, and flag letters. */
function pteLine(addr: number, pte: bigint, mask: bigint): string {
  const f = (bit: bigint, c: string): string => (pte & bit ? c : '-');
  return (
    `${hex16(addr)}: ${hex16(pte & mask)} ` +
    f(1n << 63n, 'X') +
    f(0x100n, 'G') +
    f(0x80n, 'P') +
    f(0x40n, 'D') +
    f(0x20n, 'A') +
    f(0x10n, 'C') +
    f(0x08n, 'T') +
    f(0x04n, 'U') +
    f(0x02n, 'W') +
    '\n'
  );
}

/** QEMU's `info tlb` for a 32-bit guest: every present mapping, in address order. */
export function formatTlbInfo(cpu: X86CPU): string {
  if (!(cpu.cr0 & CR0_PG_MASK)) return 'PG disabled\n';
  let out = '';
  if (cpu.cr4 & CR4_PAE_MASK) {
    const pdp = (cpu.cr3 & ~0x1f) >>> 0;
    for (let l1 = 0; l1 < 4; l1++) {
      const pdpe = ld64(cpu, pdp + l1 * 8);
      if (!(pdpe & 1n)) continue;
      const pd = Number(pdpe & PTE_ADDR_MASK);
      for (let l2 = 0; l2 < 512; l2++) {
        const pde = ld64(cpu, pd + l2 * 8);
        if (!(pde & 1n)) continue;
        const base = l1 * 2 ** 30 + l2 * 2 ** 21;
        if (pde & 0x80n) {
          // 2 MiB page (CR4.PSE does not matter under PAE); QEMU masks with ~(1 MiB - 1).
          out += pteLine(base, pde, ~0xfffffn);
          continue;
        }
        const pt = Number(pde & PTE_ADDR_MASK);
        for (let l3 = 0; l3 < 512; l3++) {
          const pte = ld64(cpu, pt + l3 * 8);
          if (pte & 1n) out += pteLine(base + l3 * 4096, pte & ~0x80n, ~0xfffn);
        }
      }
    }
    return out;
  }
  const pgd = (cpu.cr3 & ~0xfff) >>> 0;
  for (let l1 = 0; l1 < 1024; l1++) {
    const pde = ld32(cpu, pgd + l1 * 4);
    if (!(pde & PG_PRESENT_MASK)) continue;
    if (pde & PG_PSE_MASK && cpu.cr4 & CR4_PSE_MASK) {
      // 4 MiB page; QEMU masks with ~(2 MiB - 1), so PSE-36 bits show in the address.
      out += pteLine(l1 * 2 ** 22, BigInt(pde), ~0x1fffffn);
      continue;
    }
    const pt = (pde & ~0xfff) >>> 0;
    for (let l2 = 0; l2 < 1024; l2++) {
      const pte = ld32(cpu, pt + l2 * 4);
      if (pte & PG_PRESENT_MASK) out += pteLine(l1 * 2 ** 22 + l2 * 4096, BigInt(pte & ~PG_PSE_MASK), ~0xfffn);
    }
  }
  return out;
}

/** Coalesces pages with equal protection into `info mem` ranges (QEMU's mem_print). */
class RangePrinter {
  out = '';
  private start = -1;
  private lastProt = 0;

  at(end: number, prot: number): void {
    if (prot === this.lastProt) return;
    if (this.start !== -1) {
      const p = this.lastProt;
      this.out += `${hex16(this.start)}-${hex16(end)} ${hex16(end - this.start)} ${p & PG_USER_MASK ? 'u' : '-'}r${p & PG_RW_MASK ? 'w' : '-'}\n`;
    }
    this.start = prot !== 0 ? end : -1;
    this.lastProt = prot;
  }
}

const PROT_BITS = PG_USER_MASK | PG_RW_MASK | PG_PRESENT_MASK;

/** QEMU's `info mem` for a 32-bit guest: mapped ranges with their combined u/r/w rights. */
export function formatMemInfo(cpu: X86CPU): string {
  if (!(cpu.cr0 & CR0_PG_MASK)) return 'PG disabled\n';
  const r = new RangePrinter();
  if (cpu.cr4 & CR4_PAE_MASK) {
    const pdp = (cpu.cr3 & ~0x1f) >>> 0;
    for (let l1 = 0; l1 < 4; l1++) {
      const pdpe = ld64(cpu, pdp + l1 * 8);
      if (!(pdpe & 1n)) {
        r.at(l1 * 2 ** 30, 0);
        continue;
      }
      const pd = Number(pdpe & PTE_ADDR_MASK);
      for (let l2 = 0; l2 < 512; l2++) {
        const pde = ld64(cpu, pd + l2 * 8);
        const base = l1 * 2 ** 30 + l2 * 2 ** 21;
        const pdeLo = Number(pde & 0xfffn);
        if (!(pdeLo & PG_PRESENT_MASK)) {
          r.at(base, 0);
        } else if (pdeLo & PG_PSE_MASK) {
          r.at(base, pdeLo & PROT_BITS);
        } else {
          const pt = Number(pde & PTE_ADDR_MASK);
          for (let l3 = 0; l3 < 512; l3++) {
            const pte = Number(ld64(cpu, pt + l3 * 8) & 0xfffn);
            r.at(base + l3 * 4096, pte & PG_PRESENT_MASK ? pte & pdeLo & PROT_BITS : 0);
          }
        }
      }
    }
  } else {
    const pgd = (cpu.cr3 & ~0xfff) >>> 0;
    for (let l1 = 0; l1 < 1024; l1++) {
      const pde = ld32(cpu, pgd + l1 * 4);
      const base = l1 * 2 ** 22;
      if (!(pde & PG_PRESENT_MASK)) {
        r.at(base, 0);
      } else if (pde & PG_PSE_MASK && cpu.cr4 & CR4_PSE_MASK) {
        r.at(base, pde & PROT_BITS);
      } else {
        const pt = (pde & ~0xfff) >>> 0;
        for (let l2 = 0; l2 < 1024; l2++) {
          const pte = ld32(cpu, pt + l2 * 4);
          r.at(base + l2 * 4096, pte & PG_PRESENT_MASK ? pte & pde & PROT_BITS : 0);
        }
      }
    }
  }
  r.at(2 ** 32, 0);
  return r.out;
}
