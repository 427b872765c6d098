// Dirty-memory bitmaps over ram_addr_t pages, one per client (VGA, CODE, MIGRATION, and
// tcg86's BACKEND for file-backed RAM), as QEMU's ram_list.dirty_memory: 32 pages a word.

import { TARGET_PAGE_BITS } from './memtx.js';

export const DIRTY_MEMORY_VGA = 0;
export const DIRTY_MEMORY_CODE = 1;
export const DIRTY_MEMORY_MIGRATION = 2;
/**
 * tcg86's own client: pages of a memory-backend-file (share=on) written since its last
 * write-back to the file. Set wherever MIGRATION is (every client but CODE), consumed only by
 * the backend's sync, so it never takes a bit another client relies on.
 */
export const DIRTY_MEMORY_BACKEND = 3;
/**
 * tcg86's own: the page was written at least once since its block was made of fresh (zeroed)
 * host memory. Clear only where the board says so (RamList.markUntouched) and never cleared
 * again, so its first write takes the notdirty path once; migration sends a page whose bit is
 * clear as a zero page without reading it (a first read of never-touched host memory costs a
 * page fault, tens of microseconds on a loaded host).
 */
export const DIRTY_MEMORY_TOUCHED = 4;
export const DIRTY_MEMORY_NUM = 5;
export const DIRTY_CLIENTS_ALL = (1 << DIRTY_MEMORY_NUM) - 1;
export const DIRTY_CLIENTS_NOCODE = DIRTY_CLIENTS_ALL & ~(1 << DIRTY_MEMORY_CODE);

export const DIRTY_CLIENT_NAMES = ['vga', 'code', 'migration', 'backend', 'touched'] as const;

/** Called when bits are cleared for a range: the soft TLB re-arms NOTDIRTY there. */
export type DirtyClearedHook = (ramStart: number, length: number) => void;

/**
 * A copy of one client's bits over a range, taken by snapshotAndClear (for displays). A display
 * passes its previous snapshot back in to be refilled, so a refresh allocates nothing.
 */
export class DirtyBitmapSnapshot {
  /** Whether any page of the range was dirty (a display with nothing to redraw stops here). */
  anyDirty = false;

  constructor(
    /** ram_addr, aligned down to 32 pages. */
    public start: number,
    /** ram_addr, exclusive, aligned up to 32 pages. */
    public end: number,
    private bits: Uint32Array,
  ) {}

  /** @internal Re-point the snapshot at [start, end) with `words` words of bits (zeroed). */
  reuse(start: number, end: number, words: number): Uint32Array {
    if (this.bits.length < words) this.bits = new Uint32Array(Math.max(words, this.bits.length * 2));
    this.start = start;
    this.end = end;
    this.bits.fill(0, 0, words);
    return this.bits;
  }

  /** True if any page of [ramAddr, ramAddr+length) was dirty when the snapshot was taken. */
  getDirty(ramAddr: number, length: number): boolean {
    if (length <= 0) return false;
    if (ramAddr < this.start || ramAddr + length > this.end) {
      throw new RangeError(`snapshot covers 0x${this.start.toString(16)}-0x${(this.end - 1).toString(16)}, asked 0x${ramAddr.toString(16)}+0x${length.toString(16)}`);
    }
    const base = this.start >>> TARGET_PAGE_BITS;
    const first = Math.floor(ramAddr / 4096) - base;
    const last = Math.floor((ramAddr + length - 1) / 4096) - base;
    const bits = this.bits;
    for (let p = first; p <= last; p++) {
      if (bits[p >>> 5]! & (1 << (p & 31))) return true;
    }
    return false;
  }
}

export class DirtyMemory {
  /** bitmaps[client][word]: bit (page & 31) of word (page >> 5). */
  readonly bitmaps: Uint32Array[] = [];
  private pages = 0;
  private readonly clearedHooks: DirtyClearedHook[] = [];

  constructor() {
    for (let c = 0; c < DIRTY_MEMORY_NUM; c++) this.bitmaps.push(new Uint32Array(0));
  }

  get trackedPages(): number {
    return this.pages;
  }

