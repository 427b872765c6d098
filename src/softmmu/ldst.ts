// Load/store helpers over the soft TLB (QEMU's cputlb.c ld/st helpers): the fast path is a
// comparator test and a typed-array access; the slow path fills through the target's page
// walk, splits page-crossing accesses, sends MMIO to the address space, drops ROM writes,
// and runs the notdirty path on clean RAM pages.

import {
  DIRTY_CLIENTS_NOCODE,
  DIRTY_MEMORY_CODE,
  MEMTXATTRS_UNSPECIFIED,
  type AddressSpace,
  type FlatRange,
  type MemorySystem,
} from '../memory/index.js';
import {
  MMU_DATA_LOAD,
  MMU_DATA_STORE,
  MMU_INST_FETCH,
  PAGE_MASK,
  TLB_DISCARD_WRITE,
  TLB_EMPTY,
  TLB_INVALID,
  TLB_MMIO,
  TLB_NOTDIRTY,
} from './tlb-flags.js';
import { CPUTLB, FLUSH_MEMORY_MAP, FLUSH_RAM_RESIZE, TLB_ADDEND, tlbIndex, type TLBPageTarget } from './tlb.js';

/**
 * The target's page walk: translate vaddr for `access` in `mmuIdx` and install it with
 * SoftMMU.setPage, or throw the guest's fault (e.g. #PF). Must not return without installing.
 */
export type TLBFill = (vaddr: number, access: number, mmuIdx: number) => void;

export class SoftMMU {
  readonly tlb: CPUTLB;
  /** The whole ram_addr space (re-pointed when the RAM list's backing grows). */
  ram: Uint8Array;
  ram16: Uint16Array;
  ram32: Int32Array;
  fill: TLBFill = () => {
    throw new Error('soft TLB has no fill function');
  };
  /**
   * Invalidates translated code for a CPU store (the TB layer sets it, to count invalidations
   * by cause); without it the memory system's code invalidator is used.
   */
  codeWriteHook: ((ramAddr: number, size: number) => void) | null = null;
  private readonly target: TLBPageTarget = { ramAddr: -1, physAddr: 0, readDirect: false, writeDirect: false, discardWrite: false };

  constructor(
    readonly sys: MemorySystem,
    /** The CPU's view of physical memory. */
    readonly as: AddressSpace,
    nbMmuModes: number,
  ) {
    this.tlb = new CPUTLB(nbMmuModes);
    this.ram = sys.ramList.ram;
    this.ram16 = new Uint16Array(this.ram.buffer, this.ram.byteOffset, this.ram.length >>> 1);
    this.ram32 = new Int32Array(this.ram.buffer, this.ram.byteOffset, this.ram.length >>> 2);
    sys.ramList.onBackingChanged(() => this.backingChanged());
    sys.dirty.onBitsCleared((start, len) => this.tlb.resetDirty(start, len));
    // A new memory map (a device mapping or unmapping a window) makes every cached
    // translation suspect: flush when a commit gave the CPU's address space a new view, as
    // QEMU's tcg_commit does (but not when the listener is registered: nothing changed).
    let view = as.currentMap;
    sys.registerListener(
      {
        name: 'tcg',
        commit: () => {
          if (as.currentMap === view) return;
          view = as.currentMap;
          this.fastRange = null;
          this.tlb.flushAll(FLUSH_MEMORY_MAP);
        },
      },
      as,
    );
  }

  private backingChanged(): void {
    this.ram = this.sys.ramList.ram;
    this.ram16 = new Uint16Array(this.ram.buffer, this.ram.byteOffset, this.ram.length >>> 1);
    this.ram32 = new Int32Array(this.ram.buffer, this.ram.byteOffset, this.ram.length >>> 2);
    this.tlb.flushAll(FLUSH_RAM_RESIZE);
  }

  /**
   * Install vaddr -> physAddr (page granular) with `prot` (PAGE_READ/WRITE/EXEC) in mmuIdx,
   * deciding RAM, ROM or MMIO from the address space (QEMU's tlb_set_page). Pages shared by
   * several regions (subpages) are treated as MMIO so each access is dispatched exactly.
   */
  /** Cache of what the last RAM range seen by setPage allows (fastRamBase -1: not RAM-backed). */
  private fastRange: FlatRange | null = null;
  private fastRamBase = -1;
  private fastReadDirect = false;
  private fastWriteDirect = false;
  private fastDiscardWrite = false;

