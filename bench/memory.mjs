// Micro benchmarks of the memory core (benchmark.js): dispatch lookup, 4-byte RAM load/store
// through an address space, and MMIO dispatch. Run with `node bench/memory.mjs`.
// Bench files run without vitest, so the TypeScript sources are bundled with esbuild first.

import { build } from 'esbuild';
import Benchmark from 'benchmark';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'tcg86-bench-'));
const out = join(dir, 'memory.mjs');
await build({
  entryPoints: [join(root, 'src/memory/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: out,
  logLevel: 'error',
});
const mem = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });
const { MemorySystem, MemoryRegion } = mem;

// A small pc-like map: 32 MiB of RAM, VGA window and some devices below 1 MiB, BIOS at the top.
const sys = new MemorySystem();
const system = MemoryRegion.container(sys, null, 'system', 2 ** 64);
const ram = MemoryRegion.ram(sys, null, 'pc.ram', 32 << 20);
system.addSubregion(0, MemoryRegion.alias(sys, null, 'ram-below-4g', ram, 0, 32 << 20));
let sink = 0;
const dev = MemoryRegion.io(sys, null, 'dev', 0x1000, {
  read: (addr) => addr,
  write: (_addr, value) => {
    sink ^= value;
  },
});
system.addSubregionOverlap(0xa0000, MemoryRegion.io(sys, null, 'vga', 0x20000, { read: () => 0 }), 1);
system.addSubregionOverlap(0xfee00000, dev, 1);
for (let i = 0; i < 16; i++) {
  system.addSubregionOverlap(0xfed00000 + i * 0x100, MemoryRegion.io(sys, null, `r${i}`, 0x40, { read: () => i }), 1);
}
system.addSubregion(0xfffc0000, MemoryRegion.rom(sys, null, 'pc.bios', 0x40000));
const as = sys.newAddressSpace(system, 'memory');
const dispatch = as.dispatch;

// Precomputed addresses so the loop measures the memory core, not the random generator.
const N = 4096;
const addrs = new Float64Array(N);
const ramAddrs = new Float64Array(N);
let x = 12345;
const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
for (let i = 0; i < N; i++) {
  const k = rnd() % 4;
  addrs[i] = k === 0 ? 0xfed00000 + (rnd() % 0x1000) : k === 1 ? 0xfffc0000 + (rnd() % 0x40000) : rnd() % (32 << 20);
  ramAddrs[i] = (rnd() % ((32 << 20) - 4)) & ~3;
}
let i = 0;

const suite = new Benchmark.Suite('memory');
suite
  .add('dispatch lookup (mixed RAM/ROM/MMIO/subpage)', () => {
    sink ^= dispatch.lookup(addrs[i++ & (N - 1)]);
  })
  .add('as.ldl 4-byte RAM read', () => {
    sink ^= as.ldl(ramAddrs[i++ & (N - 1)]);
  })
  .add('as.stl 4-byte RAM write (dirty pages)', () => {
    as.stl(ramAddrs[i++ & (N - 1)], i);
  })
  .add('as.ldl MMIO read (device callback)', () => {
    sink ^= as.ldl(0xfee00000 + ((i++ & 0x3ff) << 2));
  })
  .add('as.stl MMIO write (device callback)', () => {
    as.stl(0xfee00000 + ((i++ & 0x3ff) << 2), i);
  })
  .on('cycle', (event) => {
    const b = event.target;
    console.log(`${b.name.padEnd(48)} ${Math.round(b.hz).toLocaleString('en-US').padStart(14)} ops/sec ±${b.stats.rme.toFixed(2)}% (${b.stats.sample.length} runs)`);
  })
  .on('complete', () => {
    if (sink === 0.5) console.log(sink); // keep the results alive
  })
  .run({ async: false, maxTime: 0.5 });