  /** Grow to cover `bytes` of ram_addr space (never shrinks, like dirty_memory_extend). */
  extend(bytes: number): void {
    const pages = Math.ceil(bytes / 4096);
    if (pages <= this.pages) return;
    const words = (pages + 31) >>> 5;
    for (let c = 0; c < DIRTY_MEMORY_NUM; c++) {
      const old = this.bitmaps[c]!;
      if (words > old.length) {
        const grown = new Uint32Array(words);
        grown.set(old);
        this.bitmaps[c] = grown;
      }
    }
    this.pages = pages;
  }

  onBitsCleared(hook: DirtyClearedHook): void {
    this.clearedHooks.push(hook);
  }

  private pageRange(ramAddr: number, length: number): [number, number] {
    const first = Math.floor(ramAddr / 4096);
    const end = Math.floor((ramAddr + length - 1) / 4096) + 1;
    if (ramAddr < 0 || end > this.pages) {
      throw new RangeError(`dirty range 0x${ramAddr.toString(16)}+0x${length.toString(16)} outside ram_addr space (0x${(this.pages * 4096).toString(16)} bytes)`);
    }
    return [first, end];
  }

  /** True if any page of the range is dirty for `client`. */
  get(ramAddr: number, length: number, client: number): boolean {
    if (length <= 0) return false;
    const [first, end] = this.pageRange(ramAddr, length);
    const bm = this.bitmaps[client]!;
    for (let p = first; p < end; p++) {
      if (bm[p >>> 5]! & (1 << (p & 31))) return true;
    }
    return false;
  }

  /** True if every page of the range is dirty for `client`. */
  allDirty(ramAddr: number, length: number, client: number): boolean {
    if (length <= 0) return true;
    const [first, end] = this.pageRange(ramAddr, length);
    const bm = this.bitmaps[client]!;
    for (let p = first; p < end; p++) {
      if (!(bm[p >>> 5]! & (1 << (p & 31)))) return false;
    }
    return true;
  }

  /** Page-granular test, the hot one: is page `page` dirty for `client`? */
  isPageDirty(page: number, client: number): boolean {
    return (this.bitmaps[client]![page >>> 5]! & (1 << (page & 31))) !== 0;
  }

  /** QEMU's is_clean: the page at ramAddr is clean for at least one client of `mask`. */
  isClean(ramAddr: number, mask: number = DIRTY_CLIENTS_ALL): boolean {
    const page = Math.floor(ramAddr / 4096);
    for (let c = 0; c < DIRTY_MEMORY_NUM; c++) {
      if (mask & (1 << c) && !(this.bitmaps[c]![page >>> 5]! & (1 << (page & 31)))) return true;
    }
    return false;
  }

  /** True if any page of the range is clean for any client in `mask`. */
  rangeIncludesClean(ramAddr: number, length: number, mask: number): boolean {
    for (let c = 0; c < DIRTY_MEMORY_NUM; c++) {
      if (mask & (1 << c) && !this.allDirty(ramAddr, length, c)) return true;
    }
    return false;
  }

  /** Set the bits of every client in `mask` over the range. */
  setRange(ramAddr: number, length: number, mask: number): void {
    if (length <= 0 || mask === 0) return;
    const [first, end] = this.pageRange(ramAddr, length);
    for (let c = 0; c < DIRTY_MEMORY_NUM; c++) {
      if (mask & (1 << c)) fillBits(this.bitmaps[c]!, first, end, true);
    }
  }

  /** Clear the bits of every client in `mask` over the range (no TLB re-arm: used on free/resize). */
  clearRange(ramAddr: number, length: number, mask: number): void {
    if (length <= 0 || mask === 0) return;
    const [first, end] = this.pageRange(ramAddr, length);
    for (let c = 0; c < DIRTY_MEMORY_NUM; c++) {
      if (mask & (1 << c)) fillBits(this.bitmaps[c]!, first, end, false);
    }
  }

  /**
   * Clear `client`'s bits over the range and say whether any was set. Clearing re-arms the
   * NOTDIRTY slow path in every TLB (the invariant that keeps dirty tracking exact).
   */
  testAndClear(ramAddr: number, length: number, client: number): boolean {
    if (length <= 0) return false;
    const [first, end] = this.pageRange(ramAddr, length);
    const bm = this.bitmaps[client]!;
    let dirty = false;
    for (let p = first; p < end; p++) {
      const bit = 1 << (p & 31);
      if (bm[p >>> 5]! & bit) {
        dirty = true;
        bm[p >>> 5] = bm[p >>> 5]! & ~bit;
      }
    }
    if (dirty) this.bitsCleared(first * 4096, (end - first) * 4096);
    return dirty;
  }

