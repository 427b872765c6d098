// Soft TLB (QEMU's cputlb, QEMU-FACTS §1): hits without refill, the 8-entry victim TLB, page
// and large-page flushes, flush by MMU index, resize at flush time, NOTDIRTY re-arm and counters.

import { describe, expect, it } from 'vitest';
import { CPUTLB, tlbIndex, TLB_ADDEND, TLB_DEFAULT_BITS, TLB_ENTRY_INTS, TLB_MAX_BITS, TLB_MIN_BITS, type TLBPageTarget, type TLBTable } from '../../src/softmmu/tlb.js';
import {
  MMU_DATA_LOAD,
  MMU_DATA_STORE,
  MMU_INST_FETCH,
  PAGE_READ,
  TLB_DISCARD_WRITE,
  TLB_EMPTY,
  TLB_MMIO,
  TLB_NOTDIRTY,
} from '../../src/softmmu/tlb-flags.js';
import { conflictStride, makeFixture, RWX, slot } from './fixture.js';

const ram = (ramAddr: number): TLBPageTarget => ({ ramAddr, physAddr: ramAddr, readDirect: true, writeDirect: true, discardWrite: false });

/** Is the page at vaddr present (read comparator) in the main table or the victim TLB? */
function inMain(t: TLBTable, vaddr: number): boolean {
  const page = vaddr & -4096;
  const cmp = t.comparator(tlbIndex(vaddr, t.mask), MMU_DATA_LOAD);
  return cmp !== TLB_EMPTY && (cmp & -4096) === page;
}
function inVictim(t: TLBTable, vaddr: number): boolean {
  const page = vaddr & -4096;
  for (let v = 0; v < 8; v++) {
    const cmp = t.victimComparator(v, MMU_DATA_LOAD);
    if (cmp !== TLB_EMPTY && (cmp & -4096) === page) return true;
  }
  return false;
}

function victimWrites(t: TLBTable): number[] {
  return [0, 1, 2, 3, 4, 5, 6, 7].map((v) => t.victimComparator(v, MMU_DATA_STORE));
}

/** Fill `n` distinct consecutive pages (distinct indexes while n <= size) in mmuIdx 0. */
function fillPages(tlb: CPUTLB, n: number, mmuIdx = 0): void {
  for (let p = 0; p < n; p++) tlb.setPage(p * 4096, ram(p * 4096), RWX, mmuIdx, 4096, false);
}

describe('soft TLB: fill and hit', () => {
  it('a filled page is hit without calling fill again', () => {
    const f = makeFixture();
    f.as.stb(0x1234, 0x5a);
    f.as.stb(0x1ff0, 0xa5);
    expect(f.mmu.ld8(0x1234, 0)).toBe(0x5a);
    expect(f.fills).toEqual([[0x1234, 0, 0]]);
    const t = f.mmu.tlb.tables[0]!;
    const hits = t.stats.hits;
    expect(f.mmu.ld8(0x1ff0, 0)).toBe(0xa5);
    expect(f.mmu.ld8(0x1234, 0)).toBe(0x5a);
    expect(f.fills.length).toBe(1);
    expect(t.stats.hits).toBe(hits + 2);
    expect(t.stats.misses).toBe(1);
    expect(t.stats.fills).toBe(1);
    // Other MMU indexes have their own tables: the same address misses there.
    f.mmu.ld8(0x1234, 1);
    expect(f.fills).toEqual([
      [0x1234, 0, 0],
      [0x1234, 0, 1],
    ]);
  });

  it('plain RAM has flag-free comparators and an addend to the ram_addr', () => {
    const f = makeFixture();
    f.map.set(0x5000, { phys: 0x7000, prot: RWX, size: 4096 });
    f.mmu.ld8(0x5010, 0);
    const t = f.mmu.tlb.tables[0]!;
    const idx = tlbIndex(0x5000, t.mask);
    expect(t.comparator(idx, MMU_DATA_LOAD)).toBe(0x5000);
    expect(t.comparator(idx, MMU_DATA_STORE)).toBe(0x5000);
    expect(t.comparator(idx, MMU_INST_FETCH)).toBe(0x5000);
    expect((0x5010 + t.addend(idx)) >>> 0).toBe(f.ramOffset + 0x7010);
    expect(t.physAddr[idx >>> 2]).toBe(0x7000);
  });

  it('a page without write permission gets an empty write comparator', () => {
    const tlb = new CPUTLB(1);
    tlb.setPage(0x3000, ram(0x3000), PAGE_READ, 0, 4096, false);
    const t = tlb.tables[0]!;
    expect(t.comparator(slot(3), MMU_DATA_LOAD)).toBe(0x3000);
    expect(t.comparator(slot(3), MMU_DATA_STORE)).toBe(TLB_EMPTY);
    expect(t.comparator(slot(3), MMU_INST_FETCH)).toBe(TLB_EMPTY);
  });
});

