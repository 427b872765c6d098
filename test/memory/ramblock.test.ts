// RAMBlocks in the packed ram_addr space: best-fit placement on 64-page boundaries (QEMU's
// find_ram_offset), unique idstr, used vs max length, resizing, and freeing on destroy.
import { describe, expect, it } from 'vitest';
import { DIRTY_CLIENTS_ALL, DIRTY_MEMORY_CODE, DIRTY_MEMORY_MIGRATION, DIRTY_MEMORY_VGA, MemoryRegion, MemorySystem } from '../../src/memory/index.js';
import { asLines } from './helpers.js';

const K = 1024;
const M = 1024 * 1024;

describe('RamList placement', () => {
  it('puts the first block at 0 and the next ones on 64-page (256 KiB) boundaries', () => {
    const sys = new MemorySystem();
    const a = MemoryRegion.ram(sys, null, 'a', 4 * K);
    const b = MemoryRegion.ram(sys, null, 'b', 12 * K);
    const c = MemoryRegion.ram(sys, null, 'c', 256 * K);
    expect(a.ramBlock!.offset).toBe(0);
    expect(b.ramBlock!.offset).toBe(0x40000);
    expect(c.ramBlock!.offset).toBe(0x80000);
  });

  it('rounds sizes up to whole pages', () => {
    const sys = new MemorySystem();
    const a = MemoryRegion.ram(sys, null, 'a', 100);
    expect(a.ramBlock!.usedLength).toBe(4 * K);
    expect(a.size).toBe(100);
  });

  it('fills the smallest gap that fits (best fit), never the first one found', () => {
    const sys = new MemorySystem();
    const mk = (n: string, size: number) => MemoryRegion.ram(sys, null, n, size);
    const a = mk('a', 1 * M); // 0x000000
    const b = mk('b', 512 * K); // 0x100000 (a ends on a boundary)
    const c = mk('c', 4 * K); // 0x180000
    const d = mk('d', 256 * K); // 0x1c0000 (c's end rounded up to 256 KiB)
    const e = mk('e', 4 * K); // 0x200000
    expect([a, b, c, d, e].map((r) => r.ramBlock!.offset)).toEqual([0, 0x100000, 0x180000, 0x1c0000, 0x200000]);
    b.destroy(); // gap after a: 0x100000..0x180000 (512 KiB)
    d.destroy(); // gap after c: 0x1c0000..0x200000 (256 KiB)
    // 192 KiB fits both gaps and the open end: the 256 KiB gap is the smallest.
    const f = mk('f', 192 * K);
    expect(f.ramBlock!.offset).toBe(0x1c0000);
    // 320 KiB only fits the 512 KiB gap (and the open end, which is bigger).
    const g = mk('g', 320 * K);
    expect(g.ramBlock!.offset).toBe(0x100000);
    // Nothing fits any more below e: the next block goes after the last one.
    const h = mk('h', 256 * K);
    expect(h.ramBlock!.offset).toBe(0x240000);
  });

  it('never places a block in the gap at ram_addr 0 (QEMU only tries after each block)', () => {
    const sys = new MemorySystem();
    const a = MemoryRegion.ram(sys, null, 'a', 256 * K);
    MemoryRegion.ram(sys, null, 'b', 256 * K);
    a.destroy();
    const c = MemoryRegion.ram(sys, null, 'c', 4 * K);
    expect(c.ramBlock!.offset).toBe(0x80000);
  });

  it('keeps blocks sorted biggest first (by max length), ties in allocation order', () => {
    const sys = new MemorySystem();
    MemoryRegion.ram(sys, null, 'small', 4 * K);
    MemoryRegion.ram(sys, null, 'big', 1 * M);
    MemoryRegion.ram(sys, null, 'small2', 4 * K);
    MemoryRegion.resizeableRam(sys, null, 'grow', 4 * K, 2 * M);
    expect(sys.ramList.blocks.map((b) => b.idstr)).toEqual(['grow', 'big', 'small', 'small2']);
  });
});

