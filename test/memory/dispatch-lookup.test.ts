// The dispatch map agrees with the flat view it was built from at every address class: below
// and above 1 GiB and 4 GiB (the lookup has an integer fast path below 4 GiB), in subpages and holes.
import { describe, expect, it } from 'vitest';
import { MemoryRegion, MemorySystem, SIZE_64BIT } from '../../src/memory/index.js';

describe('dispatch lookup', () => {
  it('matches FlatView.lookup for addresses across the whole 52-bit space', () => {
    const sys = new MemorySystem();
    const root = MemoryRegion.container(sys, null, 'system', SIZE_64BIT);
    const ops = { read: () => 0, write: () => {} };
    root.addSubregion(0, MemoryRegion.ram(sys, null, 'low', 0x100000));
    root.addSubregion(0x40000000, MemoryRegion.ram(sys, null, 'at1g', 0x3000));
    root.addSubregion(0xc0000800, MemoryRegion.io(sys, null, 'sub', 0x100, ops));
    root.addSubregion(0xfffc0000, MemoryRegion.rom(sys, null, 'bios', 0x40000));
    root.addSubregion(0x100000000, MemoryRegion.ram(sys, null, 'high', 0x2000));
    root.addSubregion(0x7ffff000000, MemoryRegion.io(sys, null, 'far', 0x1000, ops));
    const as = sys.newAddressSpace(root, 'memory');
    const view = as.currentMap;
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const probes = [0, 0xfff, 0x40000000, 0x40002fff, 0x40003000, 0xc00007ff, 0xc0000800, 0xc00008ff, 0xc0000900, 0xfffbffff, 0xfffc0000, 0xffffffff, 0x100000000, 0x100001fff, 0x100002000, 0x7ffff000000, 0x7ffff000fff];
    for (let n = 0; n < 20000; n++) probes.push(n % 2 ? rnd() : rnd() * 4096 + (rnd() & 0xfff));
    for (const addr of probes) {
      expect(as.dispatch.rangeAt(addr), `address 0x${addr.toString(16)}`).toBe(view.lookup(addr));
    }
  });
});
