// AddressSpace accesses: RAM, I/O splitting and widening, unassigned, ROM, dirty marking.
import { describe, expect, it } from 'vitest';
import {
  MemorySystem,
  MemoryRegion,
  MEMTX_OK,
  MEMTX_DECODE_ERROR,
  DIRTY_MEMORY_VGA,
  DIRTY_MEMORY_MIGRATION,
  DIRTY_MEMORY_CODE,
  formatMtree,
  formatMtreeFlat,
  formatRamblocks,
} from '../../src/memory/index.js';

function pcLike() {
  const sys = new MemorySystem();
  const system = MemoryRegion.container(sys, null, 'system', 2 ** 64);
  const ram = MemoryRegion.ram(sys, null, 'pc.ram', 0x100000);
  const below = MemoryRegion.alias(sys, null, 'ram-below-4g', ram, 0, 0x100000);
  system.addSubregion(0, below);
  const log: string[] = [];
  const io = MemoryRegion.io(sys, null, 'dev', 0x10, {
    read: (a, s) => {
      log.push(`r${a}/${s}`);
      return 0x11223344 >>> (8 * (4 - s)) & (s === 4 ? 0xffffffff : (1 << (8 * s)) - 1);
    },
    write: (a, v, s) => log.push(`w${a}/${s}=${v.toString(16)}`),
    impl: { minAccessSize: 1, maxAccessSize: 2 },
  });
  system.addSubregionOverlap(0x1000, io, 1);
  const as = sys.newAddressSpace(system, 'memory');
  return { sys, system, ram, as, log, io };
}

describe('AddressSpace', () => {
  it('reads and writes RAM, overlaid I/O wins by priority', () => {
    const { as, log } = pcLike();
    expect(as.stl(0x2000, 0xdeadbeef)).toBe(MEMTX_OK);
    expect(as.ldl(0x2000)).toBe(0xdeadbeef);
    expect(as.ldub(0x2003)).toBe(0xde);
    as.ldl(0x1000);
    expect(log).toEqual(['r0/2', 'r2/2']);
  });

  it('unassigned reads are all-ones with a decode error, writes are dropped and counted', () => {
    const { as } = pcLike();
    expect(as.ldl(0x200000)).toBe(0xffffffff);
    expect(as.lastResult).toBe(MEMTX_DECODE_ERROR);
    expect(as.stb(0x200000, 1)).toBe(MEMTX_DECODE_ERROR);
    expect(as.stats.unassignedWrites).toBe(1);
  });

  it('a write through the address space sets every dirty client', () => {
    const { sys, as, ram } = pcLike();
    const b = ram.ramBlock!;
    sys.dirty.testAndClear(b.offset, b.usedLength, DIRTY_MEMORY_VGA);
    sys.dirty.testAndClear(b.offset, b.usedLength, DIRTY_MEMORY_MIGRATION);
    sys.dirty.testAndClear(b.offset, b.usedLength, DIRTY_MEMORY_CODE);
    const hits: number[] = [];
    sys.codeInvalidator = (a, l) => hits.push(a, l);
    as.stw(0x3ffe, 0x1234);
    expect(hits).toEqual([b.offset + 0x3ffe, 2]);
    expect(sys.dirty.get(b.offset + 0x3000, 1, DIRTY_MEMORY_VGA)).toBe(true);
    expect(sys.dirty.get(b.offset + 0x3000, 1, DIRTY_MEMORY_MIGRATION)).toBe(true);
    expect(sys.dirty.get(b.offset + 0x4000, 1, DIRTY_MEMORY_VGA)).toBe(false);
  });

  it('formats info mtree, -f and ramblock', () => {
    const { sys } = pcLike();
    expect(formatMtree(sys)).toContain('  0000000000000000-ffffffffffffffff (prio 0, i/o): system');
    expect(formatMtree(sys)).toContain('    0000000000000000-00000000000fffff (prio 0, ram): alias ram-below-4g @pc.ram 0000000000000000-00000000000fffff');
    const flat = formatMtreeFlat(sys);
    expect(flat).toContain('  0000000000001000-000000000000100f (prio 1, i/o): dev');
    expect(flat).toContain('  0000000000001010-00000000000fffff (prio 0, ram): pc.ram @0000000000001010');
    expect(formatRamblocks(sys)).toContain('pc.ram    4 KiB  0x0000000000000000 0x0000000000100000');
  });
});
