// Load/store helpers over the soft TLB (QEMU-FACTS §1 slow path, §2 notdirty): little-endian
// RAM access at every alignment and across pages, no partial page-crossing stores, MMIO to the
// region callbacks, ROM writes dropped, NOTDIRTY taken once then re-armed, CODE invalidation.

import { describe, expect, it, vi } from 'vitest';
import { DIRTY_MEMORY_CODE, DIRTY_MEMORY_MIGRATION, DIRTY_MEMORY_VGA } from '../../src/memory/index.js';
import { MMU_DATA_LOAD, MMU_DATA_STORE, MMU_INST_FETCH, PAGE_READ, TLB_DISCARD_WRITE, TLB_MMIO, TLB_NOTDIRTY } from '../../src/softmmu/tlb-flags.js';
import { IO_BASE, makeFixture, ROM_BASE, RWX, slot, TestFault, type Fixture } from './fixture.js';
import { tlbIndex } from '../../src/softmmu/tlb.js';

function bytesAt(f: Fixture, phys: number, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(f.as.ldub(phys + k));
  return out;
}

function fillPattern(f: Fixture, phys: number, n: number): void {
  for (let k = 0; k < n; k++) f.as.stb(phys + k, (0x10 + k) & 0xff);
}

/** Pages (page-aligned) the fill was asked for, in order. */
const filledPages = (f: Fixture) => f.fills.map(([v]) => v & -4096);

