// The translated-block cache (QEMU's tb-maint.c): a global hash by physical start, per-page
// lists (a block spanning two pages is on both), invalidation by ram_addr range, chaining and
// unchaining, a memory budget with a full flush, and DIRTY_MEMORY_CODE protection of pages
// that hold code: the first block on a page clears the page's CODE bit (re-arming NOTDIRTY
// in every TLB), the last one to go sets it again.

import { DIRTY_MEMORY_CODE, type MemorySystem } from '../memory/index.js';
import type { TranslationBlock } from './tb.js';

export type InvalidationCause = 'write' | 'dma' | 'flush';
export type InvalidateRangeHook = (ramAddr: number, length: number, cause: InvalidationCause, dropped: readonly TranslationBlock[]) => void;

export class TBStats {
  translations = 0;
  jumpCacheHits = 0;
  hashHits = 0;
  chainFollows = 0;
  /** Blocks entered after an inline ret / indirect jump through the previous block's prediction. */
  dynamicHits = 0;
  invalidationsWrite = 0;
  invalidationsDma = 0;
  invalidationsFlush = 0;
  flushes = 0;
  smcEvents = 0;
  interpretedInsns = 0;
  /** Checked blocks (hot SMC pages) found changed before or while running, and dropped. */
  checkedChanged = 0;
}

/** Hash of a virtual pc for the jump cache (one page's pcs land in one 64-entry group, as QEMU). */
export function jumpCacheHash(pc: number): number {
  return (((pc >>> 12) & 63) << 6) | (pc & 63);
}
export const JUMP_CACHE_SIZE = 4096;

/** Code invalidations on one page after which its code is interpreted instead of translated. */
export const HOT_SMC_REWRITES = 64;

export class TBCache {
  private readonly byPhys = new Map<number, TranslationBlock[]>();
  private readonly byPage = new Map<number, TranslationBlock[]>();
  /** Per-CPU jump caches registered here so invalidation can clear stale slots. */
  private readonly jumpCaches: (TranslationBlock | null)[][] = [];
  readonly stats = new TBStats();
  /** Generated source bytes held (the memory the cache costs). */
  codeBytes = 0;
  blockCount = 0;
  /** The block being executed (precise SMC: a write that invalidates it must end it). */
  current: TranslationBlock | null = null;
  /** Set when `current` was invalidated during its own execution. */
  currentInvalidated = false;
  /** Invalidations by writes per ram_addr page: pages rewritten over and over stop being translated. */
  private readonly pageRewrites = new Map<number, number>();
  /** Told when the running block is invalidated: the CPU must leave it after this access. */
  onCurrentInvalidated: (() => void) | null = null;
  /** --profile: told of every block the cache takes. */
  onBlockAdded: ((tb: TranslationBlock) => void) | null = null;
  /** -d page: told of each change to the page and block tables, as one line of text. */
  pageLog: ((line: string) => void) | null = null;
  /**
   * --trace-smc: told of every invalidation by range (a write to a page holding code) with the
   * blocks it dropped. Null (the default) costs nothing; set, each call allocates its list.
   */
  onInvalidateRange: InvalidateRangeHook | null = null;
  /** --profile's hook of the same kind (beside --trace-smc's). */
  profileInvalidateRange: InvalidateRangeHook | null = null;

  constructor(
    private readonly sys: MemorySystem,
    /** Flush everything when the generated code exceeds this many bytes. */
    readonly maxCodeBytes = 64 * 1024 * 1024,
  ) {
    // Writes through an address space (devices, loaders, page walks) come here; CPU stores
    // come through the soft TLB's codeWriteHook, which the engine points at 'write'.
    sys.codeInvalidator = (ramAddr, length) => this.invalidateRange(ramAddr, length, 'dma');
  }

  newJumpCache(): (TranslationBlock | null)[] {
    const jc = new Array<TranslationBlock | null>(JUMP_CACHE_SIZE).fill(null);
    this.jumpCaches.push(jc);
    return jc;
  }

