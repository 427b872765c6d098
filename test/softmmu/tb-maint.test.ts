// Translated-block cache (QEMU-FACTS §3 code protection, §4 lookup/invalidation/chaining/flush):
// CODE bits follow the per-page lists, range invalidation by cause, unchaining, jump-cache
// clearing, DMA into code, flushAll and the code budget, the current-block flag for precise SMC.

import { describe, expect, it } from 'vitest';
import { DIRTY_MEMORY_CODE } from '../../src/memory/index.js';
import { TBCache, jumpCacheHash } from '../../src/softmmu/tb-maint.js';
import { TranslationBlock } from '../../src/softmmu/tb.js';
import { MMU_DATA_STORE, TLB_NOTDIRTY } from '../../src/softmmu/tlb-flags.js';
import { makeFixture, slot, type Fixture } from './fixture.js';

/** A block of `size` guest bytes at ram_addr `ram` (pc = ram), maybe spanning into the next page. */
function block(f: Fixture, phys: number, size: number, codeSize = 100): TranslationBlock {
  const ram = f.ramOffset + phys;
  const page0 = Math.floor(ram / 4096);
  const spans = ((ram + size - 1) & -4096) !== (ram & -4096);
  const ram1 = spans ? (ram & -4096) + 4096 : -1;
  const tb = new TranslationBlock(phys, 0, 0, ram, size, page0, spans ? page0 + 1 : -1, ram1);
  tb.codeSize = codeSize;
  tb.fn = () => -1;
  return tb;
}

const codeDirty = (f: Fixture, phys: number) => f.sys.dirty.get(f.ramOffset + phys, 1, DIRTY_MEMORY_CODE);

describe('TB cache: code protection', () => {
  it('the first block on a page clears its CODE bit and re-arms NOTDIRTY in a TLB over the same memory', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    f.mmu.st8(0x1000, 0, 0); // page in the TLB, writable, dirty: no NOTDIRTY
    const t = f.mmu.tlb.tables[0]!;
    expect(t.comparator(slot(1), MMU_DATA_STORE)).toBe(0x1000);
    expect(codeDirty(f, 0x1000)).toBe(true);
    cache.insert(block(f, 0x1010, 16));
    expect(codeDirty(f, 0x1000)).toBe(false);
    expect(codeDirty(f, 0x2000)).toBe(true);
    expect(t.comparator(slot(1), MMU_DATA_STORE)).toBe(0x1000 | TLB_NOTDIRTY);
    expect(cache.codePages).toBe(1);
    expect(cache.blockCount).toBe(1);
    expect(cache.stats.translations).toBe(1);
    expect(cache.codeBytes).toBe(100);
  });

  it('a block spanning two pages protects both and is found through either', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const tb = block(f, 0x2ff8, 16);
    expect(tb.page1).toBe(tb.page0 + 1);
    cache.insert(tb);
    expect(codeDirty(f, 0x2000)).toBe(false);
    expect(codeDirty(f, 0x3000)).toBe(false);
    expect(cache.codePages).toBe(2);
    cache.invalidateRange(f.ramOffset + 0x3007, 1, 'write');
    expect(tb.invalid).toBe(true);
    expect(cache.stats.invalidationsWrite).toBe(1);

    const tb2 = block(f, 0x2ff8, 16);
    cache.insert(tb2);
    cache.invalidateRange(f.ramOffset + 0x2ff8, 1, 'write');
    expect(tb2.invalid).toBe(true);
  });

  it('a page gets its CODE bit back when it loses its last block, also through the other page of a spanning block', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const span = block(f, 0x2ff8, 16); // pages 2 and 3
    cache.insert(span);
    // Invalidated by a write to page 3: page 2 has lost its last block too.
    cache.invalidateRange(f.ramOffset + 0x3004, 4, 'write');
    expect(cache.codePages).toBe(0);
    expect(codeDirty(f, 0x3000)).toBe(true);
    expect(codeDirty(f, 0x2000)).toBe(true);
  });
});

