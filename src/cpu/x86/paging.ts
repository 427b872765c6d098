// The x86 page walk (QEMU's x86_cpu_tlb_fill / mmu_translate): 32-bit paging with PSE and
// PSE-36, PAE with NX (EFER.NXE can only be set on a model with NX), CR0.WP, U/S and R/W
// checks, accessed/dirty bits written back, and #PF with its error code and CR2. Installs the
// result in the soft TLB.

import { MMU_DATA_STORE, MMU_INST_FETCH, PAGE_EXEC, PAGE_READ, PAGE_WRITE } from '../../softmmu/tlb-flags.js';
import {
  CR0_WP_MASK,
  CR4_PAE_MASK,
  CR4_PSE_MASK,
  EFER_NXE,
  EXCP0E_PAGE,
  MMU_PHYS_IDX,
  MMU_USER_IDX,
  PG_ACCESSED_MASK,
  PG_DIRTY_MASK,
  PG_ERROR_I_D_MASK,
  PG_ERROR_P_MASK,
  PG_ERROR_RSVD_MASK,
  PG_ERROR_U_MASK,
  PG_ERROR_W_MASK,
  PG_PRESENT_MASK,
  PG_PSE_MASK,
  PG_RW_MASK,
  PG_USER_MASK,
} from './constants.js';
import type { X86CPU } from './cpu.js';

/** Usable bits of a PAE entry's high dword: the address bits above 32 the CPU has (cpu.physAddrBits). */
function physHighMask(cpu: X86CPU): number {
  return (1 << (cpu.physAddrBits - 32)) - 1; // physAddrBits is 32..52
}

class Walk {
  physAddr = 0;
  prot = 0;
  pageSize = 4096;
}
const walk = new Walk();

/** Fill the soft TLB for vaddr or raise #PF (QEMU's tlb_fill for x86). */
export function x86TlbFill(cpu: X86CPU, vaddr: number, access: number, mmuIdx: number): void {
  if (mmuIdx === MMU_PHYS_IDX) {
    const phys = (vaddr & cpu.a20Mask) >>> 0;
    cpu.mmu.setPage(vaddr, phys, PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmuIdx, 4096);
    return;
  }
  const user = mmuIdx === MMU_USER_IDX;
  if (cpu.cr4 & CR4_PAE_MASK) walkPae(cpu, vaddr, access, user);
  else walk32(cpu, vaddr, access, user);
  if (cpu.log?.mmu) logWalk(cpu, vaddr, access, user);
  cpu.mmu.setPage(vaddr, a20(cpu, walk.physAddr), walk.prot, mmuIdx, walk.pageSize);
}

const ACCESS_NAMES = ['load', 'store', 'fetch'];
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** -d mmu: a walk's result (tcg86's line; QEMU 7.2 logs only the CR0/CR3 updates). */
function logWalk(cpu: X86CPU, vaddr: number, access: number, user: boolean): void {
  const p = walk.prot;
  const prot = `${p & PAGE_READ ? 'r' : '-'}${p & PAGE_WRITE ? 'w' : '-'}${p & PAGE_EXEC ? 'x' : '-'}`;
  const size = walk.pageSize === 4096 ? '4K' : walk.pageSize === 2 * 1024 * 1024 ? '2M' : '4M';
  const phys = a20(cpu, walk.physAddr).toString(16).padStart(8, '0');
  cpu.log!.write(`mmu: walk ${hex8(vaddr & ~0xfff)} -> ${phys} ${prot} ${size} (${ACCESS_NAMES[access]} at ${hex8(vaddr)}, ${user ? 'user' : 'kernel'}, ${cpu.cr4 & CR4_PAE_MASK ? 'PAE' : '32-bit'})\n`);
}

function pageFault(cpu: X86CPU, vaddr: number, access: number, user: boolean, bits: number): never {
  let err = bits;
  if (access === MMU_DATA_STORE) err |= PG_ERROR_W_MASK;
  if (user) err |= PG_ERROR_U_MASK;
  if (access === MMU_INST_FETCH && cpu.efer & EFER_NXE && cpu.cr4 & CR4_PAE_MASK) err |= PG_ERROR_I_D_MASK;
  if (cpu.log?.mmu) cpu.log.write(`mmu: fault ${hex8(vaddr)} (${ACCESS_NAMES[access]}, ${user ? 'user' : 'kernel'}) #PF error ${err.toString(16)}\n`);
  cpu.cr2 = vaddr | 0;
  cpu.raise(EXCP0E_PAGE, err);
}

/** Apply the A20 gate to a (possibly > 4 GiB) physical address. */
function a20(cpu: X86CPU, addr: number): number {
  if (addr < 0x100000000) return (addr & cpu.a20Mask) >>> 0; // the usual case: no float modulo
  const lo = addr % 2 ** 32;
  return addr - lo + ((lo & cpu.a20Mask) >>> 0);
}

