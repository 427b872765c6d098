// Property test: random region trees (containers, RAM, ROM, I/O, ROM devices, aliases of
// aliases and into the middle of regions, priorities, disabled and read-only regions) mutated
// inside transactions, checked against a naive reference that resolves every byte by walking
// the tree (written here, independently of flatview.ts), for lookups, dispatch and accesses.
import { describe, expect, it } from 'vitest';
import { MEMTX_DECODE_ERROR, MEMTX_OK, MemoryRegion, MemorySystem, type MemoryRegionOps } from '../../src/memory/index.js';

/** mulberry32: a tiny seeded PRNG so every failure is reproducible from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

/** Fill with a fast xorshift stream (devices and RAM start with distinct random bytes). */
function fillRandom(bytes: Uint8Array, seed: number): void {
  let x = seed | 1;
  for (let k = 0; k < bytes.length; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[k] = x & 0xff;
  }
}

/** Plain checks in the hot loops (vitest's expect is too slow for ~10^5 of them). */
function check(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

const SPACE = 0x40000; // the root container's size: small, so random accesses hit things
const DEV_BYTES = 0x10000; // backing of an I/O device: bigger than any size it can be given

/** The reference model's own record of the tree: insertion order decides equal priorities. */
interface Model {
  seq: Map<MemoryRegion, number>;
  counter: number;
  /** Expected contents: RAM bytes per region, register bytes per device. */
  ram: Map<MemoryRegion, Uint8Array>;
  dev: Map<MemoryRegion, Uint8Array>;
}

/** Where byte `off` of `mr` (enabled, off < size) comes from, QEMU-style; null = hole. */
function resolve(m: Model, mr: MemoryRegion, off: number, ro: boolean): { mr: MemoryRegion; off: number; ro: boolean } | null {
  ro ||= mr.readonly;
  if (mr.alias) {
    const t = mr.alias;
    const o = off + mr.aliasOffset;
    if (!t.enabled || o >= t.size) return null;
    return resolve(m, t, o, ro);
  }
  // Higher priority first; among equals the most recently added first.
  const kids = [...mr.subregions].sort((a, b) => b.priority - a.priority || m.seq.get(b)! - m.seq.get(a)!);
  for (const c of kids) {
    if (c.enabled && off >= c.addr && off < c.addr + c.size) {
      const r = resolve(m, c, off - c.addr, ro);
      if (r) return r;
    }
  }
  return mr.kind === 'container' || mr.kind === 'alias' ? null : { mr, off, ro };
}

function resolveAddr(m: Model, root: MemoryRegion, addr: number) {
  if (!root.enabled || addr < root.addr || addr >= root.addr + root.size) return null;
  return resolve(m, root, addr - root.addr, false);
}

/** Reference byte read. */
function refRead(m: Model, root: MemoryRegion, addr: number): number | null {
  const r = resolveAddr(m, root, addr);
  if (!r) return null;
  const { mr, off } = r;
  if (mr.kind === 'ram' || mr.kind === 'rom' || (mr.kind === 'romd' && mr.romdMode)) return m.ram.get(mr)![off]!;
  return m.dev.get(mr)![off]!;
}

/** Reference byte write; false if nothing decodes the address. */
function refWrite(m: Model, root: MemoryRegion, addr: number, v: number): boolean {
  const r = resolveAddr(m, root, addr);
  if (!r) return false;
  const { mr, off, ro } = r;
  if (mr.kind === 'io' || mr.kind === 'romd') m.dev.get(mr)![off] = v; // devices see every write
  else if (mr.kind === 'ram' && !ro) m.ram.get(mr)![off] = v; // ROM and read-only views drop it
  return true;
}

/** A device that behaves like memory in the given byte order, with random access sizes. */
function deviceOps(bytes: Uint8Array, rnd: ReturnType<typeof prng>): MemoryRegionOps {
  const big = rnd.chance(0.3);
  const at = (a: number, s: number, k: number) => a + (big ? s - 1 - k : k);
  return {
    endianness: big ? 'big' : 'little',
    impl: { maxAccessSize: rnd.pick([1, 2, 4]) },
    valid: rnd.chance(0.3) ? { maxAccessSize: rnd.pick([1, 2]) } : {},
    read(a, s) {
      let v = 0;
      for (let k = 0; k < s; k++) v += bytes[at(a, s, k)]! * 256 ** k;
      return v;
    },
    write(a, v, s) {
      for (let k = 0; k < s; k++) bytes[at(a, s, k)] = Math.floor(v / 256 ** k) & 0xff;
    },
  };
}

function randomWorld(seed: number) {
  const rnd = prng(seed);
  const sys = new MemorySystem();
  const m: Model = { seq: new Map(), counter: 0, ram: new Map(), dev: new Map() };
  const root = MemoryRegion.container(sys, null, 'root', SPACE);
  const regions: MemoryRegion[] = [];
  const devBytes = new Map<MemoryRegion, Uint8Array>();
  const smallSize = () => (rnd.chance(0.5) ? 1 + rnd.int(0x300) : 0x100 * (1 + rnd.int(0x30)));
  const n = 6 + rnd.int(10);
  for (let i = 0; i < n; i++) {
    const kind = rnd.pick(['ram', 'ram', 'rom', 'io', 'io', 'romd', 'container', 'container', 'alias', 'alias', 'alias']);
    const name = `${kind}${i}`;
    let mr: MemoryRegion;
    if (kind === 'ram' || kind === 'rom') {
      mr = kind === 'ram' ? MemoryRegion.ram(sys, null, name, smallSize()) : MemoryRegion.rom(sys, null, name, smallSize());
    } else if (kind === 'io' || kind === 'romd') {
      const bytes = new Uint8Array(DEV_BYTES);
      fillRandom(bytes, rnd.int(2 ** 32));
      const ops = deviceOps(bytes, rnd);
      mr = kind === 'io' ? MemoryRegion.io(sys, null, name, smallSize(), ops) : MemoryRegion.romDevice(sys, null, name, smallSize(), ops);
      devBytes.set(mr, bytes);
      m.dev.set(mr, bytes.slice());
    } else if (kind === 'container' || regions.length === 0) {
      mr = MemoryRegion.container(sys, null, name, 0x400 * (1 + rnd.int(0x40)));
    } else {
      const target = rnd.pick(regions);
      mr = MemoryRegion.alias(sys, null, name, target, rnd.int(target.size), smallSize());
    }
    if (mr.ramBlock) {
      const host = mr.ramBlock.host;
      fillRandom(host, rnd.int(2 ** 32));
      m.ram.set(mr, host.slice(0, mr.size));
    }
    regions.push(mr);
  }
  const parents = () => [root, ...regions.filter((r) => r.kind !== 'alias')];
  const add = (parent: MemoryRegion, mr: MemoryRegion) => {
    const off = rnd.int(parent.size);
    try {
      parent.addSubregionOverlap(off, mr, rnd.int(4) - 1);
      m.seq.set(mr, ++m.counter);
    } catch (e) {
      // Cycles are refused before anything changes; anything else is a failure.
      if (!/cycle/.test(String(e))) throw e;
    }
  };
  sys.begin();
  for (const mr of regions) {
    if (rnd.chance(0.85)) add(rnd.pick(parents()), mr);
    if (rnd.chance(0.1)) mr.setEnabled(false);
    if (rnd.chance(0.1) && mr.kind !== 'io' && mr.kind !== 'romd') mr.setReadonly(true);
  }
  sys.commit();
  const as = sys.newAddressSpace(root, 'memory');

  /** One random mutation (the caller wraps several in a transaction). */
  const mutate = () => {
    const mr = rnd.pick(regions);
    switch (rnd.int(9)) {
      case 0:
        if (mr.container) {
          mr.setAddress(rnd.int(mr.container.size));
          m.seq.set(mr, ++m.counter); // QEMU re-adds a moved region as the newest
        }
        break;
      case 1:
        if (mr.kind === 'container' || mr.kind === 'alias' || mr.kind === 'io') mr.setSize(smallSize());
        break;
      case 2:
        if (mr.alias) mr.setAliasOffset(rnd.int(mr.alias.size));
        break;
      case 3:
        mr.setEnabled(!mr.enabled);
        break;
      case 4:
        if (mr.kind !== 'io' && mr.kind !== 'romd' && mr.kind !== 'rom') mr.setReadonly(!mr.readonly);
        break;
      case 5:
        if (mr.kind === 'romd') mr.setRomdMode(!mr.romdMode);
        break;
      case 6:
        if (mr.container) mr.container.removeSubregion(mr);
        else add(rnd.pick(parents()), mr);
        break;
      case 7:
        if (mr.container) {
          mr.setPriority(rnd.int(4) - 1);
          m.seq.set(mr, ++m.counter);
        }
        break;
      default:
        if (!mr.container) add(rnd.pick(parents()), mr);
    }
  };
  return { rnd, sys, root, as, m, regions, devBytes, mutate };
}

function checkWorld(seed: number): number {
  const w = randomWorld(seed);
  const { rnd, sys, root, as, m } = w;
  let checks = 0;
  for (let round = 0; round < 8; round++) {
    const view = as.currentMap;
    const d = as.dispatch;
    // Structure: sorted, disjoint, fully simplified.
    for (let i = 1; i < view.ranges.length; i++) {
      const a = view.ranges[i - 1]!;
      const b = view.ranges[i]!;
      check(a.end <= b.addr, () => `seed ${seed}: ranges overlap at 0x${b.addr.toString(16)}`);
      check(!a.canMergeWith(b), () => `seed ${seed}: mergeable neighbours at 0x${b.addr.toString(16)}`);
    }
    // Lookups: flat view and dispatch against the tree walk.
    const probes: number[] = [];
    for (const r of view.ranges) probes.push(r.addr - 1, r.addr, r.end - 1, r.end);
    for (let i = 0; i < 120; i++) probes.push(rnd.int(SPACE + 0x800));
    for (const a of probes) {
      if (a < 0) continue;
      const want = resolveAddr(m, root, a);
      const fr = view.lookup(a);
      const where = () => `seed ${seed} round ${round}: lookup 0x${a.toString(16)}`;
      if (!want) check(fr === null, () => `${where()}: want a hole, got ${fr!.mr.name}`);
      else {
        check(fr !== null, () => `${where()}: want ${want.mr.name}+0x${want.off.toString(16)}, got a hole`);
        const off = a - fr!.addr + fr!.offsetInRegion;
        check(
          fr!.mr === want.mr && off === want.off && fr!.readonly === want.ro,
          () => `${where()}: want ${want.mr.name}+0x${want.off.toString(16)} ro=${want.ro}, got ${fr!.mr.name}+0x${off.toString(16)} ro=${fr!.readonly}`,
        );
        if (fr!.mr.kind === 'romd') check(fr!.romdMode === fr!.mr.romdMode, () => `${where()}: romd mode`);
      }
      check(d.rangeAt(a) === fr, () => `seed ${seed}: dispatch disagrees at 0x${a.toString(16)}`);
      checks++;
    }
    // Accesses: byte arrays and fixed sizes, reads and writes.
    for (let i = 0; i < 60; i++) {
      const addr = rnd.int(SPACE + 0x10);
      const len = rnd.pick([1, 2, 3, 4, 4, 5, 8, 16]);
      const where = () => `seed ${seed} round ${round}: ${len}-byte access at 0x${addr.toString(16)}`;
      const buf = new Uint8Array(len);
      let decodeErr = false;
      if (rnd.chance(0.5)) {
        const r = as.read(addr, buf);
        for (let k = 0; k < len; k++) {
          const v = refRead(m, root, addr + k);
          if (v === null) decodeErr = true;
          check(buf[k] === (v ?? 0xff), () => `${where()}: byte ${k} read 0x${buf[k]!.toString(16)}, want 0x${(v ?? 0xff).toString(16)}`);
        }
        check(r === (decodeErr ? MEMTX_DECODE_ERROR : MEMTX_OK), () => `${where()}: read result ${r}`);
      } else {
        for (let k = 0; k < len; k++) buf[k] = rnd.int(256);
        for (let k = 0; k < len; k++) if (!refWrite(m, root, addr + k, buf[k]!)) decodeErr = true;
        const r = as.write(addr, buf);
        check(r === (decodeErr ? MEMTX_DECODE_ERROR : MEMTX_OK), () => `${where()}: write result ${r}`);
      }
      checks++;
    }
    // Fixed-size loads use their own fast paths.
    for (let i = 0; i < 30; i++) {
      const addr = rnd.int(SPACE);
      const size = rnd.pick([1, 2, 4]);
      const v = size === 1 ? as.ldub(addr) : size === 2 ? as.lduw(addr) : as.ldl(addr);
      let want = 0;
      for (let k = size - 1; k >= 0; k--) want = want * 256 + (refRead(m, root, addr + k) ?? 0xff);
      check(v === want, () => `seed ${seed}: ld${size} 0x${addr.toString(16)} = 0x${v.toString(16)}, want 0x${want.toString(16)}`);
      checks++;
    }
    // Mutate inside a transaction: nothing is visible until the commit.
    sys.begin();
    const before = as.currentMap;
    for (let k = 1 + rnd.int(4); k > 0; k--) w.mutate();
    check(as.currentMap === before, () => `seed ${seed}: view changed before the commit`);
    sys.commit();
  }
  // Backing stores end up exactly as the reference says.
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  for (const [mr, bytes] of m.ram) check(same(mr.ramBlock!.host.subarray(0, mr.size), bytes), () => `seed ${seed}: ${mr.name} RAM differs`);
  for (const [mr, bytes] of m.dev) check(same(w.devBytes.get(mr)!, bytes), () => `seed ${seed}: ${mr.name} registers differ`);
  return checks;
}

describe('property: random trees against a tree-walking reference', () => {
  it('agrees on lookups, dispatch and accesses over many seeded worlds', () => {
    let checks = 0;
    for (let seed = 1; seed <= 300; seed++) checks += checkWorld(seed);
    expect(checks).toBeGreaterThan(20000);
  });
});