describe('RAMBlock', () => {
  it('idstr is owner/name and must be unique', () => {
    const sys = new MemorySystem();
    MemoryRegion.ram(sys, 'dev', 'vram', 4 * K);
    expect(() => MemoryRegion.ram(sys, 'dev', 'vram', 4 * K)).toThrow(/"dev\/vram" already exists/);
    expect(() => MemoryRegion.ram(sys, 'other', 'vram', 4 * K)).not.toThrow();
    expect(sys.ramList.findByIdstr('dev/vram')!.usedLength).toBe(4 * K);
  });

  it('is dirty for every client when allocated', () => {
    const sys = new MemorySystem();
    const r = MemoryRegion.ram(sys, null, 'r', 8 * K);
    const off = r.ramBlock!.offset;
    for (const c of [DIRTY_MEMORY_VGA, DIRTY_MEMORY_CODE, DIRTY_MEMORY_MIGRATION]) {
      expect(sys.dirty.allDirty(off, 8 * K, c)).toBe(true);
    }
    expect(sys.dirty.isClean(off, DIRTY_CLIENTS_ALL)).toBe(false);
  });

  it('finds the block of a ram_addr (used part only)', () => {
    const sys = new MemorySystem();
    const r = MemoryRegion.resizeableRam(sys, null, 'r', 4 * K, 64 * K);
    const b = r.ramBlock!;
    expect(sys.ramList.blockFromRamAddr(b.offset + 4 * K - 1)).toBe(b);
    expect(sys.ramList.blockFromRamAddr(b.offset + 4 * K)).toBeUndefined();
  });
});

describe('resizeable RAM', () => {
  it('reserves max length, uses the used length, and resizes within the reservation', () => {
    const sys = new MemorySystem();
    const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
    const as = sys.newAddressSpace(root, 'memory');
    const calls: string[] = [];
    const r = MemoryRegion.resizeableRam(sys, null, 'acpi', 12 * K, 1 * M, (id, n) => calls.push(`${id}:${n.toString(16)}`));
    root.addSubregion(0x100000, r);
    const next = MemoryRegion.ram(sys, null, 'next', 4 * K);
    expect(r.ramBlock!.usedLength).toBe(12 * K);
    expect(r.ramBlock!.maxLength).toBe(1 * M);
    expect(next.ramBlock!.offset).toBe(r.ramBlock!.offset + 1 * M); // placed after the reservation
    expect(asLines(as)).toEqual(['100000-102fff acpi']);

    const off = r.ramBlock!.offset;
    sys.dirty.testAndClear(off, 12 * K, DIRTY_MEMORY_MIGRATION);
    r.ramResize(0x4800);
    // QEMU: the block grows to whole pages, the region and the callback get the asked size.
    expect(r.ramBlock!.usedLength).toBe(0x5000);
    expect(r.size).toBe(0x4800);
    expect(calls).toEqual(['acpi:4800']);
    expect(asLines(as)).toEqual(['100000-1047ff acpi']);
    expect(sys.dirty.allDirty(off, 0x5000, DIRTY_MEMORY_MIGRATION)).toBe(true);

    // Same page count, different size: the region still follows (and the callback is told).
    r.ramResize(0x5000);
    expect(r.size).toBe(0x5000);
    expect(calls).toEqual(['acpi:4800', 'acpi:5000']);

    expect(() => r.ramResize(1 * M + 1)).toThrow(/"acpi".*1048576/);
    expect(r.ramBlock!.usedLength).toBe(0x5000);
  });

  it('plain RAM cannot be resized', () => {
    const sys = new MemorySystem();
    const r = MemoryRegion.ram(sys, null, 'fixed', 8 * K);
    expect(() => r.ramResize(4 * K)).toThrow(/"fixed" is not resizeable/);
    expect(r.ramBlock!.usedLength).toBe(8 * K);
  });
});

describe('destroy', () => {
  it('frees the block (its ram_addr range becomes a gap) and refuses while mapped or aliased', () => {
    const sys = new MemorySystem();
    const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
    MemoryRegion.ram(sys, null, 'first', 4 * K);
    const r = MemoryRegion.ram(sys, null, 'r', 256 * K);
    MemoryRegion.ram(sys, null, 'last', 4 * K);
    root.addSubregion(0, r);
    expect(() => r.destroy()).toThrow(/still in container "system"/);
    root.removeSubregion(r);
    const a = MemoryRegion.alias(sys, null, 'a', r, 0, 4 * K);
    expect(() => r.destroy()).toThrow(/alias/);
    a.destroy();
    const off = r.ramBlock!.offset;
    r.destroy();
    expect(r.ramBlock).toBeNull();
    expect(sys.ramList.findByIdstr('r')).toBeUndefined();
    // The same name can be used again, and the freed 256 KiB gap is reused.
    const again = MemoryRegion.ram(sys, null, 'r', 256 * K);
    expect(again.ramBlock!.offset).toBe(off);
  });
});