describe('soft TLB: victim TLB', () => {
  it('a conflict miss moves the old entry to the victim TLB and the next access swaps it back', () => {
    const f = makeFixture();
    const t = f.mmu.tlb.tables[0]!;
    const size = t.size;
    const a = 0x1000;
    const b = a + conflictStride(size); // same index as a
    f.map.set(b, { phys: 0x9000, prot: RWX, size: 4096 });
    f.as.stb(0x1000, 0x11);
    f.as.stb(0x9000, 0x22);
    expect(f.mmu.ld8(a, 0)).toBe(0x11);
    expect(f.mmu.ld8(b, 0)).toBe(0x22);
    expect(f.fills.length).toBe(2);
    expect(inMain(t, b)).toBe(true);
    expect(inVictim(t, a)).toBe(true);
    expect(f.mmu.ld8(a, 0)).toBe(0x11);
    expect(f.fills.length).toBe(2); // no refill
    expect(t.stats.victimHits).toBe(1);
    expect(inMain(t, a)).toBe(true);
    expect(inVictim(t, b)).toBe(true); // swapped, not lost
    expect(f.mmu.ld8(b, 0)).toBe(0x22);
    expect(f.fills.length).toBe(2);
    expect(t.stats.victimHits).toBe(2);
    // The swapped-in entry is usable by the fast path: this access is a plain hit.
    const hits = t.stats.hits;
    expect(f.mmu.ld8(b + 1, 0)).toBe(0);
    expect(t.stats.hits).toBe(hits + 1);
    expect(t.stats.victimHits).toBe(2);
  });

  it('the victim TLB holds 8 entries: a ninth conflicting page pushes out the oldest', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    const stride = conflictStride(t.size);
    for (let k = 0; k < 10; k++) tlb.setPage(0x1000 + k * stride, ram(k * 4096), RWX, 0, 4096, false);
    // Main holds page 9; the victims are pages 1..8 (page 0 was overwritten by the 9th eviction).
    expect(inMain(t, 0x1000 + 9 * stride)).toBe(true);
    for (let k = 1; k <= 8; k++) expect(inVictim(t, 0x1000 + k * stride)).toBe(true);
    expect(inVictim(t, 0x1000)).toBe(false);
  });

  it('refilling the same page does not put a copy of it in the victim TLB', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    tlb.setPage(0x4000, ram(0x4000), RWX, 0, 4096, false);
    tlb.setPage(0x4000, ram(0x8000), RWX, 0, 4096, false);
    expect(inVictim(t, 0x4000)).toBe(false);
    expect((0x4000 + t.addend(slot(4))) >>> 0).toBe(0x8000);
  });
});

