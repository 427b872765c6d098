// Rendering the tree into a FlatView as QEMU's render_memory_region does: priority, ties,
// aliases, disabled regions, mutators, simplification, immutable and shared views.
import { describe, expect, it } from 'vitest';
import { MemoryRegion, MemorySystem, formatMtreeFlat } from '../../src/memory/index.js';
import { asLines, viewLines } from './helpers.js';

function system() {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const as = sys.newAddressSpace(root, 'memory');
  const io = (name: string, size: number) => MemoryRegion.io(sys, null, name, size, { read: () => 0, write: () => {} });
  const ram = (name: string, size: number) => MemoryRegion.ram(sys, null, name, size);
  return { sys, root, as, io, ram };
}

describe('priority and overlap', () => {
  it('a higher priority hides a lower one; the lower shows around it at matching offsets', () => {
    const { root, as, io, ram } = system();
    root.addSubregion(0, ram('low', 0x10000));
    root.addSubregionOverlap(0x4000, io('hi', 0x1000), 1);
    expect(asLines(as)).toEqual(['0-3fff low', '4000-4fff hi', '5000-ffff low@5000']);
  });

  it('among equal priorities the later-added region wins', () => {
    const a = system();
    a.root.addSubregion(0, a.io('a', 0x2000));
    a.root.addSubregion(0x1000, a.io('b', 0x2000));
    expect(asLines(a.as)).toEqual(['0-fff a', '1000-2fff b']);
    const b = system();
    b.root.addSubregion(0x1000, b.io('b', 0x2000));
    b.root.addSubregion(0, b.io('a', 0x2000));
    expect(asLines(b.as)).toEqual(['0-1fff a', '2000-2fff b@1000']);
  });

  it('a later-added region of lower priority does not win', () => {
    const { root, as, io } = system();
    root.addSubregionOverlap(0, io('a', 0x2000), 1);
    root.addSubregionOverlap(0x1000, io('b', 0x2000), 0);
    expect(asLines(as)).toEqual(['0-1fff a', '2000-2fff b@1000']);
  });

  it('priority only orders siblings: a child of a high-priority container beats its uncle', () => {
    const { sys, root, as, io } = system();
    const box = MemoryRegion.container(sys, null, 'box', 0x4000);
    box.addSubregionOverlap(0x1000, io('x', 0x1000), -10);
    root.addSubregionOverlap(0, box, 5);
    root.addSubregionOverlap(0, io('y', 0x4000), 0);
    // x wins inside its window; box's holes let y show through.
    expect(asLines(as)).toEqual(['0-fff y', '1000-1fff x', '2000-3fff y@2000']);
  });

  it('children of a terminating region are rendered over its own contents', () => {
    const { root, as, io, ram } = system();
    const r = ram('r', 0x3000);
    r.addSubregion(0x1000, io('reg', 0x100));
    root.addSubregion(0x10000, r);
    expect(asLines(as)).toEqual(['10000-10fff r', '11000-110ff reg', '11100-12fff r@1100']);
  });

  it('a disabled region shows what lies beneath (and the pieces merge back)', () => {
    const { root, as, io, ram } = system();
    root.addSubregion(0, ram('low', 0x10000));
    const hi = io('hi', 0x1000);
    root.addSubregionOverlap(0x4000, hi, 1);
    hi.setEnabled(false);
    expect(asLines(as)).toEqual(['0-ffff low']);
    hi.setEnabled(true);
    expect(asLines(as)).toEqual(['0-3fff low', '4000-4fff hi', '5000-ffff low@5000']);
  });

  it('regions are clipped to their container', () => {
    const { sys, root, as, io } = system();
    const box = MemoryRegion.container(sys, null, 'box', 0x1000);
    box.addSubregion(0x800, io('big', 0x10000));
    root.addSubregion(0x5000, box);
    expect(asLines(as)).toEqual(['5800-5fff big']);
  });
});

describe('aliases', () => {
  it('can point into the middle of a region, and aliases of aliases compose their offsets', () => {
    const { sys, root, as, ram } = system();
    const r = ram('r', 0x10000);
    const a1 = MemoryRegion.alias(sys, null, 'a1', r, 0x3000, 0x4000);
    const a2 = MemoryRegion.alias(sys, null, 'a2', a1, 0x800, 0x1000);
    root.addSubregion(0x80000, a1);
    root.addSubregion(0x90000, a2);
    expect(asLines(as)).toEqual(['80000-83fff r@3000', '90000-90fff r@3800']);
  });

  it('render nothing when their target is disabled', () => {
    const { sys, root, as, ram } = system();
    const r = ram('r', 0x1000);
    r.setEnabled(false);
    root.addSubregion(0x1000, MemoryRegion.alias(sys, null, 'a', r, 0, 0x1000));
    expect(asLines(as)).toEqual([]);
  });

  it('ignore where their target sits in its own container', () => {
    const { sys, root, as, ram } = system();
    const r = ram('r', 0x2000);
    root.addSubregion(0x100000, r);
    root.addSubregion(0x200000, MemoryRegion.alias(sys, null, 'a', r, 0x1000, 0x1000));
    expect(asLines(as)).toEqual(['100000-101fff r', '200000-200fff r@1000']);
  });

  it('a read-only alias makes its ranges read-only', () => {
    const { sys, root, as, ram } = system();
    const r = ram('r', 0x1000);
    const a = MemoryRegion.alias(sys, null, 'a', r, 0, 0x1000);
    a.setReadonly(true);
    root.addSubregion(0, a);
    expect(asLines(as)).toEqual(['0-fff r ro']);
  });
});