  private learnRange(range: FlatRange): void {
    const mr = range.mr;
    this.fastRange = range;
    this.fastRamBase = mr.ramBlock && mr.kind !== 'iommu' ? mr.ramBlock.offset + range.offsetInRegion : -1;
    this.fastReadDirect = mr.isRamForRead;
    this.fastWriteDirect = mr.isRamForWrite && !range.readonly;
    this.fastDiscardWrite = !this.fastWriteDirect && (mr.kind === 'rom' || (mr.kind === 'ram' && (mr.readonly || range.readonly)));
  }

  setPage(vaddr: number, physAddr: number, prot: number, mmuIdx: number, size: number): void {
    const physPage = physAddr - (physAddr % 4096);
    const target = this.target;
    target.physAddr = physPage;
    // Fast path: the whole page is one range of RAM/ROM (no subpage, no IOMMU). What a range
    // allows is worked out once per range: fills come in runs over the same RAM.
    const fast = this.as.rangeAt(physPage);
    if (fast !== null && fast !== this.fastRange) this.learnRange(fast);
    if (fast !== null && this.fastRamBase >= 0 && fast.addr <= physPage && physPage + 4096 - fast.addr <= fast.size) {
      const ramAddr = this.fastRamBase + (physPage - fast.addr);
      target.ramAddr = ramAddr;
      target.readDirect = this.fastReadDirect;
      target.writeDirect = this.fastWriteDirect;
      target.discardWrite = this.fastDiscardWrite;
      this.tlb.setPage(vaddr, target, prot, mmuIdx, size, this.sys.dirty.isClean(ramAddr));
      return;
    }
    const t = this.as.translate(physPage, false, MEMTXATTRS_UNSPECIFIED);
    const range = t.range;
    const mr = range?.mr;
    if (!range || !mr || !mr.ramBlock || t.len < 4096 || t.as !== this.as || this.as.dispatch.isSubpage(physPage)) {
      target.ramAddr = -1;
      target.readDirect = false;
      target.writeDirect = false;
      target.discardWrite = false;
      this.tlb.setPage(vaddr, target, prot, mmuIdx, size, false);
      return;
    }
    const ramAddr = mr.ramBlock.offset + t.offset;
    target.ramAddr = ramAddr;
    target.readDirect = mr.isRamForRead;
    target.writeDirect = mr.isRamForWrite && !range.readonly;
    target.discardWrite = !target.writeDirect && (mr.kind === 'rom' || (mr.kind === 'ram' && (mr.readonly || range.readonly)));
    this.tlb.setPage(vaddr, target, prot, mmuIdx, size, this.sys.dirty.isClean(ramAddr));
  }

  // ---- fast paths ----
  // A hit needs the page's entry and an access inside that page. QEMU compares the page of the
  // last byte instead, which is enough when neighbouring pages never share a slot (page & mask);
  // tlbIndex's fold lets them share one in small tables, and the last byte of an access at
  // 0xfffffffe wraps to page 0.

  ld8(addr: number, mmuIdx: number): number {
    const t = this.tlb.tables[mmuIdx]!;
    const idx = tlbIndex(addr, t.mask);
    if (t.table[idx + MMU_DATA_LOAD] === (addr & PAGE_MASK)) {
      t.stats.hits++;
      return this.ram[(addr + t.table[idx + TLB_ADDEND]!) >>> 0]!;
    }
    return this.loadSlow(addr, 1, mmuIdx, MMU_DATA_LOAD);
  }

  ld16(addr: number, mmuIdx: number): number {
    const t = this.tlb.tables[mmuIdx]!;
    const idx = tlbIndex(addr, t.mask);
    if (t.table[idx + MMU_DATA_LOAD] === (addr & PAGE_MASK) && (addr & 0xfff) < 0xfff) {
      t.stats.hits++;
      const i = (addr + t.table[idx + TLB_ADDEND]!) >>> 0;
      return i & 1 ? this.ram[i]! | (this.ram[i + 1]! << 8) : this.ram16[i >>> 1]!;
    }
    return this.loadSlow(addr, 2, mmuIdx, MMU_DATA_LOAD);
  }

