#!/usr/bin/env node
// record-golden-disas.mjs [LOG...]: collect what QEMU 7.2's capstone prints for instructions
// (-d in_asm lines: address, bytes, AT&T text) into test/golden/disas/capstone-att.txt, a few
// lines per instruction shape, for test/cpu/x86/decoder/format-att.test.ts. Without LOG files it
// runs every golden ROM and C kernel on qemu-system-i386 with -d in_asm first. Give more logs
// (a Linux boot's, difftest ROMs') for a wider corpus.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'test/golden/disas/capstone-att.txt');
/** Instruction families tcg86 does not decode (SSE and MMXEXT, sysenter/sysexit, fences): not collected. */
const NOT_DECODED = /%xmm|pshufw|fence|mxcsr|sysenter|sysexit|^\.byte/;
/** Lines kept per shape. */
const PER_SHAPE = 2;
const PREFIXES = new Set(['26', '2e', '36', '3e', '64', '65', '66', '67', 'f0', 'f2', 'f3']);

function qemuLogs() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-disas-'));
  const logs = [];
  const run = (name, args) => {
    const log = path.join(dir, `${name}.log`);
    spawnSync('qemu-system-i386', [...args, '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot',
      '-debugcon', 'file:/dev/null', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-d', 'in_asm', '-D', log],
    { stdio: 'ignore', timeout: 20_000 });
    logs.push(log);
  };
  for (const file of fs.readdirSync(path.join(root, 'roms/src')).sort()) {
    const name = file.replace(/\.asm$/, '');
    if (name === file || name.startsWith('mbkernel-') || name.startsWith('mon-')) continue;
    const bin = path.join(root, 'roms', `${name}.bin`);
    if (!fs.existsSync(bin)) continue;
    const head = fs.readFileSync(path.join(root, 'roms/src', file), 'latin1').split('\n').slice(0, 10);
    if (head.some((l) => l.startsWith('; NOGOLDEN:'))) continue;
    const args = head.find((l) => l.startsWith('; ARGS:'))?.slice(7).trim().split(/\s+/).filter(Boolean) ?? [];
    run(name, ['-bios', bin, ...args]);
  }
  for (const file of fs.readdirSync(path.join(root, 'roms')).filter((f) => f.endsWith('.elf')).sort()) {
    run(file, ['-kernel', path.join(root, 'roms', file)]);
  }
  return logs;
}

const logs = process.argv.length > 2 ? process.argv.slice(2) : qemuLogs();
const perShape = new Map();
const seenBytes = new Set();
const lines = [];
for (const log of logs) {
  let text;
  try { text = fs.readFileSync(log, 'latin1'); } catch { continue; }
  let last = null;
  for (const l of text.split('\n')) {
    // An instruction longer than 8 bytes goes on with lines of bytes and their address.
    const more = /^0x([0-9a-f]{8}):  ((?:[0-9a-f]{2} ?)+)$/.exec(l);
    if (more && last && parseInt(more[1], 16) === last.addr + last.bytes.length) {
      last.bytes.push(...more[2].trim().split(' '));
      continue;
    }
    if (last) lines.push(last);
    last = null;
    const m = /^0x([0-9a-f]{8}):  ((?:[0-9a-f]{2} )+)\s*(\S.*?)\s*$/.exec(l);
    if (m) last = { addr: parseInt(m[1], 16), bytes: m[2].trim().split(' '), text: m[3] };
  }
  if (last) lines.push(last);
}
const kept = [];
for (const e of lines) {
  if (NOT_DECODED.test(e.text)) continue;
  const key = e.bytes.join('') + '@' + (e.addr & 0xffff);
  if (seenBytes.has(key)) continue;
  seenBytes.add(key);
  // The shape: mnemonic and operand kinds (registers, numbers blanked), plus the prefix bytes.
  const shape = e.bytes.slice(0, e.bytes.findIndex((b) => !PREFIXES.has(b))).join('') + e.text.replace(/ +/g, ' ').replace(/%st\(\d\)/g, '%st').replace(/%[a-z]+/g, '%r').replace(/0x[0-9a-f]+|\b\d+\b/g, 'N');
  const n = perShape.get(shape) ?? 0;
  if (n >= PER_SHAPE) continue;
  perShape.set(shape, n + 1);
  kept.push(`${e.addr.toString(16).padStart(8, '0')}\t${e.bytes.join(' ')}\t${e.text}`);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `# QEMU 7.2 -d in_asm (capstone 4): address, bytes, text; recorded by scripts/record-golden-disas.mjs\n${kept.join('\n')}\n`);
console.log(`record-golden-disas: ${kept.length} lines (${perShape.size} shapes) from ${logs.length} logs -> ${path.relative(root, out)}`);