describe('soft TLB: flushes', () => {
  it('flushPage removes the main and the victim copies of the page, nothing else', () => {
    const f = makeFixture();
    const t = f.mmu.tlb.tables[0]!;
    const a = 0x1000;
    const b = a + conflictStride(t.size);
    f.map.set(b, { phys: 0x9000, prot: RWX, size: 4096 });
    f.mmu.ld8(a, 0);
    f.mmu.ld8(b, 0); // a is now a victim
    f.mmu.ld8(0x2000, 0);
    expect(inVictim(t, a)).toBe(true);
    f.mmu.tlb.flushPage(a);
    expect(inVictim(t, a)).toBe(false);
    expect(inMain(t, b)).toBe(true);
    expect(inMain(t, 0x2000)).toBe(true);
    const fills = f.fills.length;
    f.mmu.ld8(a, 0);
    expect(f.fills.length).toBe(fills + 1); // refilled: the victim copy was gone
    expect(t.stats.victimHits).toBe(0);
    // Now b is the victim and a in main: flushing b (victim) and a (main).
    f.mmu.tlb.flushPage(a);
    expect(inMain(t, a)).toBe(false);
    f.mmu.tlb.flushPage(b);
    expect(inVictim(t, b)).toBe(false);
    expect(inMain(t, 0x2000)).toBe(true);
    expect(t.stats.pageFlushes).toBe(3);
  });

  it('flushPage inside a large page flushes the whole index, outside it only the page', () => {
    const tlb = new CPUTLB(2);
    const t0 = tlb.tables[0]!;
    const t1 = tlb.tables[1]!;
    // A 4 MiB page at 0x400000 in index 0: two of its 4K pieces installed.
    tlb.setPage(0x400000, ram(0x000000), RWX, 0, 0x400000, false);
    tlb.setPage(0x401000, ram(0x001000), RWX, 0, 0x400000, false);
    tlb.setPage(0x5000, ram(0x2000), RWX, 0, 4096, false);
    tlb.setPage(0x3000, ram(0x3000), RWX, 0, 4096, false);
    tlb.setPage(0x5000, ram(0x2000), RWX, 1, 4096, false);
    tlb.setPage(0x402000, ram(0x5000), RWX, 1, 4096, false);
    expect(t0.largePageAddr).toBe(0x400000);

    // Outside the large page: only that page goes.
    tlb.flushPage(0x5000);
    expect(inMain(t0, 0x5000)).toBe(false);
    expect(inMain(t0, 0x3000)).toBe(true);
    expect(inMain(t0, 0x400000)).toBe(true);
    expect(inMain(t0, 0x401000)).toBe(true);
    expect(inMain(t1, 0x5000)).toBe(false);
    expect(t0.stats.flushes).toBe(0);

    // Inside it (a 4K piece never installed): the whole of index 0 goes; index 1 tracks no
    // large page, so only the named page goes there.
    tlb.flushPage(0x7ff000);
    expect(inMain(t0, 0x3000)).toBe(false);
    expect(inMain(t0, 0x400000)).toBe(false);
    expect(inMain(t0, 0x401000)).toBe(false);
    expect(t0.stats.flushes).toBe(1);
    expect(t0.largePageAddr).toBe(-1);
    tlb.setPage(0x402000, ram(0x5000), RWX, 0, 4096, false);
    expect(inMain(t1, 0x402000)).toBe(true);
    tlb.flushPage(0x402000); // index 0's large page is gone: a page flush again
    expect(t0.stats.flushes).toBe(1);
    expect(inMain(t1, 0x402000)).toBe(false);
  });

  it('two large pages widen the tracked region to cover both', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    tlb.setPage(0x400000, ram(0), RWX, 0, 0x400000, false);
    tlb.setPage(0xc00000, ram(0x1000), RWX, 0, 0x400000, false);
    tlb.setPage(0x2000, ram(0x2000), RWX, 0, 4096, false);
    // 0x400000 and 0xc00000 differ in bit 23: the region is 0x000000-0xffffff.
    expect(t.largePageAddr).toBe(0);
    expect(t.largePageMask).toBe(~0xffffff);
    tlb.flushPage(0x800000); // between the two large pages, inside the covering region
    expect(t.stats.flushes).toBe(1);
    expect(inMain(t, 0x2000)).toBe(false);
  });

  it('flushByMmuIdx flushes only the named indexes', () => {
    const tlb = new CPUTLB(3);
    for (let i = 0; i < 3; i++) tlb.setPage(0x5000, ram(0x5000), RWX, i, 4096, false);
    let told = 0;
    tlb.onFlush = () => told++;
    tlb.flushByMmuIdx(0b010);
    expect(inMain(tlb.tables[0]!, 0x5000)).toBe(true);
    expect(inMain(tlb.tables[1]!, 0x5000)).toBe(false);
    expect(inMain(tlb.tables[2]!, 0x5000)).toBe(true);
    expect(tlb.tables.map((t) => t.stats.flushes)).toEqual([0, 1, 0]);
    tlb.flushByMmuIdx(0b101);
    expect(tlb.tables.map((t) => t.stats.flushes)).toEqual([1, 1, 1]);
    expect(inMain(tlb.tables[0]!, 0x5000)).toBe(false);
    expect(told).toBe(2);
  });

  it('flushAll empties main and victim entries of every index', () => {
    const tlb = new CPUTLB(2);
    const stride = conflictStride(tlb.tables[0]!.size);
    tlb.setPage(0x1000, ram(0), RWX, 0, 4096, false);
    tlb.setPage(0x1000 + stride, ram(0x1000), RWX, 0, 4096, false);
    tlb.setPage(0x1000, ram(0), RWX, 1, 4096, false);
    tlb.flushAll();
    for (const t of tlb.tables) {
      const comparatorsEmpty = (e: Int32Array) => e.every((c, i) => i % TLB_ENTRY_INTS === TLB_ADDEND || c === TLB_EMPTY);
      expect(comparatorsEmpty(t.table)).toBe(true);
      expect(comparatorsEmpty(t.vTable)).toBe(true);
    }
  });
});

