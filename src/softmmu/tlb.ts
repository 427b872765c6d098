// The soft TLB (QEMU's cputlb): per MMU index a direct-mapped table in typed arrays with
// read/write/code comparators and an addend from virtual address to ram_addr, an 8-entry
// victim TLB, large-page tracking, dynamic resizing at flush time, and counters.
// Virtual addresses and comparators are int32 bit patterns; ram_addr = (vaddr + addend) >>> 0.

import {
  PAGE_EXEC,
  PAGE_MASK,
  PAGE_READ,
  PAGE_WRITE,
  TLB_DISCARD_WRITE,
  TLB_EMPTY,
  TLB_FLAGS_MASK,
  TLB_INVALID,
  TLB_MMIO,
  TLB_NOTDIRTY,
} from './tlb-flags.js';

/**
 * The table slot of a virtual address: the page number with bits 6 and up folded onto the low
 * bits. Still direct-mapped, but pages a power-of-two stride apart (4 MiB-aligned mappings,
 * strided arrays) no longer all land in one slot, as they do with QEMU's plain page & mask.
 * Generated code inlines the same expression (tcg/codegen.ts).
 */
export function tlbIndex(vaddr: number, mask: number): number {
  return ((vaddr >>> 12) ^ (vaddr >>> 18)) & mask;
}

export const TLB_MIN_BITS = 6;
export const TLB_DEFAULT_BITS = 8;
export const TLB_MAX_BITS = 12;
const VTLB_SIZE = 8;
/** Resize decisions look at the busiest use since this many flushes ago (QEMU: 100 ms). */
const RESIZE_WINDOW_FLUSHES = 16;

/** What a filled page is: RAM (ramAddr >= 0) or MMIO (ramAddr = -1), and at which physical address. */
export interface TLBPageTarget {
  /** ram_addr of the first byte of the page, or -1 for MMIO/unassigned. */
  ramAddr: number;
  /** Physical address of the page. */
  physAddr: number;
  /** Reads are direct (RAM, ROM, ROM device in romd mode). */
  readDirect: boolean;
  /** Writes are direct (RAM that is not read-only). */
  writeDirect: boolean;
  /** Writes are dropped (ROM). */
  discardWrite: boolean;
}

export class TLBStats {
  hits = 0;
  misses = 0;
  victimHits = 0;
  fills = 0;
  flushes = 0;
  pageFlushes = 0;
  resizes = 0;
}

/** One MMU index's table. Fields are public for the inlined fast paths. */
export class TLBTable {
  bits = TLB_DEFAULT_BITS;
  mask = (1 << TLB_DEFAULT_BITS) - 1;
  addrRead = new Int32Array(1 << TLB_DEFAULT_BITS).fill(TLB_EMPTY);
  addrWrite = new Int32Array(1 << TLB_DEFAULT_BITS).fill(TLB_EMPTY);
  addrCode = new Int32Array(1 << TLB_DEFAULT_BITS).fill(TLB_EMPTY);
  addend = new Int32Array(1 << TLB_DEFAULT_BITS);
  /** Physical page address of each entry (QEMU's CPUTLBEntryFull.phys_addr). */
  physAddr = new Float64Array(1 << TLB_DEFAULT_BITS);
  /** Page protection bits of each entry. */
  prot = new Uint8Array(1 << TLB_DEFAULT_BITS);
  /** Victim TLB: same fields, fully associative. */
  vRead = new Int32Array(VTLB_SIZE).fill(TLB_EMPTY);
  vWrite = new Int32Array(VTLB_SIZE).fill(TLB_EMPTY);
  vCode = new Int32Array(VTLB_SIZE).fill(TLB_EMPTY);
  vAddend = new Int32Array(VTLB_SIZE);
  vPhys = new Float64Array(VTLB_SIZE);
  vProt = new Uint8Array(VTLB_SIZE);
  /** The page each victim slot holds (TLB_EMPTY for none): one compare per slot on a miss. */
  vPage = new Int32Array(VTLB_SIZE).fill(TLB_EMPTY);
  vIndex = 0;
  /** Region covering every large page installed since the last flush (-1: none). */
  largePageAddr = -1;
  largePageMask = 0;
  /** Entries filled since the last flush, and the busiest counts of recent windows. */
  usedEntries = 0;
  private window: number[] = [];
  readonly stats = new TLBStats();