/** A page-table entry read: straight from RAM when the table is in RAM (the usual case). */
function ldPhys32(cpu: X86CPU, addr: number): number {
  const a = a20(cpu, addr);
  const ra = cpu.memory.ramAddrOf(a, 4, false);
  if (ra < 0) return cpu.memory.ldl(a);
  const ram = cpu.sys.ramList.ram;
  return (ram[ra]! | (ram[ra + 1]! << 8) | (ram[ra + 2]! << 16) | (ram[ra + 3]! << 24)) >>> 0;
}

/** An accessed/dirty-bit update: written like any other write (dirty bits, code invalidation). */
function stPhys32(cpu: X86CPU, addr: number, v: number): void {
  const a = a20(cpu, addr);
  const ra = cpu.memory.ramAddrOf(a, 4, true);
  if (ra < 0) {
    cpu.memory.stl(a, v >>> 0);
    return;
  }
  const ram = cpu.sys.ramList.ram;
  ram[ra] = v;
  ram[ra + 1] = v >> 8;
  ram[ra + 2] = v >> 16;
  ram[ra + 3] = v >> 24;
  cpu.sys.invalidateAndSetDirty(ra, 4);
}

/**
 * Decide the access and the TLB protection from the combined U/S and R/W bits. `dirty` says
 * whether the final entry already has D set: without it a read installs no write permission,
 * so the first write walks again and sets D.
 */
function checkRights(
  cpu: X86CPU,
  vaddr: number,
  access: number,
  user: boolean,
  userOk: boolean,
  writeOk: boolean,
  execOk: boolean,
): number {
  if (user && !userOk) pageFault(cpu, vaddr, access, user, PG_ERROR_P_MASK);
  const wp = (cpu.cr0 & CR0_WP_MASK) !== 0;
  const canWrite = writeOk || (!user && !wp);
  if (access === MMU_DATA_STORE && !canWrite) pageFault(cpu, vaddr, access, user, PG_ERROR_P_MASK);
  if (access === MMU_INST_FETCH && !execOk) pageFault(cpu, vaddr, access, user, PG_ERROR_P_MASK);
  return PAGE_READ | (canWrite ? PAGE_WRITE : 0) | (execOk ? PAGE_EXEC : 0);
}

/**
 * Set A (and D for a write) in the final entry at `addr` if not yet set, and return the TLB
 * protection: without D already set a read installs no write permission, so the first write
 * walks again and sets D.
 */
function markUsed(cpu: X86CPU, addr: number, entry: number, access: number, prot: number): number {
  const updated = entry | PG_ACCESSED_MASK | (access === MMU_DATA_STORE ? PG_DIRTY_MASK : 0);
  if (updated !== entry) stPhys32(cpu, addr, updated);
  return updated & PG_DIRTY_MASK ? prot : prot & ~PAGE_WRITE;
}

function walk32(cpu: X86CPU, vaddr: number, access: number, user: boolean): void {
  const pdeAddr = ((cpu.cr3 & ~0xfff) + ((vaddr >>> 22) << 2)) >>> 0;
  const pde = ldPhys32(cpu, pdeAddr);
  if (!(pde & PG_PRESENT_MASK)) pageFault(cpu, vaddr, access, user, 0);
  if (pde & PG_PSE_MASK && cpu.cr4 & CR4_PSE_MASK) {
    // 4 MiB page: bits 13 and up give physical address bits 32 to MAXPHYADDR-1 (PSE-36; at
    // most 40), the rest of bits 13-21 are reserved (SDM vol. 3, 4.3, table 4-5).
    const highBits = Math.min(cpu.physAddrBits, 40) - 32;
    const highMask = (1 << highBits) - 1;
    if (pde & 0x3fe000 & ~(highMask << 13)) pageFault(cpu, vaddr, access, user, PG_ERROR_RSVD_MASK | PG_ERROR_P_MASK);
    const prot = checkRights(cpu, vaddr, access, user, (pde & PG_USER_MASK) !== 0, (pde & PG_RW_MASK) !== 0, true);
    walk.prot = markUsed(cpu, pdeAddr, pde, access, prot);
    const high = ((pde >>> 13) & highMask) * 2 ** 32;
    walk.physAddr = high + ((pde & 0xffc00000) >>> 0) + (vaddr & 0x3ff000);
    walk.pageSize = 4 * 1024 * 1024;
    return;
  }
  const pteAddr = ((pde & ~0xfff) + (((vaddr >>> 12) & 0x3ff) << 2)) >>> 0;
  const pte = ldPhys32(cpu, pteAddr);
  // A 386 leaves the PDE's accessed bit clear when the PTE then faults: set it only after.
  if (!(pte & PG_PRESENT_MASK)) pageFault(cpu, vaddr, access, user, 0);
  const userOk = (pde & pte & PG_USER_MASK) !== 0;
  const writeOk = (pde & pte & PG_RW_MASK) !== 0;
  const prot = checkRights(cpu, vaddr, access, user, userOk, writeOk, true);
  if (!(pde & PG_ACCESSED_MASK)) stPhys32(cpu, pdeAddr, pde | PG_ACCESSED_MASK);
  walk.prot = markUsed(cpu, pteAddr, pte, access, prot);
  walk.physAddr = (pte & ~0xfff) >>> 0;
  walk.pageSize = 4096;
}