describe('soft TLB: resize at flush time', () => {
  it('starts at 2^8 entries; a flush with more than 70% used doubles it, up to 2^20 (QEMU for a 32-bit guest)', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    expect(t.size).toBe(1 << TLB_DEFAULT_BITS);
    // Exactly 70% is not "more than": no growth.
    fillPages(tlb, Math.floor(t.size * 0.7));
    tlb.flushAll();
    expect(t.size).toBe(256);
    let bits = TLB_DEFAULT_BITS;
    while (bits < TLB_MAX_BITS) {
      fillPages(tlb, Math.floor(t.size * 0.7) + 1);
      tlb.flushAll();
      bits++;
      expect(t.size).toBe(1 << bits);
      expect(t.mask).toBe(((1 << bits) - 1) * TLB_ENTRY_INTS);
      expect(t.table.length).toBe((1 << bits) * TLB_ENTRY_INTS);
    }
    expect(t.stats.resizes).toBe(TLB_MAX_BITS - TLB_DEFAULT_BITS);
    // Full use at the maximum: stays.
    fillPages(tlb, t.size);
    tlb.flushAll();
    expect(t.size).toBe(1 << TLB_MAX_BITS);
    // The grown table works: the top slot of the new size is reachable.
    let page = 0;
    while (tlbIndex(page, t.mask) !== t.mask) page += 4096;
    tlb.setPage(page, ram(0), RWX, 0, 4096, false);
    expect(inMain(t, page)).toBe(true);
    expect(t.comparator(slot(t.size - 1), MMU_DATA_LOAD)).toBe(page | 0);
  });

  it('after 16 flushes with under 30% used it shrinks to fit, never below 2^6', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    for (let k = 0; k < 15; k++) {
      fillPages(tlb, 10);
      tlb.flushAll();
    }
    expect(t.size).toBe(256); // the window is not over yet
    fillPages(tlb, 10);
    tlb.flushAll();
    // pow2ceil(10) = 16 is below the minimum: 2^6.
    expect(t.size).toBe(1 << TLB_MIN_BITS);
    for (let k = 0; k < 40; k++) tlb.flushAll();
    expect(t.size).toBe(1 << TLB_MIN_BITS);
  });

  it('shrinking doubles again when pow2ceil(max use) would be more than 70% full', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    // 60 of 256 is under 30%; pow2ceil(60) = 64 and 60/64 > 70%: the new size is 128.
    for (let k = 0; k < 16; k++) {
      fillPages(tlb, 60);
      tlb.flushAll();
    }
    expect(t.size).toBe(128);
  });

  it('one busy flush in the window prevents shrinking', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    fillPages(tlb, 100); // 39%: neither grow nor shrink
    tlb.flushAll();
    for (let k = 0; k < 15; k++) {
      fillPages(tlb, 5);
      tlb.flushAll();
    }
    expect(t.size).toBe(256);
    // The busy flush has left the 16-flush window now.
    fillPages(tlb, 5);
    tlb.flushAll();
    expect(t.size).toBe(64);
  });
});