describe('TB cache: invalidation', () => {
  it('invalidateRange removes only overlapping blocks and counts by cause', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const a = block(f, 0x1000, 0x10); // [0x1000, 0x1010)
    const b = block(f, 0x1020, 0x10); // [0x1020, 0x1030)
    const c = block(f, 0x5000, 0x20);
    for (const tb of [a, b, c]) cache.insert(tb);
    cache.invalidateRange(f.ramOffset + 0x1010, 0x10, 'write'); // the gap between them
    expect([a.invalid, b.invalid, c.invalid]).toEqual([false, false, false]);
    cache.invalidateRange(f.ramOffset + 0x100f, 1, 'write'); // a's last byte
    expect([a.invalid, b.invalid, c.invalid]).toEqual([true, false, false]);
    expect(a.fn).toBeNull();
    expect(codeDirty(f, 0x1000)).toBe(false); // b still there
    cache.invalidateRange(f.ramOffset + 0x1000, 0x1000, 'dma');
    expect(b.invalid).toBe(true);
    expect(codeDirty(f, 0x1000)).toBe(true);
    expect(codeDirty(f, 0x5000)).toBe(false);
    expect(cache.stats.invalidationsWrite).toBe(1);
    expect(cache.stats.invalidationsDma).toBe(1);
    expect(cache.blockCount).toBe(1);
    expect(cache.codeBytes).toBe(100);
    // Lookup no longer finds invalidated blocks.
    expect(cache.lookup(a.ramAddr, a.pc, 0, 0, () => true)).toBeNull();
    expect(cache.lookup(c.ramAddr, c.pc, 0, 0, () => true)).toBe(c);
    expect(cache.stats.hashHits).toBe(1);
  });

  it('lookup matches pc, CS base and flags, and asks about the second page of a spanning block', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const tb = block(f, 0x2ff8, 16);
    cache.insert(tb);
    expect(cache.lookup(tb.ramAddr, tb.pc, 0, 1, () => true)).toBeNull();
    expect(cache.lookup(tb.ramAddr, tb.pc + 1, 0, 0, () => true)).toBeNull();
    expect(cache.lookup(tb.ramAddr, tb.pc, 0x10, 0, () => true)).toBeNull();
    expect(cache.lookup(tb.ramAddr, tb.pc, 0, 0, () => false)).toBeNull();
    expect(cache.lookup(tb.ramAddr, tb.pc, 0, 0, (t) => t.ramAddr1 === f.ramOffset + 0x3000)).toBe(tb);
  });

  it('invalidation unlinks chained jumps both ways and clears jump-cache slots', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const jc = cache.newJumpCache();
    const a = block(f, 0x1000, 8);
    const b = block(f, 0x1108, 8); // jump-cache slots differ from a's (same page group)
    const c = block(f, 0x1210, 8);
    for (const tb of [a, b, c]) cache.insert(tb);
    cache.link(a, 0, b);
    cache.link(c, 1, b);
    cache.link(b, 0, c);
    jc[jumpCacheHash(b.pc)] = b;
    jc[jumpCacheHash(a.pc)] = a;
    expect(b.incoming).toEqual([a, c]);
    cache.invalidateRange(b.ramAddr, 1, 'write');
    expect(a.jmpDest[0]).toBeNull();
    expect(c.jmpDest[1]).toBeNull();
    expect(b.jmpDest[0]).toBeNull();
    expect(b.incoming).toEqual([]);
    // b's own outgoing link is gone from c's incoming list too (no stale back-pointer).
    expect(c.incoming).toEqual([]);
    expect(jc[jumpCacheHash(b.pc)]).toBeNull();
    expect(jc[jumpCacheHash(a.pc)]).toBe(a);
    // Links to or from an invalid block are refused.
    cache.link(a, 0, b);
    expect(a.jmpDest[0]).toBeNull();
    cache.link(b, 0, a);
    expect(b.jmpDest[0]).toBeNull();
  });

  it('a DMA write through the address space into a code page invalidates the block (cause dma)', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const tb = block(f, 0x4000, 0x20);
    const other = block(f, 0x4100, 0x20);
    cache.insert(tb);
    cache.insert(other);
    f.as.write(0x4010, new Uint8Array([1, 2, 3]));
    expect(tb.invalid).toBe(true);
    expect(other.invalid).toBe(false);
    expect(cache.stats.invalidationsDma).toBe(1);
    expect(cache.stats.invalidationsWrite).toBe(0);
    expect(f.as.ldub(0x4012)).toBe(3);
    // A DMA write elsewhere in RAM (CODE bit set) does not reach the cache.
    f.as.stl(0x8000, 1);
    expect(cache.stats.invalidationsDma).toBe(1);
    // Single-value stores through the address space are DMA too.
    f.as.stb(0x4100, 0x90);
    expect(other.invalid).toBe(true);
    expect(cache.stats.invalidationsDma).toBe(2);
    expect(codeDirty(f, 0x4000)).toBe(true);
  });

  it('a CPU store through the soft TLB with the TB layer hooked invalidates with cause write', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    f.mmu.codeWriteHook = (ramAddr, size) => cache.invalidateRange(ramAddr, size, 'write');
    f.mmu.st8(0x4000, 0, 0); // TLB filled while the page is dirty
    const tb = block(f, 0x4000, 0x20);
    cache.insert(tb);
    f.mmu.st8(0x4100, 1, 0); // same page, outside the block: checks, invalidates nothing
    expect(tb.invalid).toBe(false);
    f.mmu.st32(0x401c, 0x90909090, 0);
    expect(tb.invalid).toBe(true);
    expect(cache.stats.invalidationsWrite).toBe(1);
    // The page has no code left: CODE is set, NOTDIRTY dropped, further stores are fast.
    expect(codeDirty(f, 0x4000)).toBe(true);
    expect(f.mmu.tlb.tables[0]!.comparator(slot(4), MMU_DATA_STORE)).toBe(0x4000);
  });

  it('invalidating the running block sets the current-block flag and counts an SMC event', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const cur = block(f, 0x1000, 0x20);
    const other = block(f, 0x1100, 0x20);
    cache.insert(cur);
    cache.insert(other);
    cache.current = cur;
    cache.invalidateRange(other.ramAddr, 1, 'write');
    expect(cache.currentInvalidated).toBe(false);
    expect(cache.stats.smcEvents).toBe(0);
    cache.invalidateRange(cur.ramAddr + 0x1f, 1, 'write');
    expect(cache.currentInvalidated).toBe(true);
    expect(cache.stats.smcEvents).toBe(1);
  });
});