  /**
   * Copy and clear `client`'s bits over the range (32-page aligned), for display updates.
   * `reuse` (a snapshot taken before) is refilled instead of allocating a new one.
   */
  snapshotAndClear(ramAddr: number, length: number, client: number, reuse?: DirtyBitmapSnapshot): DirtyBitmapSnapshot {
    const [first, end] = this.pageRange(ramAddr, Math.max(length, 1));
    const w0 = first >>> 5;
    const w1 = (end + 31) >>> 5;
    const bm = this.bitmaps[client]!;
    const snap = reuse ?? new DirtyBitmapSnapshot(0, 0, new Uint32Array(w1 - w0));
    const copy = snap.reuse(w0 * 32 * 4096, w1 * 32 * 4096, w1 - w0);
    // The copy answers only for the pages asked for (which are the only ones cleared).
    let any = false;
    for (let i = 0; i < w1 - w0; i++) {
      const lo = Math.max(first - (w0 + i) * 32, 0);
      const hi = Math.min(end - (w0 + i) * 32, 32);
      const within = hi >= 32 ? (lo === 0 ? 0xffffffff : ~((1 << lo) - 1)) : ((1 << hi) - 1) & ~((1 << lo) - 1);
      const v = bm[w0 + i]! & within;
      copy[i] = v;
      if (v !== 0) any = true;
    }
    fillBits(bm, first, end, false);
    snap.anyDirty = any;
    if (any) this.bitsCleared(first * 4096, (end - first) * 4096);
    return snap;
  }

  /**
   * OR `client`'s bits over [ramAddr, +length) into `into` (bit 0 = the page at ramAddr) and
   * clear them, re-arming write tracking where any was set (QEMU's
   * cpu_physical_memory_sync_dirty_bitmap, which only touches the MIGRATION client). ramAddr
   * must start a 32-page word (blocks are 64-page aligned). Returns the pages newly set in `into`.
   */
  syncAndClear(ramAddr: number, length: number, client: number, into: Uint32Array): number {
    if (length <= 0) return 0;
    const [first, end] = this.pageRange(ramAddr, length);
    if (first & 31) throw new RangeError(`syncAndClear: 0x${ramAddr.toString(16)} does not start a bitmap word`);
    const bm = this.bitmaps[client]!;
    const w0 = first >>> 5;
    const words = (end - first + 31) >>> 5;
    let fresh = 0;
    let any = false;
    for (let i = 0; i < words; i++) {
      let v = bm[w0 + i]!;
      if (v === 0) continue;
      const valid = end - first - i * 32;
      if (valid < 32) v &= (1 << valid) - 1;
      if (v === 0) continue;
      any = true;
      bm[w0 + i] = bm[w0 + i]! & ~v;
      const added = v & ~into[i]!;
      if (added !== 0) {
        fresh += popcount(added);
        into[i] = into[i]! | added;
      }
    }
    if (any) this.bitsCleared(first * 4096, (end - first) * 4096);
    return fresh;
  }

  private bitsCleared(ramStart: number, length: number): void {
    for (const hook of this.clearedHooks) hook(ramStart, length);
  }
}

export function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Set or clear bits [first, end) of a bitmap, a word at a time where possible. */
function fillBits(bm: Uint32Array, first: number, end: number, value: boolean): void {
  let p = first;
  while (p < end && p & 31) {
    bm[p >>> 5] = value ? bm[p >>> 5]! | (1 << (p & 31)) : bm[p >>> 5]! & ~(1 << (p & 31));
    p++;
  }
  while (p + 32 <= end) {
    bm[p >>> 5] = value ? 0xffffffff : 0;
    p += 32;
  }
  while (p < end) {
    bm[p >>> 5] = value ? bm[p >>> 5]! | (1 << (p & 31)) : bm[p >>> 5]! & ~(1 << (p & 31));
    p++;
  }
}