  get size(): number {
    return this.mask + 1;
  }

  /** Empty everything; maybe resize first (QEMU resizes only at flush time). */
  flush(): void {
    this.resizeByUse();
    this.addrRead.fill(TLB_EMPTY);
    this.addrWrite.fill(TLB_EMPTY);
    this.addrCode.fill(TLB_EMPTY);
    this.vRead.fill(TLB_EMPTY);
    this.vWrite.fill(TLB_EMPTY);
    this.vCode.fill(TLB_EMPTY);
    this.vPage.fill(TLB_EMPTY);
    this.largePageAddr = -1;
    this.largePageMask = 0;
    this.usedEntries = 0;
    this.stats.flushes++;
  }

  private resizeByUse(): void {
    this.window.push(this.usedEntries);
    if (this.window.length > RESIZE_WINDOW_FLUSHES) this.window.shift();
    const busiest = Math.max(...this.window);
    const size = this.size;
    let bits = this.bits;
    if (busiest > size * 0.7 && bits < TLB_MAX_BITS) {
      bits++;
    } else if (busiest < size * 0.3 && this.window.length === RESIZE_WINDOW_FLUSHES && bits > TLB_MIN_BITS) {
      let want = Math.max(TLB_MIN_BITS, Math.ceil(Math.log2(Math.max(busiest, 1))));
      if (busiest > (1 << want) * 0.7) want++;
      bits = Math.min(bits, Math.max(TLB_MIN_BITS, want));
    }
    if (bits === this.bits) return;
    const n = 1 << bits;
    this.bits = bits;
    this.mask = n - 1;
    this.addrRead = new Int32Array(n);
    this.addrWrite = new Int32Array(n);
    this.addrCode = new Int32Array(n);
    this.addend = new Int32Array(n);
    this.physAddr = new Float64Array(n);
    this.prot = new Uint8Array(n);
    this.window = [];
    this.stats.resizes++;
  }

  /** Invalidate the entry and victim entries for the page at vaddr. */
  flushPageEntry(page: number): void {
    const idx = tlbIndex(page, this.mask);
    if (matchesPage(this.addrRead[idx]!, page) || matchesPage(this.addrWrite[idx]!, page) || matchesPage(this.addrCode[idx]!, page)) {
      this.addrRead[idx] = TLB_EMPTY;
      this.addrWrite[idx] = TLB_EMPTY;
      this.addrCode[idx] = TLB_EMPTY;
    }
    this.dropVictim(page);
    this.stats.pageFlushes++;
  }

  /** Forget victim copies of a page (a later victim hit must not revive them). */
  dropVictim(page: number): void {
    const vPage = this.vPage;
    for (let v = 0; v < VTLB_SIZE; v++) {
      if (vPage[v] === page) {
        this.vRead[v] = TLB_EMPTY;
        this.vWrite[v] = TLB_EMPTY;
        this.vCode[v] = TLB_EMPTY;
        vPage[v] = TLB_EMPTY;
      }
    }
  }

  /** The page the main entry at idx holds, or TLB_EMPTY. */
  entryPage(idx: number): number {
    const r = this.addrRead[idx]!;
    if (r !== TLB_EMPTY) return r & PAGE_MASK;
    const w = this.addrWrite[idx]!;
    if (w !== TLB_EMPTY) return w & PAGE_MASK;
    const c = this.addrCode[idx]!;
    return c !== TLB_EMPTY ? c & PAGE_MASK : TLB_EMPTY;
  }