describe('soft TLB: flags, NOTDIRTY re-arm and set', () => {
  it('setPage folds MMIO, DISCARD_WRITE and NOTDIRTY into the comparators', () => {
    const tlb = new CPUTLB(1);
    const t = tlb.tables[0]!;
    tlb.setPage(0x1000, { ramAddr: -1, physAddr: 0x300000, readDirect: false, writeDirect: false, discardWrite: false }, RWX, 0, 4096, false);
    expect(t.comparator(slot(1), MMU_DATA_LOAD)).toBe(0x1000 | TLB_MMIO);
    expect(t.comparator(slot(1), MMU_DATA_STORE)).toBe(0x1000 | TLB_MMIO);
    expect(t.comparator(slot(1), MMU_INST_FETCH)).toBe(0x1000 | TLB_MMIO);
    tlb.setPage(0x2000, { ramAddr: 0x10000, physAddr: 0x200000, readDirect: true, writeDirect: false, discardWrite: true }, RWX, 0, 4096, true);
    expect(t.comparator(slot(2), MMU_DATA_LOAD)).toBe(0x2000);
    expect(t.comparator(slot(2), MMU_DATA_STORE)).toBe(0x2000 | TLB_DISCARD_WRITE);
    tlb.setPage(0x3000, ram(0x3000), RWX, 0, 4096, true);
    expect(t.comparator(slot(3), MMU_DATA_LOAD)).toBe(0x3000);
    expect(t.comparator(slot(3), MMU_DATA_STORE)).toBe(0x3000 | TLB_NOTDIRTY);
  });

  it('resetDirty adds NOTDIRTY to flag-free write comparators whose RAM page is in range (main and victim)', () => {
    const tlb = new CPUTLB(2);
    const t = tlb.tables[0]!;
    const stride = conflictStride(t.size);
    tlb.setPage(0x1000, ram(0x8000), RWX, 0, 4096, false); // ram page 0x8000
    tlb.setPage(0x1000 + stride, ram(0x9000), RWX, 0, 4096, false); // 0x1000 -> victim
    tlb.setPage(0x2000, ram(0xa000), RWX, 0, 4096, false);
    tlb.setPage(0x3000, { ramAddr: 0x8000, physAddr: 0, readDirect: true, writeDirect: false, discardWrite: true }, RWX, 0, 4096, false);
    tlb.setPage(0x5000, ram(0x8000), RWX, 1, 4096, false);
    tlb.resetDirty(0x8000, 0x2000); // ram pages 0x8000 and 0x9000
    expect(victimWrites(t)).toContain(0x1000 | TLB_NOTDIRTY);
    expect(t.comparator(slot(1), MMU_DATA_STORE)).toBe((0x1000 + stride) | TLB_NOTDIRTY);
    expect(t.comparator(slot(2), MMU_DATA_STORE)).toBe(0x2000); // ram page 0xa000: outside
    expect(t.comparator(slot(3), MMU_DATA_STORE)).toBe(0x3000 | TLB_DISCARD_WRITE); // flagged: left alone
    expect(tlb.tables[1]!.comparator(slot(5), MMU_DATA_STORE)).toBe(0x5000 | TLB_NOTDIRTY);
    // setDirty drops NOTDIRTY for one virtual page in every index, only where it is the sole flag.
    tlb.setDirty(0x5000);
    expect(tlb.tables[1]!.comparator(slot(5), MMU_DATA_STORE)).toBe(0x5000);
    tlb.setDirty(0x1000);
    expect(victimWrites(t)).toContain(0x1000);
    tlb.setDirty(0x3000);
    expect(t.comparator(slot(3), MMU_DATA_STORE)).toBe(0x3000 | TLB_DISCARD_WRITE);
  });

  it('counters add up per index and in statsTotals', () => {
    const f = makeFixture();
    const tlb = f.mmu.tlb;
    f.mmu.ld8(0x1000, 0); // miss + fill
    f.mmu.ld8(0x1001, 0); // hit
    f.mmu.st8(0x1002, 1, 0); // hit
    f.mmu.ld8(0x2000, 1); // miss + fill
    f.mmu.ld8(0x2000, 1); // hit
    tlb.flushPage(0x1000);
    tlb.flushByMmuIdx(0b100);
    expect(tlb.tables[0]!.stats).toMatchObject({ hits: 2, misses: 1, fills: 1, victimHits: 0, pageFlushes: 1, flushes: 0 });
    expect(tlb.tables[1]!.stats).toMatchObject({ hits: 1, misses: 1, fills: 1, pageFlushes: 1, flushes: 0 });
    expect(tlb.tables[2]!.stats).toMatchObject({ hits: 0, misses: 0, pageFlushes: 1, flushes: 1 });
    expect(tlb.statsTotals()).toMatchObject({ hits: 3, misses: 2, fills: 2, pageFlushes: 3, flushes: 1, victimHits: 0 });
  });
});
