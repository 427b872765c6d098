// A memory commit that gives the CPU a new flat view flushes its soft TLB (QEMU's tcg_commit):
// a region mapped over RAM that the TLB already caches is seen by the next access.
import { describe, expect, it } from 'vitest';
import { MemoryRegion } from '../../src/memory/index.js';
import { makeFixture } from './fixture.js';

describe('soft TLB and memory commits', () => {
  it('a device window mapped over cached RAM takes the next store; unmapping gives RAM back', () => {
    const f = makeFixture();
    const ram = f.sys.ramList.ram;
    f.mmu.st8(0x5010, 0x11, 0); // the page is now a direct RAM entry
    expect(ram[f.ramOffset + 0x5010]).toBe(0x11);
    const log: string[] = [];
    const window = MemoryRegion.io(f.sys, null, 'window', 0x1000, {
      read: () => 0x77,
      write: (addr, v) => void log.push(`${addr.toString(16)}=${v.toString(16)}`),
    });
    f.as.root.addSubregionOverlap(0x5000, window, 1);
    f.mmu.st8(0x5010, 0x22, 0);
    expect(log).toEqual(['10=22']);
    expect(ram[f.ramOffset + 0x5010]).toBe(0x11);
    expect(f.mmu.ld8(0x5010, 0)).toBe(0x77);
    f.as.root.removeSubregion(window);
    expect(f.mmu.ld8(0x5010, 0)).toBe(0x11);
  });

  it('registering the CPU flushes nothing; each commit that renders a new view flushes once', () => {
    const f = makeFixture();
    const flushes = () => f.mmu.tlb.tables[0]!.stats.flushes;
    expect(flushes()).toBe(0);
    f.as.root.addSubregionOverlap(0x6000, MemoryRegion.io(f.sys, null, 'win', 0x1000, { read: () => 0 }), 1);
    expect(flushes()).toBe(1);
  });
});
