// Bad input is refused with a clear error naming the region or value, and leaves the tree
// and the rendered views exactly as they were (compared through info mtree and mtree -f).
import { describe, expect, it } from 'vitest';
import { MemoryRegion, MemorySystem, formatMtree, formatMtreeFlat, formatRamblocks } from '../../src/memory/index.js';

function world() {
  const sys = new MemorySystem();
  const system = MemoryRegion.container(sys, null, 'system', 2 ** 64);
  const ram = MemoryRegion.ram(sys, null, 'ram', 0x10000);
  const box = MemoryRegion.container(sys, null, 'box', 0x10000);
  const dev = MemoryRegion.io(sys, null, 'dev', 0x100, { read: () => 0 });
  system.addSubregion(0, ram);
  box.addSubregion(0x100, dev);
  system.addSubregionOverlap(0x20000, box, 1);
  const as = sys.newAddressSpace(system, 'memory');
  const snapshot = () => [formatMtree(sys, { disabled: true }), formatMtreeFlat(sys), formatRamblocks(sys), sys.renderCount].join('|');
  return { sys, system, ram, box, dev, as, snapshot };
}

/** Run `bad`, expect it to throw matching `message`, and the whole state to be unchanged. */
function refuses(w: ReturnType<typeof world>, bad: () => unknown, message: RegExp) {
  const before = w.snapshot();
  const view = w.as.currentMap;
  expect(bad).toThrow(message);
  expect(w.snapshot()).toBe(before);
  expect(w.as.currentMap).toBe(view);
  expect(w.sys.inTransaction).toBe(false);
}

describe('bad input', () => {
  it('adding a region that is already in a container', () => {
    const w = world();
    refuses(w, () => w.system.addSubregion(0x40000, w.dev), /region "dev" is already in container "box"/);
  });

  it('a negative or non-integer size', () => {
    const w = world();
    refuses(w, () => MemoryRegion.ram(w.sys, null, 'neg', -4096), /"neg".*-4096/);
    refuses(w, () => MemoryRegion.io(w.sys, null, 'half', 1.5, {}), /"half".*1\.5/);
    refuses(w, () => MemoryRegion.container(w.sys, null, 'nan', NaN), /"nan".*NaN/);
    refuses(w, () => w.dev.setSize(-1), /"dev".*-1/);
    refuses(w, () => w.dev.setSize(0.25), /"dev".*0\.25/);
    refuses(w, () => MemoryRegion.ram(w.sys, null, 'zero', 0), /"zero".*0/);
  });

  it('an alias cycle: adding an alias of a region that contains the container', () => {
    const w = world();
    const loop = MemoryRegion.alias(w.sys, null, 'loop', w.system, 0, 0x1000);
    refuses(w, () => w.box.addSubregion(0x800, loop), /"loop" to "box" would make a cycle/);
    const self = MemoryRegion.alias(w.sys, null, 'self', w.box, 0, 0x100);
    refuses(w, () => w.box.addSubregion(0, self), /"self" to "box" would make a cycle/);
    // An alias of an alias of the container is a cycle too.
    const outer = MemoryRegion.alias(w.sys, null, 'outer', loop, 0, 0x100);
    refuses(w, () => w.box.addSubregion(0, outer), /"outer".*cycle/);
    const lone = MemoryRegion.container(w.sys, null, 'lone', 0x100);
    refuses(w, () => lone.addSubregion(0, lone), /"lone" to "lone" would make a cycle/);
  });

  it('an access at or past 2^52', () => {
    const w = world();
    refuses(w, () => w.as.ldl(2 ** 52), /memory: access at 0x10000000000000 \(\+4\)/);
    refuses(w, () => w.as.read(2 ** 52 - 2, new Uint8Array(4)), /0xffffffffffffe \(\+4\)/);
    refuses(w, () => w.as.stb(-1, 0), /access at -1/);
    refuses(w, () => w.as.ldub(0.5), /access at 0\.5/);
  });

  it('bad offsets, priorities and alias offsets', () => {
    const w = world();
    const x = MemoryRegion.io(w.sys, null, 'x', 0x10, {});
    refuses(w, () => w.system.addSubregion(-0x1000, x), /subregion "x" offset .*-4096/);
    refuses(w, () => w.system.addSubregion(2 ** 52, x), /subregion "x" offset/);
    refuses(w, () => w.system.addSubregionOverlap(0, x, 0.5), /"x": priority must be an integer/);
    refuses(w, () => w.dev.setAddress(Number.NaN), /"dev" address .*NaN/);
    refuses(w, () => w.dev.setPriority(1.5), /"dev": priority must be an integer/);
    const a = MemoryRegion.alias(w.sys, null, 'a', w.ram, 0, 0x100);
    refuses(w, () => a.setAliasOffset(-1), /alias "a" offset .*-1/);
    refuses(w, () => MemoryRegion.alias(w.sys, null, 'b', w.ram, 0.5, 0x100), /alias "b" offset/);
    refuses(w, () => w.dev.setAliasOffset(0), /"dev" is not an alias/);
    refuses(w, () => w.dev.setRomdMode(false), /"dev" is not a ROM device/);
  });

  it('removing a region that is not a child, destroying a mapped region, bad dirty client', () => {
    const w = world();
    refuses(w, () => w.system.removeSubregion(w.dev), /"dev" is not a subregion of "system"/);
    refuses(w, () => w.ram.destroy(), /cannot destroy "ram": still in container "system"/);
    refuses(w, () => w.ram.setLog(true, 2), /VGA/);
    refuses(w, () => w.dev.ramResize(0x2000), /"dev" has no RAM/);
  });

  it('a refused mutation inside an open transaction leaves the transaction usable', () => {
    const w = world();
    const before = w.snapshot();
    w.sys.begin();
    expect(() => w.dev.setPriority(0.5)).toThrow(/priority/);
    expect(() => w.system.addSubregion(0, w.dev)).toThrow(/already in container/);
    w.sys.commit();
    expect(w.snapshot()).toBe(before);
  });
});