describe('RAM loads and stores', () => {
  // Offsets within a page: aligned, every misalignment, and the three page-crossing ones.
  const offsets = [0x000, 0x001, 0x002, 0x003, 0x7fd, 0xffc, 0xffd, 0xffe, 0xfff];

  it.each(offsets)('ld8/ld16/ld32 at page offset 0x%s are little-endian', (off) => {
    const f = makeFixture();
    const base = 0x4000;
    fillPattern(f, 0x3ff0, 0x2020);
    const a = base + off;
    const b = (k: number) => (0x10 + (a + k - 0x3ff0)) & 0xff;
    expect(f.mmu.ld8(a, 0)).toBe(b(0));
    expect(f.mmu.ld16(a, 0)).toBe(b(0) | (b(1) << 8));
    expect(f.mmu.ld32(a, 0)).toBe((b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) | 0);
    // Loads from the slow path give the same values as from the fast path (now filled).
    f.mmu.tlb.flushAll();
    expect(f.mmu.loadSlow(a, 4, 0, MMU_DATA_LOAD)).toBe((b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0);
  });

  it.each(offsets)('st8/st16/st32 at page offset 0x%s write little-endian bytes and nothing else', (off) => {
    const f = makeFixture();
    const a = 0x4000 + off;
    f.mmu.st32(a, 0x11223344, 0);
    expect(bytesAt(f, a - 1, 6)).toEqual([0, 0x44, 0x33, 0x22, 0x11, 0]);
    f.mmu.st16(a, 0xaabb, 0);
    expect(bytesAt(f, a - 1, 6)).toEqual([0, 0xbb, 0xaa, 0x22, 0x11, 0]);
    f.mmu.st8(a, 0xcc, 0);
    expect(bytesAt(f, a - 1, 6)).toEqual([0, 0xcc, 0xaa, 0x22, 0x11, 0]);
    // Values wider than the access are truncated.
    f.mmu.st16(a, 0x12345678, 0);
    expect(bytesAt(f, a, 4)).toEqual([0x78, 0x56, 0x22, 0x11]);
    expect(f.mmu.ld32(a, 0) >>> 0).toBe(0x11225678);
  });

  it('a page-crossing access is never served by the next page\'s entry, even when both pages share a slot', () => {
    const f = makeFixture();
    const t = f.mmu.tlb.tables[0]!;
    // Virtual pages 0x1fff000 and 0x2000000 fold onto one slot of the 256-entry table.
    expect(tlbIndex(0x1fff000, t.mask)).toBe(tlbIndex(0x2000000, t.mask));
    f.map.set(0x1fff000, { phys: 0x5000, prot: RWX, size: 4096 });
    f.map.set(0x2000000, { phys: 0x9000, prot: RWX, size: 4096 });
    [0x5ffe, 0x5fff, 0x9000, 0x9001].forEach((a, k) => f.as.stb(a, 0xa0 + k));
    [0x8ffe, 0x8fff].forEach((a) => f.as.stb(a, 0xee)); // what the second page's addend would reach
    expect(f.mmu.ld8(0x2000000, 0)).toBe(0xa2); // the slot now holds the second page
    expect(f.mmu.ld32(0x1fffffe, 0) >>> 0).toBe(0xa3a2a1a0);
    expect(f.mmu.ld8(0x2000000, 0)).toBe(0xa2);
    expect(f.mmu.ld16(0x1ffffff, 0)).toBe(0xa2a1);
    expect(f.mmu.ld8(0x2000000, 0)).toBe(0xa2);
    f.mmu.st32(0x1fffffe, 0x44332211, 0);
    expect([0x8ffe, 0x8fff, 0x5ffe, 0x5fff, 0x9000, 0x9001].map((a) => f.as.ldub(a))).toEqual([0xee, 0xee, 0x11, 0x22, 0x33, 0x44]);
    f.mmu.st16(0x1ffffff, 0x6655, 0);
    expect([0x5fff, 0x9000].map((a) => f.as.ldub(a))).toEqual([0x55, 0x66]);
  });

  it('a page-crossing load translates both pages, the second at its first byte', () => {
    const f = makeFixture();
    f.map.set(0x5000, { phys: 0x9000, prot: 7, size: 4096 });
    f.as.stb(0x4ffe, 0x01);
    f.as.stb(0x4fff, 0x02);
    f.as.stb(0x9000, 0x03);
    f.as.stb(0x9001, 0x04);
    expect(f.mmu.ld32(0x4ffe, 0) >>> 0).toBe(0x04030201);
    expect(f.fills.map(([v, acc]) => [v, acc])).toEqual([
      [0x4ffe, MMU_DATA_LOAD],
      [0x5000, MMU_DATA_LOAD],
    ]);
    expect(f.mmu.ld16(0x4fff, 0)).toBe(0x0302);
    expect(f.fills.length).toBe(2);
  });

  it('a page-crossing store translates both pages before writing', () => {
    const f = makeFixture();
    f.mmu.st32(0x6ffd, 0xa1b2c3d4, 0);
    expect(filledPages(f)).toEqual([0x6000, 0x7000]);
    expect(f.fills[1]![0]).toBe(0x7000);
    expect(f.fills.every(([, acc]) => acc === MMU_DATA_STORE)).toBe(true);
    expect(bytesAt(f, 0x6ffd, 4)).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
  });

  it('a page-crossing store whose second page faults writes nothing and reports the second page', () => {
    const f = makeFixture();
    f.faults.add(0x8000);
    let fault: unknown;
    try {
      f.mmu.st32(0x7ffe, 0x11223344, 0);
    } catch (e) {
      fault = e;
    }
    expect(fault).toBeInstanceOf(TestFault);
    expect((fault as TestFault).vaddr).toBe(0x8000);
    expect((fault as TestFault).access).toBe(MMU_DATA_STORE);
    expect(bytesAt(f, 0x7ffe, 2)).toEqual([0, 0]);
  });

  it('the same with the first page already in the TLB (fast-path candidate) still writes nothing', () => {
    const f = makeFixture();
    f.mmu.st8(0x7000, 0x99, 0); // page 0x7000 writable in the TLB
    f.map.set(0x8000, { phys: 0x8000, prot: PAGE_READ, size: 4096 }); // read-only
    expect(() => f.mmu.st16(0x7fff, 0xbeef, 0)).toThrow(TestFault);
    expect(f.as.ldub(0x7fff)).toBe(0);
    expect(() => f.mmu.st32(0x7ffd, 0x11223344, 0)).toThrow(TestFault);
    expect(bytesAt(f, 0x7ffd, 3)).toEqual([0, 0, 0]);
    // Reading across is fine: the second page is readable.
    f.as.stb(0x8000, 0x77);
    expect(f.mmu.ld16(0x7fff, 0)).toBe(0x7700);
  });

  it('a page-crossing load whose first page faults reports the original address', () => {
    const f = makeFixture();
    f.faults.add(0xa000);
    try {
      f.mmu.ld32(0xaffe, 0);
      expect.unreachable();
    } catch (e) {
      expect((e as TestFault).vaddr).toBe(0xaffe);
    }
  });

  it('ldCode8 fetches through the code comparator', () => {
    const f = makeFixture();
    f.as.stb(0xc123, 0x90);
    expect(f.mmu.ldCode8(0xc123, 2)).toBe(0x90);
    expect(f.fills).toEqual([[0xc123, MMU_INST_FETCH, 2]]);
    expect(f.mmu.ldCode8(0xc124, 2)).toBe(0);
    expect(f.fills.length).toBe(1);
  });
});

describe('MMIO, ROM', () => {
  it('MMIO loads and stores reach the region callbacks with the offset and size', () => {
    const f = makeFixture();
    f.map.set(0x20000, { phys: IO_BASE, prot: 7, size: 4096 });
    expect(f.mmu.ld8(0x20010, 0)).toBe(0x50);
    expect(f.mmu.ld16(0x20022, 0)).toBe(0x6362);
    expect(f.mmu.ld32(0x20100, 0) >>> 0).toBe(0x43424140);
    f.mmu.st8(0x20001, 0x1ab, 0);
    f.mmu.st16(0x20002, 0xbeef, 0);
    f.mmu.st32(0x20ffc, 0xdeadbeef, 0);
    expect(f.ioLog).toEqual(['r 10/1', 'r 22/2', 'r 100/4', 'w 1/1=ab', 'w 2/2=beef', 'w ffc/4=deadbeef']);
    const t = f.mmu.tlb.tables[0]!;
    const idx = slot(0x20);
    expect(t.comparator(idx, MMU_DATA_LOAD)).toBe(0x20000 | TLB_MMIO);
    expect(t.comparator(idx, MMU_DATA_STORE)).toBe(0x20000 | TLB_MMIO);
    // Every MMIO access went through the slow path after one fill.
    expect(f.fills.length).toBe(1);
  });

  it('writes to ROM are dropped; reads are direct', () => {
    const f = makeFixture();
    f.as.writeRom(ROM_BASE + 0x10, new Uint8Array([1, 2, 3, 4]));
    f.map.set(0x30000, { phys: ROM_BASE, prot: 7, size: 4096 });
    expect(f.mmu.ld32(0x30010, 0)).toBe(0x04030201);
    f.mmu.st32(0x30010, 0xffffffff, 0);
    f.mmu.st8(0x30011, 0xff, 0);
    expect(f.mmu.ld32(0x30010, 0)).toBe(0x04030201);
    expect(f.as.ldl(ROM_BASE + 0x10)).toBe(0x04030201);
    const t = f.mmu.tlb.tables[0]!;
    expect(t.comparator(slot(0x30), MMU_DATA_LOAD)).toBe(0x30000);
    expect(t.comparator(slot(0x30), MMU_DATA_STORE)).toBe(0x30000 | TLB_DISCARD_WRITE);
    expect(f.ioLog).toEqual([]);
  });
});

describe('notdirty writes', () => {
  it('a page whose MIGRATION bit was cleared takes the slow path once, then the fast path', () => {
    const f = makeFixture();
    const t = f.mmu.tlb.tables[0]!;
    const idx = slot(0x5);
    f.mmu.st8(0x5000, 1, 0); // fill: new RAM is dirty for every client, no NOTDIRTY
    expect(t.comparator(idx, MMU_DATA_STORE)).toBe(0x5000);
    const page = f.ramOffset + 0x5000;
    expect(f.sys.dirty.testAndClear(page, 4096, DIRTY_MEMORY_MIGRATION)).toBe(true);
    // Clearing re-armed NOTDIRTY in the TLB (QEMU's tlb_reset_dirty).
    expect(t.comparator(idx, MMU_DATA_STORE)).toBe(0x5000 | TLB_NOTDIRTY);
    // Reads are unaffected.
    expect(t.comparator(idx, MMU_DATA_LOAD)).toBe(0x5000);
    const spy = vi.spyOn(f.mmu, 'notdirtyWrite');
    f.mmu.st32(0x5100, 0x01020304, 0);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith(page + 0x100, 4, 0x5100);
    expect(f.sys.dirty.get(page, 4096, DIRTY_MEMORY_MIGRATION)).toBe(true);
    expect(t.comparator(idx, MMU_DATA_STORE)).toBe(0x5000);
    expect(f.as.ldl(0x5100)).toBe(0x01020304);
    const hits = t.stats.hits;
    f.mmu.st32(0x5104, 5, 0);
    f.mmu.st16(0x5108, 6, 0);
    f.mmu.st8(0x510a, 7, 0);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(t.stats.hits).toBe(hits + 3);
    expect(f.fills.length).toBe(1);
  });

  it('a page filled while clean gets NOTDIRTY; the write sets VGA and MIGRATION bits', () => {
    const f = makeFixture();
    const page = f.ramOffset + 0x6000;
    f.sys.dirty.testAndClear(page, 4096, DIRTY_MEMORY_VGA);
    f.sys.dirty.testAndClear(page, 4096, DIRTY_MEMORY_MIGRATION);
    f.mmu.ld8(0x6000, 0);
    const t = f.mmu.tlb.tables[0]!;
    expect(t.comparator(slot(6), MMU_DATA_STORE)).toBe(0x6000 | TLB_NOTDIRTY);
    f.mmu.st8(0x6fff, 1, 0);
    expect(f.sys.dirty.get(page, 4096, DIRTY_MEMORY_VGA)).toBe(true);
    expect(f.sys.dirty.get(page, 4096, DIRTY_MEMORY_MIGRATION)).toBe(true);
    expect(t.comparator(slot(6), MMU_DATA_STORE)).toBe(0x6000);
  });

  it('a write to a page whose CODE bit is clear calls the code hook with the exact ram_addr and size', () => {
    const f = makeFixture();
    f.map.set(0x5000, { phys: 0x7000, prot: 7, size: 4096 });
    const calls: [number, number][] = [];
    f.mmu.codeWriteHook = (ramAddr, size) => calls.push([ramAddr, size]);
    const page = f.ramOffset + 0x7000;
    f.sys.dirty.testAndClear(page, 4096, DIRTY_MEMORY_CODE);
    f.mmu.st16(0x5002, 0x1234, 0);
    expect(calls).toEqual([[page + 2, 2]]);
    expect(f.as.lduw(0x7002)).toBe(0x1234);
    // The hook did not give the CODE bit back (code is still there): the next write checks again.
    f.mmu.st32(0x5ff0, 0x55, 0);
    expect(calls).toEqual([
      [page + 2, 2],
      [page + 0xff0, 4],
    ]);
    expect(f.mmu.tlb.tables[0]!.comparator(slot(5), MMU_DATA_STORE)).toBe(0x5000 | TLB_NOTDIRTY);
    // Writes to other pages do not call it.
    f.mmu.st32(0x8000, 1, 0);
    expect(calls.length).toBe(2);
  });

  it('without a hook the memory system code invalidator is used, else the CODE bit is set', () => {
    const f = makeFixture();
    const page = f.ramOffset + 0x9000;
    const seen: [number, number][] = [];
    f.sys.codeInvalidator = (a, l) => {
      seen.push([a, l]);
      f.sys.dirty.setRange(a & -4096, 4096, 1 << DIRTY_MEMORY_CODE);
    };
    f.sys.dirty.testAndClear(page, 4096, DIRTY_MEMORY_CODE);
    f.mmu.st8(0x9abc, 1, 0);
    expect(seen).toEqual([[page + 0xabc, 1]]);
    // The invalidator set CODE: the page is dirty for everyone and NOTDIRTY is gone.
    expect(f.mmu.tlb.tables[0]!.comparator(slot(9), MMU_DATA_STORE)).toBe(0x9000);

    const g = makeFixture();
    const p2 = g.ramOffset + 0x9000;
    g.sys.dirty.testAndClear(p2, 4096, DIRTY_MEMORY_CODE);
    g.mmu.st8(0x9abc, 1, 0);
    expect(g.sys.dirty.get(p2, 4096, DIRTY_MEMORY_CODE)).toBe(true);
    expect(g.mmu.tlb.tables[0]!.comparator(slot(9), MMU_DATA_STORE)).toBe(0x9000);
  });

  it('a page-crossing store into two code pages calls the hook for the bytes of each page', () => {
    const f = makeFixture();
    const calls: [number, number][] = [];
    f.mmu.codeWriteHook = (ramAddr, size) => calls.push([ramAddr, size]);
    f.sys.dirty.testAndClear(f.ramOffset + 0xa000, 0x2000, DIRTY_MEMORY_CODE);
    f.mmu.st32(0xaffe, 0x11223344, 0);
    // Every byte written is covered by exactly one call, on the right page.
    const covered: number[] = [];
    for (const [a, s] of calls) for (let k = 0; k < s; k++) covered.push(a + k);
    expect(covered.sort((x, y) => x - y)).toEqual([0xaffe, 0xafff, 0xb000, 0xb001].map((x) => x + f.ramOffset));
    expect(calls.every(([a, s]) => ((a ^ (a + s - 1)) & -4096) === 0)).toBe(true);
  });
});
