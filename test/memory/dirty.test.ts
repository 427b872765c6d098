// Dirty memory: per-client bitmaps over ram_addr pages, test-and-clear with its TLB re-arm
// hook, snapshots for displays, dirty-log masks of flat ranges, and what writes through an
// address space do to the bitmaps (QEMU's invalidate_and_set_dirty).
import { describe, expect, it } from 'vitest';
import {
  DIRTY_CLIENTS_ALL,
  DIRTY_MEMORY_BACKEND,
  DIRTY_MEMORY_TOUCHED,
  DIRTY_MEMORY_CODE,
  DIRTY_MEMORY_MIGRATION,
  DIRTY_MEMORY_VGA,
  DirtyMemory,
  MemoryRegion,
  MemorySystem,
} from '../../src/memory/index.js';

const P = 4096;
const VGA = 1 << DIRTY_MEMORY_VGA;
const CODE = 1 << DIRTY_MEMORY_CODE;
const MIG = 1 << DIRTY_MEMORY_MIGRATION;

function bitmaps(pages = 256) {
  const d = new DirtyMemory();
  d.extend(pages * P);
  const cleared: string[] = [];
  d.onBitsCleared((s, l) => cleared.push(`${s / P}+${l / P}`));
  return { d, cleared };
}

describe('DirtyMemory bitmaps', () => {
  it('setRange marks whole pages for the clients of the mask only', () => {
    const { d } = bitmaps();
    d.setRange(5 * P + 100, P, VGA | MIG); // touches pages 5 and 6
    expect(d.get(5 * P, 1, DIRTY_MEMORY_VGA)).toBe(true);
    expect(d.get(6 * P + P - 1, 1, DIRTY_MEMORY_MIGRATION)).toBe(true);
    expect(d.get(7 * P, 1, DIRTY_MEMORY_VGA)).toBe(false);
    expect(d.get(4 * P, P, DIRTY_MEMORY_VGA)).toBe(false);
    expect(d.get(5 * P, P, DIRTY_MEMORY_CODE)).toBe(false);
    expect(d.get(0, 256 * P, DIRTY_MEMORY_VGA)).toBe(true);
  });

  it('isClean: clean for at least one client of the mask', () => {
    const { d } = bitmaps();
    d.setRange(3 * P, P, VGA | MIG);
    expect(d.isClean(3 * P)).toBe(true); // CODE is clean
    expect(d.isClean(3 * P, VGA | MIG)).toBe(false);
    d.setRange(3 * P, P, CODE);
    // Still clean for BACKEND (a file backend's write-back client), so the TLB keeps notdirty.
    expect(d.isClean(3 * P + 17)).toBe(true);
    d.setRange(3 * P, P, 1 << DIRTY_MEMORY_BACKEND);
    expect(d.isClean(3 * P + 17)).toBe(true); // and for TOUCHED (never-written fresh RAM)
    d.setRange(3 * P, P, 1 << DIRTY_MEMORY_TOUCHED);
    expect(d.isClean(3 * P + 17)).toBe(false);
  });

  it('testAndClear clears one client, says whether any page was dirty, and calls the hook', () => {
    const { d, cleared } = bitmaps();
    d.setRange(31 * P, 3 * P, DIRTY_CLIENTS_ALL); // pages 31..33 straddle a bitmap word
    expect(d.testAndClear(30 * P, 2 * P, DIRTY_MEMORY_VGA)).toBe(true);
    expect(cleared).toEqual(['30+2']);
    expect(d.get(31 * P, 1, DIRTY_MEMORY_VGA)).toBe(false);
    expect(d.get(32 * P, 1, DIRTY_MEMORY_VGA)).toBe(true);
    expect(d.get(31 * P, 1, DIRTY_MEMORY_CODE)).toBe(true);
    // Nothing dirty: false and no hook (nothing to re-arm).
    expect(d.testAndClear(30 * P, 2 * P, DIRTY_MEMORY_VGA)).toBe(false);
    expect(cleared).toEqual(['30+2']);
  });

  it('snapshotAndClear copies and clears a range; the snapshot answers for it', () => {
    const { d, cleared } = bitmaps();
    d.setRange(40 * P, P, VGA);
    d.setRange(70 * P, 2 * P, VGA);
    d.setRange(100 * P, P, VGA); // outside the snapshot
    const snap = d.snapshotAndClear(40 * P, 40 * P, DIRTY_MEMORY_VGA);
    expect(snap.getDirty(40 * P, P)).toBe(true);
    expect(snap.getDirty(41 * P, 29 * P)).toBe(false);
    expect(snap.getDirty(71 * P + 5, 1)).toBe(true);
    expect(d.get(40 * P, 40 * P, DIRTY_MEMORY_VGA)).toBe(false);
    expect(d.get(100 * P, 1, DIRTY_MEMORY_VGA)).toBe(true);
    expect(cleared).toEqual(['40+40']);
    expect(() => snap.getDirty(200 * P, 1)).toThrow(RangeError);
  });

  it('refuses ranges outside the ram_addr space', () => {
    const { d } = bitmaps(8);
    expect(() => d.setRange(7 * P, 2 * P, VGA)).toThrow(/outside ram_addr space/);
  });
});