/** Reserved bits of a PAE entry's high dword: above the physical address width, and NX when NXE is off. */
function paeHighReserved(cpu: X86CPU, hi: number): boolean {
  const mask = ~physHighMask(cpu) & (cpu.efer & EFER_NXE ? 0x7fffffff : 0xffffffff);
  return (hi & mask) !== 0;
}

function walkPae(cpu: X86CPU, vaddr: number, access: number, user: boolean): void {
  const nxe = (cpu.efer & EFER_NXE) !== 0;
  const high = physHighMask(cpu);
  const pdpteAddr = ((cpu.cr3 & ~0x1f) + ((vaddr >>> 30) << 3)) >>> 0;
  const pdpte = ldPhys32(cpu, pdpteAddr);
  const pdpteHi = ldPhys32(cpu, pdpteAddr + 4);
  if (!(pdpte & PG_PRESENT_MASK)) pageFault(cpu, vaddr, access, user, 0);
  // PDPTE bits 1, 2 and 5-8 are reserved (no R/W, U/S, A in a PAE PDPTE).
  if (pdpte & 0x1e6 || paeHighReserved(cpu, pdpteHi)) pageFault(cpu, vaddr, access, user, PG_ERROR_RSVD_MASK | PG_ERROR_P_MASK);
  const pdBase = (pdpteHi & high) * 2 ** 32 + ((pdpte & ~0xfff) >>> 0);
  const pdeAddr = pdBase + (((vaddr >>> 21) & 0x1ff) << 3);
  const pde = ldPhys32(cpu, pdeAddr);
  const pdeHi = ldPhys32(cpu, pdeAddr + 4);
  if (!(pde & PG_PRESENT_MASK)) pageFault(cpu, vaddr, access, user, 0);
  if (paeHighReserved(cpu, pdeHi)) pageFault(cpu, vaddr, access, user, PG_ERROR_RSVD_MASK | PG_ERROR_P_MASK);
  const pdeNx = nxe && (pdeHi & 0x80000000) !== 0;
  if (pde & PG_PSE_MASK) {
    if (pde & 0x1fe000) pageFault(cpu, vaddr, access, user, PG_ERROR_RSVD_MASK | PG_ERROR_P_MASK);
    const prot = checkRights(cpu, vaddr, access, user, (pde & PG_USER_MASK) !== 0, (pde & PG_RW_MASK) !== 0, !pdeNx);
    walk.prot = markUsed(cpu, pdeAddr, pde, access, prot);
    walk.physAddr = (pdeHi & high) * 2 ** 32 + ((pde & 0xffe00000) >>> 0) + (vaddr & 0x1ff000);
    walk.pageSize = 2 * 1024 * 1024;
    return;
  }
  const ptBase = (pdeHi & high) * 2 ** 32 + ((pde & ~0xfff) >>> 0);
  const pteAddr = ptBase + (((vaddr >>> 12) & 0x1ff) << 3);
  const pte = ldPhys32(cpu, pteAddr);
  const pteHi = ldPhys32(cpu, pteAddr + 4);
  if (!(pte & PG_PRESENT_MASK)) pageFault(cpu, vaddr, access, user, 0);
  if (paeHighReserved(cpu, pteHi)) pageFault(cpu, vaddr, access, user, PG_ERROR_RSVD_MASK | PG_ERROR_P_MASK);
  const nx = pdeNx || (nxe && (pteHi & 0x80000000) !== 0);
  const prot = checkRights(cpu, vaddr, access, user, (pde & pte & PG_USER_MASK) !== 0, (pde & pte & PG_RW_MASK) !== 0, !nx);
  if (!(pde & PG_ACCESSED_MASK)) stPhys32(cpu, pdeAddr, pde | PG_ACCESSED_MASK);
  walk.prot = markUsed(cpu, pteAddr, pte, access, prot);
  walk.physAddr = (pteHi & high) * 2 ** 32 + ((pte & ~0xfff) >>> 0);
  walk.pageSize = 4096;
}