describe('mutators', () => {
  it('setAddress moves a region, which re-enters its container as the newest', () => {
    const { root, as, io } = system();
    const a = io('a', 0x2000);
    root.addSubregion(0, a);
    root.addSubregion(0x1000, io('b', 0x2000));
    expect(asLines(as)).toEqual(['0-fff a', '1000-2fff b']);
    a.setAddress(0x2000);
    // a was re-added after b: it now wins their tie over 0x2000-0x2fff.
    expect(asLines(as)).toEqual(['1000-1fff b', '2000-3fff a']);
  });

  it('setSize, setAliasOffset, setReadonly, setRomdMode, removeSubregion re-render', () => {
    const { sys, root, as, ram } = system();
    const r = ram('r', 0x4000);
    const a = MemoryRegion.alias(sys, null, 'a', r, 0, 0x1000);
    root.addSubregion(0x10000, a);
    a.setSize(0x2000);
    expect(asLines(as)).toEqual(['10000-11fff r']);
    a.setAliasOffset(0x1000);
    expect(asLines(as)).toEqual(['10000-11fff r@1000']);
    a.setReadonly(true);
    expect(asLines(as)).toEqual(['10000-11fff r@1000 ro']);
    const flash = MemoryRegion.romDevice(sys, null, 'flash', 0x1000, { write: () => {} });
    root.addSubregion(0x20000, flash);
    flash.setRomdMode(false);
    expect(as.currentMap.ranges[1]!.romdMode).toBe(false);
    root.removeSubregion(a);
    expect(asLines(as)).toEqual(['20000-20fff flash']);
    expect(a.container).toBeNull();
  });

  it('setPriority reorders siblings', () => {
    const { root, as, io } = system();
    const a = io('a', 0x2000);
    root.addSubregion(0, a);
    root.addSubregionOverlap(0x1000, io('b', 0x2000), 1);
    expect(asLines(as)).toEqual(['0-fff a', '1000-2fff b']);
    a.setPriority(2);
    expect(asLines(as)).toEqual(['0-1fff a', '2000-2fff b@1000']);
  });

  it('a mutation that changes nothing does not re-render', () => {
    const { sys, root, io } = system();
    const a = io('a', 0x1000);
    root.addSubregion(0x1000, a);
    const n = sys.renderCount;
    a.setAddress(0x1000);
    a.setEnabled(true);
    a.setSize(0x1000);
    a.setReadonly(false);
    expect(sys.renderCount).toBe(n);
  });
});

describe('FlatView', () => {
  it('is sorted, disjoint and simplified: contiguous pieces of one region merge', () => {
    const { sys, root, as, ram } = system();
    const r = ram('r', 0x4000);
    root.addSubregion(0x1000, MemoryRegion.alias(sys, null, 'lo', r, 0, 0x1000));
    root.addSubregion(0x2000, MemoryRegion.alias(sys, null, 'hi', r, 0x1000, 0x1000));
    // Not contiguous in the region: no merge.
    root.addSubregion(0x3000, MemoryRegion.alias(sys, null, 'far', r, 0x3000, 0x1000));
    expect(asLines(as)).toEqual(['1000-2fff r', '3000-3fff r@3000']);
  });

  it('does not merge pieces that differ in attributes (read-only)', () => {
    const { sys, root, as, ram } = system();
    const r = ram('r', 0x2000);
    root.addSubregion(0, MemoryRegion.alias(sys, null, 'lo', r, 0, 0x1000));
    const hi = MemoryRegion.alias(sys, null, 'hi', r, 0x1000, 0x1000);
    hi.setReadonly(true);
    root.addSubregion(0x1000, hi);
    expect(asLines(as)).toEqual(['0-fff r', '1000-1fff r@1000 ro']);
  });

  it('is immutable: a commit swaps in a new view and the old one is untouched', () => {
    const { sys, root, as, io } = system();
    root.addSubregion(0, io('a', 0x1000));
    const before = as.currentMap;
    const lines = viewLines(before);
    sys.begin();
    root.addSubregion(0x1000, io('b', 0x1000));
    expect(as.currentMap).toBe(before); // readers keep the old view until the commit
    sys.commit();
    expect(as.currentMap).not.toBe(before);
    expect(viewLines(before)).toEqual(lines);
    expect(asLines(as)).toEqual(['0-fff a', '1000-1fff b']);
  });

  it('is shared by address spaces with the same root, before and after commits', () => {
    const { sys, root, as, io } = system();
    const as2 = sys.newAddressSpace(root, 'memory-too');
    expect(as2.currentMap).toBe(as.currentMap);
    root.addSubregion(0, io('a', 0x1000));
    expect(as2.currentMap).toBe(as.currentMap);
    expect(as.dispatch).toBe(as2.dispatch);
    const other = sys.newAddressSpace(MemoryRegion.container(sys, null, 'other', 0x1000), 'other');
    expect(other.currentMap).not.toBe(as.currentMap);
  });

  it('is shared with an address space whose root is a whole alias of the same root (QEMU flatview root)', () => {
    const { sys, root, as, io } = system();
    root.addSubregion(0, io('a', 0x1000));
    // Like a PCI device's bus-master address space: an alias of all of system memory.
    const bm = MemoryRegion.alias(sys, null, 'bus master', root, 0, 2 ** 32);
    const dma = sys.newAddressSpace(bm, 'dma');
    expect(dma.currentMap).toBe(as.currentMap);
    root.addSubregion(0x1000, io('b', 0x1000));
    expect(dma.currentMap).toBe(as.currentMap);
    expect(formatMtreeFlat(sys)).toContain(' AS "memory", root: system\n AS "dma", root: bus master, alias system\n Root memory region: system\n');
  });
});