  /** Find a valid block for (ram_addr, pc, csBase, flags); `page1Ok` checks a spanned second page. */
  lookup(ramAddr: number, pc: number, csBase: number, flags: number, page1Ok: (tb: TranslationBlock) => boolean): TranslationBlock | null {
    const list = this.byPhys.get(ramAddr);
    if (!list) return null;
    for (const tb of list) {
      if (tb.pc === pc && tb.csBase === csBase && tb.flags === flags && !tb.invalid && (tb.page1 < 0 || page1Ok(tb))) {
        this.stats.hashHits++;
        return tb;
      }
    }
    return null;
  }

  /** Add a freshly translated block; flushes everything first if the budget is exceeded. */
  insert(tb: TranslationBlock): void {
    if (this.codeBytes + tb.codeSize > this.maxCodeBytes) this.flushAll();
    const list = this.byPhys.get(tb.ramAddr);
    if (list) list.push(tb);
    else this.byPhys.set(tb.ramAddr, [tb]);
    // A checked block validates its own bytes: its page stays unprotected (writes to a hot
    // page would otherwise take the notdirty path and invalidate every time).
    if (!tb.checked) {
      this.addToPage(tb.page0, tb);
      if (tb.page1 >= 0) this.addToPage(tb.page1, tb);
    }
    this.codeBytes += tb.codeSize;
    this.blockCount++;
    this.stats.translations++;
    tb.id = this.stats.translations;
    this.onBlockAdded?.(tb);
    if (this.pageLog) {
      const pages = tb.page1 >= 0 ? `${hexPage(tb.page0)},${hexPage(tb.page1)}` : hexPage(tb.page0);
      this.pageLog(`page: tb ${tb.id} added: pc ${hex8(tb.csBase + tb.pc)} ram ${hex8(tb.ramAddr)}+${tb.size} on page ${pages}${tb.checked ? ' (checked, not protected)' : ''}\n`);
    }
  }

  private addToPage(page: number, tb: TranslationBlock): void {
    const list = this.byPage.get(page);
    if (list) {
      list.push(tb);
      return;
    }
    this.byPage.set(page, [tb]);
    // First code on this page: writes must now take the notdirty path (tlb_protect_code).
    this.sys.dirty.testAndClear(page * 4096, 4096, DIRTY_MEMORY_CODE);
    this.pageLog?.(`page: ${hexPage(page)} holds code: write-protected\n`);
  }

  /** Link exit `slot` of `from` to `to` (QEMU's tb_add_jump). */
  link(from: TranslationBlock, slot: number, to: TranslationBlock): void {
    if (to.invalid || from.invalid) return;
    from.jmpDest[slot] = to;
    to.incoming.push(from);
  }

  /**
   * Invalidate every block overlapping [ramAddr, ramAddr+length) (QEMU's
   * tb_invalidate_phys_range). Pages left without code get their CODE bit back.
   */
  invalidateRange(ramAddr: number, length: number, cause: InvalidationCause): void {
    const end = ramAddr + length;
    const p0 = Math.floor(ramAddr / 4096);
    const p1 = Math.floor((end - 1) / 4096);
    const dropped: TranslationBlock[] | null = this.onInvalidateRange || this.profileInvalidateRange ? [] : null;
    for (let p = p0; p <= p1; p++) {
      const list = this.byPage.get(p);
      if (!list) {
        // No code here (any more): the page is dirty for CODE again.
        this.sys.dirty.setRange(p * 4096, 4096, 1 << DIRTY_MEMORY_CODE);
        continue;
      }
      let hit = false;
      for (const tb of [...list]) {
        if (tb.overlaps(ramAddr, end)) {
          this.invalidate(tb, cause);
          dropped?.push(tb);
          hit = true;
        }
      }
      if (hit) this.pageRewrites.set(p, (this.pageRewrites.get(p) ?? 0) + 1);
      // invalidate() has given the page its CODE bit back if its last block went.
    }
    if (dropped) {
      this.onInvalidateRange?.(ramAddr, length, cause, dropped);
      this.profileInvalidateRange?.(ramAddr, length, cause, dropped);
    }
  }

