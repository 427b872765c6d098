// Display refresh benchmark (not a timed test): the cost of a refresh at 1024x768x32 with
// nothing changed, one dirty scanline, a 320x200 region rewritten (an animation's frame) and
// a full redraw; then the compute ROM's wall time with the display on and with -vga none.
// Run with `node bench/display.mjs` (bundles the TypeScript sources with esbuild first).

import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'tcg86-bench-'));
const entry = join(dir, 'entry.ts');
writeFileSync(entry, `export { PcMachine } from '${root}/src/machine/pc.ts';\nexport { parseArgs } from '${root}/src/cli/args.ts';\n`);
const out = join(dir, 'display.mjs');
await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: out, logLevel: 'error',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
const { PcMachine, parseArgs } = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const m = new PcMachine(parseArgs(['-bios', join(root, 'roms/scr-vga13.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'none']));
const vga = m.vga;
const d = m.display;
const vbe = (i, v) => {
  m.io.stw(0x1ce, i);
  m.io.stw(0x1cf, v);
};
m.io.stb(0x3c0, 0x20); // screen on
vbe(1, 1024);
vbe(2, 768);
vbe(3, 32);
vbe(4, 0x01);
for (let i = 0; i < 1024 * 768 * 4; i++) vga.vramPtr[i] = (i * 7) & 0xff;
vga.setDirty(0, 1024 * 768 * 4);
d.update();

function time(name, n, before) {
  const s0 = { ...d.stats };
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < n; k++) {
    before(k);
    d.update();
  }
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  const lines = (d.stats.scanlinesRedrawn - s0.scanlinesRedrawn) / n;
  console.log(`${name.padEnd(34)} ${us.toFixed(1).padStart(9)} us/refresh  ${lines.toFixed(0).padStart(5)} scanlines`);
  return us;
}

console.log('refresh at 1024x768x32 (VBE):');
const idle = time('nothing changed', 2000, () => {});
const one = time('one dirty scanline', 2000, (k) => vga.setDirty(((k * 37) % 768) * 4096, 1));
const region = time('320x200 region rewritten', 200, () => {
  for (let y = 0; y < 200; y++) vga.setDirty((100 + y) * 4096 + 400, 1280);
});
const full = time('full redraw', 50, () => {
  d.lastWidth = -1; // QEMU's vga_invalidate_display
});
console.log(`one scanline / full redraw: ${((one / full) * 100).toFixed(2)} %; idle / full: ${((idle / full) * 100).toFixed(2)} %`);
console.log(`a guest animating 320x200 could be shown at ${(1e6 / region).toFixed(0)} refreshes per second (refresh cost alone)`);

async function computeSeconds(extra) {
  const mc = new PcMachine(parseArgs(['-bios', join(root, 'roms/bench-compute.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'none',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-debugcon', 'null', ...extra]));
  const t0 = process.hrtime.bigint();
  await mc.run();
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, refreshes: mc.display?.stats.refreshes ?? 0 };
}
const runs = [];
for (let k = 0; k < 2; k++) {
  runs.push(['display', await computeSeconds([])]);
  runs.push(['-vga none', await computeSeconds(['-vga', 'none'])]);
}
for (const [name, r] of runs) console.log(`bench-compute ${name.padEnd(10)} ${r.s.toFixed(2)} s (${r.refreshes} refreshes)`);
const best = (name) => Math.min(...runs.filter((r) => r[0] === name).map((r) => r[1].s));
console.log(`display on / off (best of 2): ${((best('display') / best('-vga none') - 1) * 100).toFixed(1)} %`);