  /** 32-bit load, returned as int32. */
  ld32(addr: number, mmuIdx: number): number {
    const t = this.tlb.tables[mmuIdx]!;
    const idx = tlbIndex(addr, t.mask);
    if (t.table[idx + MMU_DATA_LOAD] === (addr & PAGE_MASK) && (addr & 0xfff) < 0xffd) {
      t.stats.hits++;
      const i = (addr + t.table[idx + TLB_ADDEND]!) >>> 0;
      const ram = this.ram;
      return i & 3 ? ram[i]! | (ram[i + 1]! << 8) | (ram[i + 2]! << 16) | (ram[i + 3]! << 24) : this.ram32[i >>> 2]!;
    }
    return this.loadSlow(addr, 4, mmuIdx, MMU_DATA_LOAD) | 0;
  }

  st8(addr: number, value: number, mmuIdx: number): void {
    const t = this.tlb.tables[mmuIdx]!;
    const idx = tlbIndex(addr, t.mask);
    if (t.table[idx + MMU_DATA_STORE] === (addr & PAGE_MASK)) {
      t.stats.hits++;
      this.ram[(addr + t.table[idx + TLB_ADDEND]!) >>> 0] = value;
      return;
    }
    this.storeSlow(addr, value, 1, mmuIdx);
  }

  st16(addr: number, value: number, mmuIdx: number): void {
    const t = this.tlb.tables[mmuIdx]!;
    const idx = tlbIndex(addr, t.mask);
    if (t.table[idx + MMU_DATA_STORE] === (addr & PAGE_MASK) && (addr & 0xfff) < 0xfff) {
      t.stats.hits++;
      const i = (addr + t.table[idx + TLB_ADDEND]!) >>> 0;
      if (i & 1) {
        this.ram[i] = value;
        this.ram[i + 1] = value >> 8;
      } else this.ram16[i >>> 1] = value;
      return;
    }
    this.storeSlow(addr, value, 2, mmuIdx);
  }

  st32(addr: number, value: number, mmuIdx: number): void {
    const t = this.tlb.tables[mmuIdx]!;
    const idx = tlbIndex(addr, t.mask);
    if (t.table[idx + MMU_DATA_STORE] === (addr & PAGE_MASK) && (addr & 0xfff) < 0xffd) {
      t.stats.hits++;
      const i = (addr + t.table[idx + TLB_ADDEND]!) >>> 0;
      if (i & 3) {
        const ram = this.ram;
        ram[i] = value;
        ram[i + 1] = value >> 8;
        ram[i + 2] = value >> 16;
        ram[i + 3] = value >> 24;
      } else this.ram32[i >>> 2] = value;
      return;
    }
    this.storeSlow(addr, value, 4, mmuIdx);
  }

  /** Instruction fetch of one byte. */
  ldCode8(addr: number, mmuIdx: number): number {
    const t = this.tlb.tables[mmuIdx]!;
    const idx = tlbIndex(addr, t.mask);
    if (t.table[idx + MMU_INST_FETCH] === (addr & PAGE_MASK)) {
      t.stats.hits++;
      return this.ram[(addr + t.table[idx + TLB_ADDEND]!) >>> 0]!;
    }
    return this.loadSlow(addr, 1, mmuIdx, MMU_INST_FETCH);
  }

  // ---- slow paths ----

  /**
   * Make sure the page of addr has a usable entry for `access` in mmuIdx (victim TLB, then
   * the target's fill, which may throw a guest fault). Returns the entry offset in the table.
   */
  probe(addr: number, access: number, mmuIdx: number): number {
    const t = this.tlb.tables[mmuIdx]!;
    const page = addr & PAGE_MASK;
    let idx = tlbIndex(addr, t.mask);
    const cmp = t.table[idx + access]!;
    if (cmp === TLB_EMPTY || cmp & TLB_INVALID || (cmp & PAGE_MASK) !== page) {
      if (!t.victimHit(idx, page, access)) {
        t.stats.misses++;
        this.fill(addr, access, mmuIdx);
        idx = tlbIndex(addr, t.mask);
      }
    } else {
      t.stats.hits++; // a flagged hit (MMIO, NOTDIRTY, ROM) still hit the TLB
    }
    return idx;
  }

