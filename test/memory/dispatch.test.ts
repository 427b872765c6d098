// The dispatch page map: physical page -> section, with subpage sections where several ranges
// share a page. Checked at page edges, inside subpages, around 2^32 and at the 2^52 limit,
// and against the flat view's own binary search over random addresses.
import { describe, expect, it } from 'vitest';
import { AddressSpaceDispatch, MemoryRegion, MemorySystem, SECTION_UNASSIGNED } from '../../src/memory/index.js';

function build(place: (sys: MemorySystem, root: MemoryRegion) => void) {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'system', 2 ** 64);
  place(sys, root);
  const as = sys.newAddressSpace(root, 'memory');
  const d = as.dispatch;
  const at = (addr: number) => {
    const r = d.rangeAt(addr);
    return r ? `${r.mr.name}+${(addr - r.addr + r.offsetInRegion).toString(16)}` : null;
  };
  return { sys, root, as, d, at };
}
const io = (sys: MemorySystem, name: string, size: number) => MemoryRegion.io(sys, null, name, size, { read: () => 0 });

describe('dispatch', () => {
  it('resolves the last and first byte of neighbouring page-aligned ranges', () => {
    const { d, at } = build((sys, root) => {
      root.addSubregion(0, MemoryRegion.ram(sys, null, 'ram', 0x2000));
      root.addSubregion(0x2000, io(sys, 'dev', 0x1000));
    });
    expect(at(0)).toBe('ram+0');
    expect(at(0x1fff)).toBe('ram+1fff');
    expect(at(0x2000)).toBe('dev+0');
    expect(at(0x2fff)).toBe('dev+fff');
    expect(at(0x3000)).toBeNull();
    expect(d.lookup(0x3000)).toBe(SECTION_UNASSIGNED);
    expect(d.isSubpage(0x1000)).toBe(false);
    expect(d.isSubpage(0x2000)).toBe(false);
  });

  it('uses a subpage for a page several ranges share, byte exact', () => {
    const { d, at } = build((sys, root) => {
      root.addSubregion(0, MemoryRegion.ram(sys, null, 'ram', 0x10000));
      root.addSubregionOverlap(0x5010, io(sys, 'reg', 0x20), 1);
    });
    expect(d.isSubpage(0x5000)).toBe(true);
    expect(d.isSubpage(0x4fff)).toBe(false);
    expect(d.isSubpage(0x6000)).toBe(false);
    expect(at(0x4fff)).toBe('ram+4fff');
    expect(at(0x500f)).toBe('ram+500f');
    expect(at(0x5010)).toBe('reg+0');
    expect(at(0x502f)).toBe('reg+1f');
    expect(at(0x5030)).toBe('ram+5030');
    expect(at(0x5fff)).toBe('ram+5fff');
    expect(at(0x6000)).toBe('ram+6000');
  });

  it('maps a range with a partial head page, whole middle pages and a partial tail page', () => {
    const { d, at } = build((sys, root) => root.addSubregion(0x1800, io(sys, 'r', 0x3000)));
    expect(at(0x17ff)).toBeNull();
    expect(at(0x1800)).toBe('r+0');
    expect(d.isSubpage(0x1000)).toBe(true);
    expect(d.isSubpage(0x2000)).toBe(false);
    expect(d.isSubpage(0x3000)).toBe(false);
    expect(d.isSubpage(0x4000)).toBe(true);
    expect(at(0x47ff)).toBe('r+2fff');
    expect(at(0x4800)).toBeNull();
  });

  it('puts several small ranges in one subpage', () => {
    const { at } = build((sys, root) => {
      for (let i = 0; i < 8; i++) root.addSubregion(0x7000 + i * 0x200, io(sys, `p${i}`, 0x100));
    });
    for (let i = 0; i < 8; i++) {
      expect(at(0x7000 + i * 0x200)).toBe(`p${i}+0`);
      expect(at(0x7000 + i * 0x200 + 0xff)).toBe(`p${i}+ff`);
      expect(at(0x7000 + i * 0x200 + 0x100)).toBeNull();
    }
  });

  it('is exact across 2^32', () => {
    const { at } = build((sys, root) => {
      const ram = MemoryRegion.ram(sys, null, 'ram', 0x3000);
      root.addSubregion(0xfffff000, ram);
      root.addSubregion(0x100002800, io(sys, 'hi', 0x10));
    });
    expect(at(0xffffefff)).toBeNull();
    expect(at(0xfffff000)).toBe('ram+0');
    expect(at(0xffffffff)).toBe('ram+fff');
    expect(at(2 ** 32)).toBe('ram+1000');
    expect(at(2 ** 32 + 0x1fff)).toBe('ram+2fff');
    expect(at(2 ** 32 + 0x2000)).toBeNull();
    expect(at(2 ** 32 + 0x2800)).toBe('hi+0');
    expect(at(2 ** 32 + 0x280f)).toBe('hi+f');
    expect(at(2 ** 32 + 0x2810)).toBeNull();
  });

  it('is exact up to 2^52-1 and answers unassigned beyond', () => {
    const top = 2 ** 52;
    const { d, at } = build((sys, root) => {
      root.addSubregion(top - 0x3000, io(sys, 'a', 0x1000));
      root.addSubregion(top - 0x800, io(sys, 'b', 0x800));
      root.addSubregion(top - 0x20000000, io(sys, 'c', 0x10));
    });
    expect(at(top - 0x3001)).toBeNull();
    expect(at(top - 0x3000)).toBe('a+0');
    expect(at(top - 0x2001)).toBe('a+fff');
    expect(at(top - 0x2000)).toBeNull();
    expect(at(top - 0x801)).toBeNull();
    expect(at(top - 0x800)).toBe('b+0');
    expect(at(top - 1)).toBe('b+7ff');
    expect(at(top - 0x20000000 + 0xf)).toBe('c+f');
    expect(d.lookup(top)).toBe(SECTION_UNASSIGNED);
    expect(d.lookup(2 ** 60)).toBe(SECTION_UNASSIGNED);
  });

  it('covers the whole space for a range reaching beyond 2^52', () => {
    const { at } = build((sys, root) => {
      const bg = io(sys, 'bg', 2 ** 64);
      root.addSubregionOverlap(0, bg, -1);
      root.addSubregion(0x1000, io(sys, 'x', 0x1000));
    });
    expect(at(0)).toBe('bg+0');
    expect(at(0x1000)).toBe('x+0');
    expect(at(0x2000)).toBe('bg+2000');
    expect(at(2 ** 52 - 1)).toBe(`bg+${(2 ** 52 - 1).toString(16)}`);
    expect(at(2 ** 40 + 0x123)).toBe(`bg+${(2 ** 40 + 0x123).toString(16)}`);
  });

  it('agrees with the flat view on random layouts and addresses', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    for (let layout = 0; layout < 20; layout++) {
      const { as, d } = build((sys, root) => {
        for (let i = 0; i < 30; i++) {
          const base = rnd(4) === 0 ? rnd(2 ** 20) * 0x1000 : rnd(0x40000);
          const size = 1 + (rnd(3) === 0 ? rnd(0x10000) : rnd(0x300));
          root.addSubregionOverlap(base, io(sys, `r${i}`, size), rnd(3));
        }
      });
      const view = as.currentMap;
      const probes: number[] = [];
      for (const r of view.ranges) probes.push(r.addr - 1, r.addr, r.end - 1, r.end, r.addr + rnd(r.size));
      for (let i = 0; i < 200; i++) probes.push(rnd(0x50000));
      for (const a of probes) {
        if (a < 0) continue;
        expect(d.rangeAt(a)).toBe(view.lookup(a));
      }
    }
  });

  it('can be built directly from a view and reports its section count', () => {
    const { as } = build((sys, root) => {
      root.addSubregion(0, MemoryRegion.ram(sys, null, 'ram', 0x1000));
      root.addSubregion(0x1000, io(sys, 'dev', 0x10));
    });
    const d = new AddressSpaceDispatch(as.currentMap);
    // unassigned + ram + dev + the subpage section of page 0x1000.
    expect(d.sectionCount).toBe(4);
  });
});
