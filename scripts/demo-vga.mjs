#!/usr/bin/env node
// demo-vga.mjs [--out DIR] [--qemu]: run roms/demo-vga.bin (text screen, mode 13h, VBE 32 bpp)
// with the monitor on stdio and save each stage's screendump as DIR/demo-vga-N.png
// (demo-out/ by default). The ROM prints "ready N" on debugcon and halts; the script then
// sends `screendump` and `system_reset` (the ROM keeps its stage in CMOS). --qemu runs the same
// line on qemu-system-i386 instead, to compare.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = path.resolve(outIdx >= 0 ? args[outIdx + 1] : path.join(root, 'demo-out'));
const useQemu = args.includes('--qemu');
fs.mkdirSync(out, { recursive: true });
const dcon = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-demo-')), 'debugcon');
fs.writeFileSync(dcon, '');

const line = ['-bios', path.join(root, 'roms/demo-vga.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', `file:${dcon}`];
const child = useQemu
  ? spawn('qemu-system-i386', line, { stdio: ['pipe', 'ignore', 'inherit'] })
  : spawn(process.execPath, [path.join(root, 'dist/tcg86.js'), ...line], { stdio: ['pipe', 'ignore', 'inherit'] });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(text) {
  for (let k = 0; k < 600; k++) {
    if (fs.readFileSync(dcon, 'latin1').includes(text)) return;
    await sleep(50);
  }
  throw new Error(`demo-vga: the ROM never printed "${text}"`);
}

for (const stage of [1, 2, 3]) {
  await waitFor(`ready ${stage}`);
  const file = path.join(out, `demo-vga-${stage}.png`);
  fs.rmSync(file, { force: true });
  child.stdin.write(`screendump ${file} -f png\n`);
  for (let k = 0; k < 200 && !(fs.existsSync(file) && fs.statSync(file).size > 0); k++) await sleep(50);
  await sleep(200); // QEMU writes the file in more than one step
  child.stdin.write(stage < 3 ? 'system_reset\n' : 'quit\n');
  console.log(`demo-vga: ${path.relative(process.cwd(), file)}`);
}
await new Promise((r) => child.on('exit', r));