  /** Physical address of addr after a probe (for MMIO, page walks and code lookup). */
  physAddrOf(addr: number, mmuIdx: number, idx: number): number {
    return this.tlb.tables[mmuIdx]!.physAddr[idx >>> 2]! + (addr & 0xfff);
  }

  loadSlow(addr: number, size: number, mmuIdx: number, access: number): number {
    if (((addr ^ (addr + size - 1)) & PAGE_MASK) !== 0) {
      // Page-crossing: translate both pages before reading anything, then read bytewise.
      // The second page is probed at its first byte: that is what a fault reports in CR2.
      this.probe(addr, access, mmuIdx);
      this.probe((addr + size - 1) & PAGE_MASK, access, mmuIdx);
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = (v << 8) | this.loadSlow((addr + k) | 0, 1, mmuIdx, access);
      return size === 4 ? v >>> 0 : v;
    }
    const idx = this.probe(addr, access, mmuIdx);
    const t = this.tlb.tables[mmuIdx]!;
    const cmp = t.table[idx + access]!;
    if (cmp & TLB_MMIO) {
      const phys = t.physAddr[idx >>> 2]! + (addr & 0xfff);
      return size === 1 ? this.as.ldub(phys) : size === 2 ? this.as.lduw(phys) : this.as.ldl(phys);
    }
    const i = (addr + t.table[idx + TLB_ADDEND]!) >>> 0;
    const ram = this.ram;
    if (size === 1) return ram[i]!;
    if (size === 2) return ram[i]! | (ram[i + 1]! << 8);
    return (ram[i]! | (ram[i + 1]! << 8) | (ram[i + 2]! << 16) | (ram[i + 3]! << 24)) >>> 0;
  }

  storeSlow(addr: number, value: number, size: number, mmuIdx: number): void {
    if (((addr ^ (addr + size - 1)) & PAGE_MASK) !== 0) {
      // Both pages must be writable before any byte is stored (no partial writes on a fault).
      this.probe(addr, MMU_DATA_STORE, mmuIdx);
      this.probe((addr + size - 1) & PAGE_MASK, MMU_DATA_STORE, mmuIdx);
      for (let k = 0; k < size; k++) this.storeSlow((addr + k) | 0, (value >>> (8 * k)) & 0xff, 1, mmuIdx);
      return;
    }
    const idx = this.probe(addr, MMU_DATA_STORE, mmuIdx);
    const t = this.tlb.tables[mmuIdx]!;
    const cmp = t.table[idx + MMU_DATA_STORE]!;
    if (cmp & TLB_MMIO) {
      const phys = t.physAddr[idx >>> 2]! + (addr & 0xfff);
      if (size === 1) this.as.stb(phys, value);
      else if (size === 2) this.as.stw(phys, value);
      else this.as.stl(phys, value);
      return;
    }
    if (cmp & TLB_DISCARD_WRITE) {
      // A store to ROM is dropped, as through the address space; --stats counts both.
      this.as.stats.romWritesDropped++;
      return;
    }
    const i = (addr + t.table[idx + TLB_ADDEND]!) >>> 0;
    if (cmp & TLB_NOTDIRTY) this.notdirtyWrite(i, size, addr);
    const ram = this.ram;
    ram[i] = value;
    if (size >= 2) ram[i + 1] = value >> 8;
    if (size === 4) {
      ram[i + 2] = value >> 16;
      ram[i + 3] = value >> 24;
    }
  }

  /**
   * A write to a page that is clean for some client (QEMU's notdirty_write): invalidate
   * translated code on it if its CODE bit is clear, mark VGA and MIGRATION dirty, and drop
   * NOTDIRTY from the TLB once the page is dirty for every client.
   */
  notdirtyWrite(ramAddr: number, size: number, vaddr: number): void {
    const dirty = this.sys.dirty;
    if (!dirty.allDirty(ramAddr, size, DIRTY_MEMORY_CODE)) {
      const inv = this.codeWriteHook ?? this.sys.codeInvalidator;
      if (inv) inv(ramAddr, size);
      else dirty.setRange(ramAddr, size, 1 << DIRTY_MEMORY_CODE);
    }
    dirty.setRange(ramAddr, size, DIRTY_CLIENTS_NOCODE);
    if (!dirty.isClean(ramAddr)) this.tlb.setDirty(vaddr);
  }
}