describe('TB cache: flush and budget', () => {
  it('flushAll drops every block, clears the jump caches and gives every page its CODE bit back', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    const jc = cache.newJumpCache();
    const blocks = [block(f, 0x1000, 8), block(f, 0x2ff8, 16), block(f, 0x7000, 8)];
    for (const tb of blocks) {
      cache.insert(tb);
      jc[jumpCacheHash(tb.pc)] = tb;
    }
    cache.link(blocks[0]!, 0, blocks[2]!);
    cache.flushAll();
    expect(blocks.every((tb) => tb.invalid && tb.fn === null)).toBe(true);
    expect(jc.every((e) => e === null)).toBe(true);
    expect(cache.blockCount).toBe(0);
    expect(cache.codeBytes).toBe(0);
    expect(cache.codePages).toBe(0);
    expect(cache.stats.flushes).toBe(1);
    expect(cache.stats.invalidationsFlush).toBe(3);
    expect(blocks[0]!.jmpDest[0]).toBeNull();
    for (const p of [0x1000, 0x2000, 0x3000, 0x7000]) expect(codeDirty(f, p)).toBe(true);
  });

  it('after flushAll a store to a former code page takes the fast path (NOTDIRTY dropped)', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys);
    let hookCalls = 0;
    f.mmu.codeWriteHook = (ramAddr, size) => {
      hookCalls++;
      cache.invalidateRange(ramAddr, size, 'write');
    };
    f.mmu.st8(0x1000, 0, 0);
    cache.insert(block(f, 0x1000, 8));
    cache.flushAll();
    f.mmu.st8(0x1800, 1, 0);
    // Nothing to invalidate: the write must not have looked like code invalidation.
    expect(hookCalls).toBe(0);
    expect(f.mmu.tlb.tables[0]!.comparator(slot(1), MMU_DATA_STORE)).toBe(0x1000);
  });

  it('inserting past the code budget flushes everything first', () => {
    const f = makeFixture();
    const cache = new TBCache(f.sys, 1000);
    const a = block(f, 0x1000, 8, 400);
    const b = block(f, 0x1100, 8, 400);
    const c = block(f, 0x2000, 8, 400);
    cache.insert(a);
    cache.insert(b);
    expect(cache.stats.flushes).toBe(0);
    cache.insert(c); // 1200 > 1000
    expect(cache.stats.flushes).toBe(1);
    expect(a.invalid && b.invalid).toBe(true);
    expect(c.invalid).toBe(false);
    expect(cache.blockCount).toBe(1);
    expect(cache.codeBytes).toBe(400);
    expect(cache.stats.translations).toBe(3);
    expect(codeDirty(f, 0x1000)).toBe(true);
    expect(codeDirty(f, 0x2000)).toBe(false);
    expect(cache.lookup(c.ramAddr, c.pc, 0, 0, () => true)).toBe(c);
  });
});
