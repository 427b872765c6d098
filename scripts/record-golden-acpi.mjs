#!/usr/bin/env node
// record-golden-acpi.mjs: boot QEMU 7.2 with SeaBIOS on `-nodefaults -vga std -m 128` (and the
// same with -no-hpet), let SeaBIOS run QEMU's table-loader, then save guest memory from the
// monitor and write each ACPI table SeaBIOS installed, found from the RSDP in the F segment, as
// one hex line per table to test/golden/acpi/NAME.txt (test/machine/acpi/acpi-build.test.ts).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const qemu = process.env.QEMU ?? 'qemu-system-i386';
const out = path.join(root, 'test/golden/acpi');
fs.mkdirSync(out, { recursive: true });

const CASES = [
  { name: 'nodefaults', args: [] },
  { name: 'no-hpet', args: ['-no-hpet'] },
];

async function record({ name, args }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'acpi-'));
  const low = path.join(tmp, 'low.bin');
  const fseg = path.join(tmp, 'fseg.bin');
  // Below 128 MiB: SeaBIOS puts QEMU's 128 KiB table blob at the top of RAM.
  const child = spawn(qemu, ['-nodefaults', '-vga', 'std', '-display', 'none', '-m', '128', '-monitor', 'stdio', ...args], { stdio: ['pipe', 'ignore', 'inherit'] });
  await new Promise((r) => setTimeout(r, 8000));
  child.stdin.write(`pmemsave 0x7f00000 0x100000 "${low}"\npmemsave 0xf0000 0x10000 "${fseg}"\n`);
  await new Promise((r) => setTimeout(r, 2000));
  child.stdin.write('quit\n');
  await new Promise((r) => child.on('exit', r));
  const mem = fs.readFileSync(low);
  const f = fs.readFileSync(fseg);
  const at = (addr) => addr - 0x7f00000;
  const rsdpAt = f.indexOf('RSD PTR ');
  if (rsdpAt < 0) throw new Error(`${name}: no RSDP in the F segment`);
  const lines = [`RSDP ${f.subarray(rsdpAt, rsdpAt + 20).toString('hex')}`];
  const tableAt = (addr) => mem.subarray(at(addr), at(addr) + mem.readUInt32LE(at(addr) + 4));
  const rsdt = tableAt(f.readUInt32LE(rsdpAt + 16));
  lines.push(`RSDT ${rsdt.toString('hex')}`);
  for (let i = 36; i < rsdt.length; i += 4) {
    const t = tableAt(rsdt.readUInt32LE(i));
    lines.push(`${t.subarray(0, 4).toString('latin1')} ${t.toString('hex')}`);
    if (t.subarray(0, 4).toString('latin1') === 'FACP') {
      lines.push(`FACS ${tableAt(t.readUInt32LE(36)).toString('hex')}`);
      lines.push(`DSDT ${tableAt(t.readUInt32LE(40)).subarray(0, 36).toString('hex')}`); // header only
    }
  }
  fs.writeFileSync(path.join(out, `${name}.txt`), lines.join('\n') + '\n');
  fs.rmSync(tmp, { recursive: true });
  console.log(`record-golden-acpi: ${name}: ${lines.length} tables`);
}

for (const c of CASES) await record(c);
