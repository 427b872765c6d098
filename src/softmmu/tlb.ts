// The soft TLB (QEMU's cputlb): per MMU index a direct-mapped table of entries (read/write/code
// comparators and an addend from virtual address to ram_addr, packed in one Int32Array), an
// 8-entry victim TLB, large-page tracking, dynamic resizing at flush time, and counters.
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
 * An entry is four int32s in one table (QEMU's CPUTLBEntry): the read, write and code
 * comparators, at the offsets of the access types (MMU_DATA_LOAD/STORE/INST_FETCH), then the
 * addend. A lookup touches one 16-byte entry, so a large table stays cache-friendly.
 */
export const TLB_ENTRY_INTS = 4;
/** Offset of the addend in an entry: ram_addr = (vaddr + addend) >>> 0. */
export const TLB_ADDEND = 3;

/**
 * The entry offset (int32 index into TLBTable.table) of a virtual address: the page number
 * with bits 6 and up folded onto the low bits, times 4 (QEMU shifts the address by
 * PAGE_BITS - ENTRY_BITS for the same reason). Still direct-mapped, but pages a power-of-two
 * stride apart (4 MiB-aligned mappings, strided arrays) no longer all land in one slot, as
 * they do with QEMU's plain page & mask. `mask` is TLBTable.mask. Generated code inlines the
 * same expression (tcg/codegen.ts).
 */
export function tlbIndex(vaddr: number, mask: number): number {
  return ((vaddr >>> 10) ^ (vaddr >>> 16)) & mask;
}

export const TLB_MIN_BITS = 6;
export const TLB_DEFAULT_BITS = 8;
/**
 * QEMU's bound for a 32-bit guest (TARGET_VIRT_ADDR_SPACE_BITS - TARGET_PAGE_BITS = 20): the
 * table grows by use until the working set fits, and shrinks again when use falls.
 */
export const TLB_MAX_BITS = 20;
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

/**
 * Why a whole TLB was flushed (QEMU's tlb_flush callers): CR3 write, CR0/CR4/EFER paging bits,
 * invlpg (of a page inside a large mapping, or a single page: see CPUTLB.flushPage), the A20
 * line, a new memory map (tcg_commit), the RAM backing growing, anything else (reset, a loaded
 * migration stream, a multiboot entry).
 */
export const FLUSH_CR3 = 0;
export const FLUSH_CR0_CR4 = 1;
export const FLUSH_INVLPG = 2;
export const FLUSH_A20 = 3;
export const FLUSH_MEMORY_MAP = 4;
export const FLUSH_RAM_RESIZE = 5;
export const FLUSH_OTHER = 6;
/** Names of the causes, indexed by FLUSH_*, as --stats prints them. */
export const FLUSH_CAUSE_NAMES: readonly string[] = ['CR3 write', 'CR0/CR4', 'invlpg', 'A20', 'memory map', 'RAM resize', 'other'];

export class TLBStats {
  hits = 0;
  misses = 0;
  victimHits = 0;
  fills = 0;
  flushes = 0;
  pageFlushes = 0;
  resizes = 0;
}

/** n empty entries (the addend of an empty entry is never used, so it may be TLB_EMPTY too). */
function emptyEntries(n: number): Int32Array {
  return new Int32Array(n * TLB_ENTRY_INTS).fill(TLB_EMPTY);
}

/**
 * One MMU index's table. Fields are public for the inlined fast paths. Entry offsets (`idx`)
 * are int32 indexes into `table`, multiples of 4; the per-entry side arrays (QEMU's
 * CPUTLBEntryFull) are indexed by idx >> 2.
 */
export class TLBTable {
  bits = TLB_DEFAULT_BITS;
  /** (size - 1) << 2: masks a folded address to an entry offset. */
  mask = ((1 << TLB_DEFAULT_BITS) - 1) << 2;
  /** The entries: read, write, code comparators and addend, four int32s each. */
  table = emptyEntries(1 << TLB_DEFAULT_BITS);
  /** Physical page address of each entry (QEMU's CPUTLBEntryFull.phys_addr). */
  physAddr = new Float64Array(1 << TLB_DEFAULT_BITS);
  /** Page protection bits of each entry. */
  prot = new Uint8Array(1 << TLB_DEFAULT_BITS);
  /** Victim TLB: the same layout, fully associative. */
  vTable = emptyEntries(VTLB_SIZE);
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
  /**
   * Accesses translated code made through its inlined TLB check (added in bulk at block exits,
   * so they cost one add per exit, not one per access), and how many of them missed the inline
   * compare and went on to the helper path (whose hits/misses counters then see them).
   */
  inlineAccesses = 0;
  inlineSlow = 0;

  get size(): number {
    return (this.mask >>> 2) + 1;
  }

  /** The comparator of the entry at idx for an access type (MMU_DATA_LOAD/STORE/INST_FETCH). */
  comparator(idx: number, access: number): number {
    return this.table[idx + access]!;
  }

  addend(idx: number): number {
    return this.table[idx + TLB_ADDEND]!;
  }

  /** The comparator of victim slot v for an access type. */
  victimComparator(v: number, access: number): number {
    return this.vTable[v * TLB_ENTRY_INTS + access]!;
  }

  /** Empty everything; maybe resize first (QEMU resizes only at flush time). */
  flush(): void {
    if (!this.resizeByUse()) this.table.fill(TLB_EMPTY);
    this.vTable.fill(TLB_EMPTY);
    this.vPage.fill(TLB_EMPTY);
    this.largePageAddr = -1;
    this.largePageMask = 0;
    this.usedEntries = 0;
    this.stats.flushes++;
  }

  /** Returns true if the table was replaced (by an empty one). */
  private resizeByUse(): boolean {
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
    if (bits === this.bits) return false;
    const n = 1 << bits;
    this.bits = bits;
    this.mask = (n - 1) << 2;
    this.table = emptyEntries(n);
    this.physAddr = new Float64Array(n);
    this.prot = new Uint8Array(n);
    this.window = [];
    this.stats.resizes++;
    return true;
  }

  /** Invalidate the entry and victim entries for the page at vaddr. */
  flushPageEntry(page: number): void {
    const idx = tlbIndex(page, this.mask);
    const e = this.table;
    if (matchesPage(e[idx]!, page) || matchesPage(e[idx + 1]!, page) || matchesPage(e[idx + 2]!, page)) {
      e[idx] = TLB_EMPTY;
      e[idx + 1] = TLB_EMPTY;
      e[idx + 2] = TLB_EMPTY;
    }
    this.dropVictim(page);
    this.stats.pageFlushes++;
  }

  /** Forget victim copies of a page (a later victim hit must not revive them). */
  dropVictim(page: number): void {
    const vPage = this.vPage;
    for (let v = 0; v < VTLB_SIZE; v++) {
      if (vPage[v] === page) {
        const o = v * TLB_ENTRY_INTS;
        this.vTable[o] = TLB_EMPTY;
        this.vTable[o + 1] = TLB_EMPTY;
        this.vTable[o + 2] = TLB_EMPTY;
        vPage[v] = TLB_EMPTY;
      }
    }
  }

  /** The page the main entry at idx holds, or TLB_EMPTY. */
  entryPage(idx: number): number {
    const e = this.table;
    const r = e[idx]!;
    if (r !== TLB_EMPTY) return r & PAGE_MASK;
    const w = e[idx + 1]!;
    if (w !== TLB_EMPTY) return w & PAGE_MASK;
    const c = e[idx + 2]!;
    return c !== TLB_EMPTY ? c & PAGE_MASK : TLB_EMPTY;
  }

  /** Look in the victim TLB for the page; on a hit swap it into the main table. */
  victimHit(idx: number, page: number, access: number): boolean {
    const vPage = this.vPage;
    for (let v = 0; v < VTLB_SIZE; v++) {
      if (vPage[v] !== page) continue;
      const o = v * TLB_ENTRY_INTS;
      const cmp = this.vTable[o + access]!;
      if (cmp !== TLB_EMPTY && !(cmp & TLB_INVALID)) {
        vPage[v] = this.entryPage(idx);
        const e = this.table;
        const ve = this.vTable;
        for (let k = 0; k < TLB_ENTRY_INTS; k++) {
          const t = e[idx + k]!;
          e[idx + k] = ve[o + k]!;
          ve[o + k] = t;
        }
        const slot = idx >>> 2;
        const phys = this.physAddr[slot]!;
        this.physAddr[slot] = this.vPhys[v]!;
        this.vPhys[v] = phys;
        const prot = this.prot[slot]!;
        this.prot[slot] = this.vProt[v]!;
        this.vProt[v] = prot;
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

/** The TLB of one CPU: one table per MMU index. */
export class CPUTLB {
  readonly tables: TLBTable[] = [];
  /** Flushes by cause (FLUSH_*): whole-TLB flushes, and for FLUSH_INVLPG every flushPage call. */
  readonly flushCauses = new Float64Array(FLUSH_CAUSE_NAMES.length);
  /** Told of every flush (the TB layer clears its virtual-pc jump cache). */
  onFlush: (() => void) | null = null;

  constructor(readonly nbMmuModes: number) {
    for (let i = 0; i < nbMmuModes; i++) this.tables.push(new TLBTable());
  }

  flushAll(cause = FLUSH_OTHER): void {
    this.flushCauses[cause]!++;
    for (const t of this.tables) t.flush();
    this.onFlush?.();
  }

  flushByMmuIdx(idxmap: number, cause = FLUSH_OTHER): void {
    this.flushCauses[cause]!++;
    for (let i = 0; i < this.tables.length; i++) if (idxmap & (1 << i)) this.tables[i]!.flush();
    this.onFlush?.();
  }

  /** Flush one page in every MMU index; a page inside a tracked large page flushes the index. */
  flushPage(vaddr: number): void {
    this.flushPageByMmuIdx(vaddr, (1 << this.tables.length) - 1);
  }

  flushPageByMmuIdx(vaddr: number, idxmap: number): void {
    const page = vaddr & PAGE_MASK;
    this.flushCauses[FLUSH_INVLPG]!++;
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
    const e = t.table;
    // Keep the old entry in the victim TLB if it held another page.
    const oldPage = t.entryPage(idx);
    if (oldPage === TLB_EMPTY) {
      t.usedEntries++;
    } else if (oldPage !== page) {
      const v = t.vIndex++ & (VTLB_SIZE - 1);
      const o = v * TLB_ENTRY_INTS;
      const ve = t.vTable;
      ve[o] = e[idx]!;
      ve[o + 1] = e[idx + 1]!;
      ve[o + 2] = e[idx + 2]!;
      ve[o + 3] = e[idx + 3]!;
      t.vPhys[v] = t.physAddr[idx >>> 2]!;
      t.vProt[v] = t.prot[idx >>> 2]!;
      t.vPage[v] = oldPage;
    }
    // Remove stale victim copies of this page so a later victim hit cannot revive them.
    t.dropVictim(page);
    let readFlags = 0;
    let writeFlags = 0;
    if (target.ramAddr < 0) {
      readFlags = TLB_MMIO;
      writeFlags = TLB_MMIO;
      e[idx + TLB_ADDEND] = 0;
    } else {
      e[idx + TLB_ADDEND] = (target.ramAddr - page) | 0;
      if (!target.readDirect) readFlags = TLB_MMIO;
      if (target.discardWrite) writeFlags = TLB_DISCARD_WRITE;
      else if (!target.writeDirect) writeFlags = TLB_MMIO;
      else if (isClean) writeFlags = TLB_NOTDIRTY;
    }
    t.physAddr[idx >>> 2] = target.physAddr;
    t.prot[idx >>> 2] = prot;
    e[idx] = prot & PAGE_READ ? page | readFlags : TLB_EMPTY;
    e[idx + 1] = prot & PAGE_WRITE ? page | writeFlags : TLB_EMPTY;
    e[idx + 2] = prot & PAGE_EXEC ? page | readFlags : TLB_EMPTY;
    t.stats.fills++;
  }

  /**
   * Re-arm NOTDIRTY on every write entry whose RAM page lies in [ramStart, ramStart+length)
   * (QEMU's tlb_reset_dirty): called when a dirty bit is cleared.
   */
  resetDirty(ramStart: number, length: number): void {
    const end = ramStart + length;
    for (const t of this.tables) {
      rearm(t.table, ramStart, end);
      rearm(t.vTable, ramStart, end);
    }
  }

  /** Drop NOTDIRTY for the page at vaddr in every index, once the page is dirty for all clients. */
  setDirty(vaddr: number): void {
    const page = vaddr & PAGE_MASK;
    for (const t of this.tables) {
      const w = tlbIndex(page, t.mask) + 1;
      if (t.table[w] === (page | TLB_NOTDIRTY)) t.table[w] = page;
      const ve = t.vTable;
      for (let o = 1; o < ve.length; o += TLB_ENTRY_INTS) if (ve[o] === (page | TLB_NOTDIRTY)) ve[o] = page;
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

/** Add NOTDIRTY to flag-free write comparators (of entries laid out as in TLBTable) whose RAM page is in [start, end). */
function rearm(entries: Int32Array, start: number, end: number): void {
  for (let o = 0; o < entries.length; o += TLB_ENTRY_INTS) {
    const c = entries[o + 1]!;
    if (c === TLB_EMPTY || c & TLB_FLAGS_MASK) continue;
    const ram = (c + entries[o + TLB_ADDEND]!) >>> 0;
    if (ram >= start && ram < end) entries[o + 1] = c | TLB_NOTDIRTY;
  }
}