function machine() {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const ram = MemoryRegion.ram(sys, null, 'ram', 64 * P);
  const vram = MemoryRegion.ram(sys, null, 'vram', 16 * P, { migratable: false });
  root.addSubregion(0, ram);
  root.addSubregion(0x100000, vram);
  const as = sys.newAddressSpace(root, 'memory');
  const maskAt = (addr: number) => as.currentMap.lookup(addr)!.dirtyLogMask;
  return { sys, root, ram, vram, as, maskAt };
}

describe('dirty logging of flat ranges', () => {
  it('setLog(VGA) adds VGA to a region’s ranges; other clients cannot be set per region', () => {
    const { vram, maskAt } = machine();
    expect(maskAt(0x100000)).toBe(0);
    vram.setLog(true, DIRTY_MEMORY_VGA);
    expect(maskAt(0x100000)).toBe(VGA);
    expect(maskAt(0)).toBe(0);
    vram.setLog(false, DIRTY_MEMORY_VGA);
    expect(maskAt(0x100000)).toBe(0);
    expect(() => vram.setLog(true, DIRTY_MEMORY_MIGRATION)).toThrow(/VGA/);
  });

  it('global dirty logging adds MIGRATION to migratable RAM only; TCG code tracking adds CODE', () => {
    const { sys, maskAt } = machine();
    sys.globalDirtyLogStart();
    expect(maskAt(0)).toBe(MIG);
    expect(maskAt(0x100000)).toBe(0); // not migratable
    sys.codeDirtyTracking = true;
    sys.begin();
    sys.markUpdatePending(true);
    sys.commit();
    expect(maskAt(0)).toBe(MIG | CODE);
    sys.globalDirtyLogStop();
    expect(maskAt(0)).toBe(CODE);
  });
});

describe('writes through an address space', () => {
  it('set every client but CODE, and invalidate code only where the CODE bit is clear', () => {
    const { sys, as, ram } = machine();
    const off = ram.ramBlock!.offset;
    for (const c of [DIRTY_MEMORY_VGA, DIRTY_MEMORY_CODE, DIRTY_MEMORY_MIGRATION]) sys.dirty.testAndClear(off, 64 * P, c);
    const inval: string[] = [];
    sys.codeInvalidator = (a, l) => inval.push(`${(a - off).toString(16)}+${l}`);
    sys.dirty.setRange(off + 2 * P, P, CODE); // page 2 has no translated code

    as.stl(2 * P + 8, 1);
    expect(inval).toEqual([]);
    expect(sys.dirty.get(off + 2 * P, 1, DIRTY_MEMORY_VGA)).toBe(true);
    expect(sys.dirty.get(off + 2 * P, 1, DIRTY_MEMORY_MIGRATION)).toBe(true);

    as.stw(5 * P + 6, 1); // page 5 has code: invalidate, then the TB layer sets CODE itself
    expect(inval).toEqual(['5006+2']);
    expect(sys.dirty.get(off + 5 * P, 1, DIRTY_MEMORY_CODE)).toBe(false);
    expect(sys.dirty.get(off + 5 * P, 1, DIRTY_MEMORY_VGA)).toBe(true);
    expect(sys.dirty.get(off + 6 * P, 1, DIRTY_MEMORY_VGA)).toBe(false);
  });

  it('without a code invalidator (no TCG) the CODE bit is simply set', () => {
    const { sys, as, ram } = machine();
    const off = ram.ramBlock!.offset;
    sys.dirty.testAndClear(off, P, DIRTY_MEMORY_CODE);
    as.stb(0x10, 1);
    expect(sys.dirty.get(off, 1, DIRTY_MEMORY_CODE)).toBe(true);
  });

  it('writes dropped on ROM change no dirty bits', () => {
    const { sys, root, as } = machine();
    const rom = MemoryRegion.rom(sys, null, 'rom', P);
    root.addSubregion(0x200000, rom);
    const off = rom.ramBlock!.offset;
    sys.dirty.testAndClear(off, P, DIRTY_MEMORY_VGA);
    as.stl(0x200000, 1);
    expect(sys.dirty.get(off, P, DIRTY_MEMORY_VGA)).toBe(false);
    as.writeRom(0x200000, new Uint8Array([1]));
    expect(sys.dirty.get(off, P, DIRTY_MEMORY_VGA)).toBe(true);
  });
});