  /** Look in the victim TLB for the page; on a hit swap it into the main table. */
  victimHit(idx: number, page: number, access: number): boolean {
    const vPage = this.vPage;
    for (let v = 0; v < VTLB_SIZE; v++) {
      if (vPage[v] !== page) continue;
      const cmp = access === 0 ? this.vRead[v]! : access === 1 ? this.vWrite[v]! : this.vCode[v]!;
      if (cmp !== TLB_EMPTY && !(cmp & TLB_INVALID)) {
        vPage[v] = this.entryPage(idx);
        swap(this.addrRead, idx, this.vRead, v);
        swap(this.addrWrite, idx, this.vWrite, v);
        swap(this.addrCode, idx, this.vCode, v);
        swap(this.addend, idx, this.vAddend, v);
        swap(this.physAddr, idx, this.vPhys, v);
        swap(this.prot, idx, this.vProt, v);
        this.stats.victimHits++;
        return true;
      }
    }
    return false;
  }
}

function matchesPage(cmp: number, page: number): boolean {
  return cmp !== TLB_EMPTY && (cmp & PAGE_MASK) === page;
}

function swap(a: Int32Array | Float64Array | Uint8Array, i: number, b: Int32Array | Float64Array | Uint8Array, j: number): void {
  const t = a[i]!;
  a[i] = b[j]!;
  b[j] = t;
}

/** The TLB of one CPU: one table per MMU index. */
export class CPUTLB {
  readonly tables: TLBTable[] = [];
  /** Told of every flush (the TB layer clears its virtual-pc jump cache). */
  onFlush: (() => void) | null = null;

  constructor(readonly nbMmuModes: number) {
    for (let i = 0; i < nbMmuModes; i++) this.tables.push(new TLBTable());
  }

  flushAll(): void {
    for (const t of this.tables) t.flush();
    this.onFlush?.();
  }

  flushByMmuIdx(idxmap: number): void {
    for (let i = 0; i < this.tables.length; i++) if (idxmap & (1 << i)) this.tables[i]!.flush();
    this.onFlush?.();
  }

  /** Flush one page in every MMU index; a page inside a tracked large page flushes the index. */
  flushPage(vaddr: number): void {
    this.flushPageByMmuIdx(vaddr, (1 << this.tables.length) - 1);
  }

  flushPageByMmuIdx(vaddr: number, idxmap: number): void {
    const page = vaddr & PAGE_MASK;
    this.onFlush?.();
    for (let i = 0; i < this.tables.length; i++) {
      if (!(idxmap & (1 << i))) continue;
      const t = this.tables[i]!;
      if (t.largePageAddr !== -1 && (page & t.largePageMask) === t.largePageAddr) t.flush();
      else t.flushPageEntry(page);
    }
  }