  /** Remove one block from the cache (QEMU's tb_phys_invalidate). */
  invalidate(tb: TranslationBlock, cause: InvalidationCause): void {
    if (tb.invalid) return;
    tb.invalid = true;
    if (cause === 'write') this.stats.invalidationsWrite++;
    else if (cause === 'dma') this.stats.invalidationsDma++;
    else this.stats.invalidationsFlush++;
    if (tb === this.current) {
      this.currentInvalidated = true;
      this.stats.smcEvents++;
      this.onCurrentInvalidated?.();
    }
    removeFrom(this.byPhys, tb.ramAddr, tb);
    // A page that loses its last block is dirty for CODE again (tlb_unprotect_code), whichever
    // page of a spanning block was written, and on a flush.
    this.pageLog?.(`page: tb ${tb.id} dropped (${cause}): pc ${hex8(tb.csBase + tb.pc)} ram ${hex8(tb.ramAddr)}+${tb.size}\n`);
    if (removeFrom(this.byPage, tb.page0, tb)) this.unprotected(tb.page0);
    if (tb.page1 >= 0 && removeFrom(this.byPage, tb.page1, tb)) this.unprotected(tb.page1);
    // A block sits in a jump cache only at the slot of its own virtual pc.
    const slot = jumpCacheHash((tb.csBase + tb.pc) | 0);
    for (const jc of this.jumpCaches) if (jc[slot] === tb) jc[slot] = null;
    // Unlink: nobody may jump here any more, and our own links go.
    for (const from of tb.incoming) {
      if (from.jmpDest[0] === tb) from.jmpDest[0] = null;
      if (from.jmpDest[1] === tb) from.jmpDest[1] = null;
    }
    tb.incoming.length = 0;
    for (const dest of tb.jmpDest) {
      const k = dest ? dest.incoming.indexOf(tb) : -1;
      if (k >= 0) dest!.incoming.splice(k, 1);
    }
    tb.jmpDest[0] = null;
    tb.jmpDest[1] = null;
    tb.dynDest = null;
    tb.fn = null;
    this.codeBytes -= tb.codeSize;
    this.blockCount--;
  }

  /** A page lost its last block: writes to it no longer need the notdirty path. */
  private unprotected(page: number): void {
    this.sys.dirty.setRange(page * 4096, 4096, 1 << DIRTY_MEMORY_CODE);
    this.pageLog?.(`page: ${hexPage(page)} holds no code: unprotected\n`);
  }

  /** Drop every block (code budget exceeded, or asked for). */
  flushAll(): void {
    for (const list of [...this.byPhys.values()]) for (const tb of [...list]) this.invalidate(tb, 'flush');
    for (const jc of this.jumpCaches) jc.fill(null);
    this.byPage.clear();
    this.pageRewrites.clear();
    this.stats.flushes++;
  }

  /**
   * Is the page's code rewritten so often that translating it costs more than interpreting
   * it? (What QEMU 2.5's code bitmaps were for; we simply stop caching such pages.)
   */
  isHotSmcPage(page: number): boolean {
    return (this.pageRewrites.get(page) ?? 0) >= HOT_SMC_REWRITES;
  }

  /** Pages that currently hold translated code (for tests and stats). */
  get codePages(): number {
    return this.byPage.size;
  }
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
/** A ram_addr page by the address of its first byte. */
const hexPage = (page: number): string => hex8(page * 4096);

/** Remove tb from map[key]; true if that emptied (and deleted) the list. */
function removeFrom(map: Map<number, TranslationBlock[]>, key: number, tb: TranslationBlock): boolean {
  const list = map.get(key);
  if (!list) return false;
  const i = list.indexOf(tb);
  if (i >= 0) list.splice(i, 1);
  if (list.length !== 0) return false;
  map.delete(key);
  return true;
}
