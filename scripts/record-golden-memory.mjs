#!/usr/bin/env node
// record-golden-memory.mjs: run qemu-system-i386 7.2 with each -m of test/golden/memory/cases.json
// and record what it says: for "errors", its stderr and exit status (errors.txt); for "mtree",
// `info mtree` (mtree-N.txt, N the case's index) and any warning; for "dimmErrors" the error of
// each -object/-device pc-dimm line (dimm-errors.txt); for "dimmInfo" `info memory-devices` and
// `info memdev` (dimm-info-N.txt). Needs qemu-system-i386.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const gold = path.join(root, 'test/golden/memory');
const qemu = process.env.QEMU ?? 'qemu-system-i386';
const cases = JSON.parse(fs.readFileSync(path.join(gold, 'cases.json'), 'utf8'));
const base = ['-bios', path.join(root, 'roms/demo.bin'), '-display', 'none', '-nodefaults', '-S'];

let errors = '';
for (const m of cases.errors) {
  const r = spawnSync(qemu, [...base, '-monitor', 'none', '-m', m], { encoding: 'utf8', timeout: 5000 });
  errors += `## -m ${m}\nstatus ${r.status}\n${r.stderr.replaceAll(`${qemu}: `, 'QEMU: ')}`;
}
fs.writeFileSync(path.join(gold, 'errors.txt'), errors);
cases.mtree.forEach((m, i) => {
  const r = spawnSync(qemu, [...base, '-monitor', 'stdio', '-m', m], { input: 'info mtree\nquit\n', encoding: 'utf8', timeout: 10000 });
  // Keep the command's output: from after the echoed "info mtree" line to the next prompt.
  const out = r.stdout.replace(/\r/g, '');
  const start = out.indexOf('address-space: ');
  const end = out.indexOf('(qemu)', start);
  fs.writeFileSync(path.join(gold, `mtree-${i}.txt`), `## -m ${m}\n## stderr ${r.stderr.replaceAll(`${qemu}: `, 'QEMU: ').trim()}\n${out.slice(start, end)}`);
});
// DIMMs: the error of each refused command line, and `info memory-devices`/`info memdev`.
let dimmErrors = '';
for (const a of cases.dimmErrors) {
  const r = spawnSync(qemu, [...base, '-monitor', 'none', ...a.split(' ')], { encoding: 'utf8', timeout: 5000 });
  dimmErrors += `## ${a}\nstatus ${r.status}\n${r.stderr.replaceAll(`${qemu}: `, 'QEMU: ')}`;
}
fs.writeFileSync(path.join(gold, 'dimm-errors.txt'), dimmErrors);
cases.dimmInfo.forEach((a, i) => {
  const r = spawnSync(qemu, [...base, '-monitor', 'stdio', ...a.split(' ')], { input: 'info memory-devices\ninfo memdev\nquit\n', encoding: 'utf8', timeout: 10000 });
  const out = r.stdout.replace(/\r/g, '').replace(/\(qemu\) [^\n]*\n/g, '\n## ');
  fs.writeFileSync(path.join(gold, `dimm-info-${i}.txt`), `## ${a}\n${out.slice(out.indexOf('\n## ') + 1)}`);
});
console.log(`record-golden-memory: ${cases.errors.length} error cases, ${cases.mtree.length} mtree cases`);
// memory-backend-file: the same, in a fresh directory written as @DIR@ (cases.json's fileSetup
// files are created first, with their sizes): file-errors.txt and file-info-N.txt.
const fileCase = (a, dir) => a.replaceAll('@DIR@', dir).split(' ');
const freshDir = () => {
  const dir = fs.mkdtempSync('/tmp/tcg86-memfile-');
  for (const [name, size] of Object.entries(cases.fileSetup)) fs.writeFileSync(path.join(dir, name), Buffer.alloc(size));
  return dir;
};
let fileErrors = '';
for (const a of cases.fileErrors) {
  const dir = freshDir();
  const r = spawnSync(qemu, [...base, '-monitor', 'none', ...fileCase(a, dir)], { encoding: 'utf8', timeout: 5000 });
  fileErrors += `## ${a}\nstatus ${r.status}\n${r.stderr.replaceAll(`${qemu}: `, 'QEMU: ').replaceAll(dir, '@DIR@')}`;
  fs.rmSync(dir, { recursive: true });
}
fs.writeFileSync(path.join(gold, 'file-errors.txt'), fileErrors);
cases.fileInfo.forEach((a, i) => {
  const dir = freshDir();
  const r = spawnSync(qemu, [...base, '-monitor', 'stdio', ...fileCase(a, dir)], { input: 'info memory-devices\ninfo memdev\nquit\n', encoding: 'utf8', timeout: 10000 });
  const out = r.stdout.replace(/\r/g, '').replace(/\(qemu\) [^\n]*\n/g, '\n## ');
  const files = fs.readdirSync(dir).sort().map((f) => `${f} ${fs.statSync(path.join(dir, f)).size}`).join('\n');
  fs.writeFileSync(path.join(gold, `file-info-${i}.txt`), `## ${a}\n${out.slice(out.indexOf('\n## ') + 1)}## files\n${files}\n`);
  fs.rmSync(dir, { recursive: true });
});