  /**
   * Install a translation (QEMU's tlb_set_page_full): vaddr page -> physical page with `prot`,
   * in `mmuIdx`. `size` > 4096 records a large page. `isClean` says whether the RAM page is
   * clean for some dirty client (then writes get NOTDIRTY).
   */
  setPage(vaddr: number, target: TLBPageTarget, prot: number, mmuIdx: number, size: number, isClean: boolean): void {
    const t = this.tables[mmuIdx]!;
    const page = vaddr & PAGE_MASK;
    if (size > 4096) {
      const lpMask = ~(size - 1);
      const lpAddr = vaddr & lpMask;
      if (t.largePageAddr === -1) {
        t.largePageAddr = lpAddr;
        t.largePageMask = lpMask;
      } else {
        // Widen the mask until one region covers the old and the new large page.
        let mask = t.largePageMask & lpMask;
        while (((t.largePageAddr ^ lpAddr) & mask) !== 0) mask <<= 1;
        t.largePageMask = mask;
        t.largePageAddr &= mask;
      }
    }
    const idx = tlbIndex(page, t.mask);
    // Keep the old entry in the victim TLB if it held another page.
    const oldPage = t.entryPage(idx);
    if (oldPage === TLB_EMPTY) {
      t.usedEntries++;
    } else if (oldPage !== page) {
      const v = t.vIndex++ & (VTLB_SIZE - 1);
      t.vRead[v] = t.addrRead[idx]!;
      t.vWrite[v] = t.addrWrite[idx]!;
      t.vCode[v] = t.addrCode[idx]!;
      t.vAddend[v] = t.addend[idx]!;
      t.vPhys[v] = t.physAddr[idx]!;
      t.vProt[v] = t.prot[idx]!;
      t.vPage[v] = oldPage;
    }
    // Remove stale victim copies of this page so a later victim hit cannot revive them.
    t.dropVictim(page);
    let readFlags = 0;
    let writeFlags = 0;
    if (target.ramAddr < 0) {
      readFlags = TLB_MMIO;
      writeFlags = TLB_MMIO;
      t.addend[idx] = 0;
    } else {
      t.addend[idx] = (target.ramAddr - page) | 0;
      if (!target.readDirect) readFlags = TLB_MMIO;
      if (target.discardWrite) writeFlags = TLB_DISCARD_WRITE;
      else if (!target.writeDirect) writeFlags = TLB_MMIO;
      else if (isClean) writeFlags = TLB_NOTDIRTY;
    }
    t.physAddr[idx] = target.physAddr;
    t.prot[idx] = prot;
    t.addrRead[idx] = prot & PAGE_READ ? page | readFlags : TLB_EMPTY;
    t.addrCode[idx] = prot & PAGE_EXEC ? page | readFlags : TLB_EMPTY;
    t.addrWrite[idx] = prot & PAGE_WRITE ? page | writeFlags : TLB_EMPTY;
    t.stats.fills++;
  }

  /**
   * Re-arm NOTDIRTY on every write entry whose RAM page lies in [ramStart, ramStart+length)
   * (QEMU's tlb_reset_dirty): called when a dirty bit is cleared.
   */
  resetDirty(ramStart: number, length: number): void {
    const end = ramStart + length;
    for (const t of this.tables) {
      rearm(t.addrWrite, t.addend, ramStart, end);
      rearm(t.vWrite, t.vAddend, ramStart, end);
    }
  }

  /** Drop NOTDIRTY for the page at vaddr in every index, once the page is dirty for all clients. */
  setDirty(vaddr: number): void {
    const page = vaddr & PAGE_MASK;
    for (const t of this.tables) {
      const idx = tlbIndex(page, t.mask);
      if (t.addrWrite[idx] === (page | TLB_NOTDIRTY)) t.addrWrite[idx] = page;
      for (let v = 0; v < VTLB_SIZE; v++) if (t.vWrite[v] === (page | TLB_NOTDIRTY)) t.vWrite[v] = page;
    }
  }

  statsTotals(): TLBStats {
    const s = new TLBStats();
    for (const t of this.tables) {
      s.hits += t.stats.hits;
      s.misses += t.stats.misses;
      s.victimHits += t.stats.victimHits;
      s.fills += t.stats.fills;
      s.flushes += t.stats.flushes;
      s.pageFlushes += t.stats.pageFlushes;
      s.resizes += t.stats.resizes;
    }
    return s;
  }
}

/** Add NOTDIRTY to flag-free write comparators whose RAM page is in [start, end). */
function rearm(cmp: Int32Array, addend: Int32Array, start: number, end: number): void {
  for (let i = 0; i < cmp.length; i++) {
    const c = cmp[i]!;
    if (c === TLB_EMPTY || c & TLB_FLAGS_MASK) continue;
    const ram = (c + addend[i]!) >>> 0;
    if (ram >= start && ram < end) cmp[i] = c | TLB_NOTDIRTY;
  }
}
