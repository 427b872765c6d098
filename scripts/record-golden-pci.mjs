// record-golden-pci.mjs: record QEMU 7.2's side of the PCI/SeaBIOS checks into test/golden/pci:
// the configuration space of every pc function at reset and after SeaBIOS ran (read through
// 0xcf8/0xcfc from QMP's HMP `o`/`i`), `info pci`, and SeaBIOS's debug log (port 0x402) for
// the command line of test/machine/seabios.test.ts (also with -smp 2), and `info mtree` / `info mtree -f` in both states. Needs qemu-system-i386 and Debian's seabios.
// QEMU runs with smm=off: tcg86 has no SMM, and SeaBIOS's log is the same either way.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

const root = path.resolve(import.meta.dirname, '..');
const gold = path.join(root, 'test/golden/pci');
const qemu = process.env.QEMU ?? 'qemu-system-i386';
/** The functions of QEMU's pc with -nodefaults -vga std (devfn). */
const FUNCTIONS = [0x00, 0x08, 0x09, 0x0b, 0x10];
const BASE = ['-machine', 'pc,smm=off', '-nodefaults', '-vga', 'std', '-display', 'none'];

async function withQmp(args, fn) {
  const child = spawn(qemu, [...BASE, ...args, '-qmp', 'stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const reply = async () => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error('QEMU closed its QMP connection');
      const msg = JSON.parse(value);
      if ('error' in msg) throw new Error(`QMP error: ${JSON.stringify(msg.error)}`);
      if ('return' in msg) return msg.return;
    }
  };
  const send = (obj) => {
    child.stdin.write(JSON.stringify(obj) + '\n');
    return reply();
  };
  await lines.next();
  await send({ execute: 'qmp_capabilities' });
  const hmp = async (c) => (await send({ execute: 'human-monitor-command', arguments: { 'command-line': c } })).replace(/\r\n/g, '\n');
  try {
    return await fn(hmp);
  } finally {
    await send({ execute: 'quit' }).catch(() => {});
  }
}

async function dumpConfig(hmp) {
  const out = [];
  for (const devfn of FUNCTIONS) {
    const words = [];
    for (let r = 0; r < 256; r += 4) {
      await hmp(`o /w 0xcf8 0x${((0x80000000 | (devfn << 8) | r) >>> 0).toString(16)}`);
      words.push(parseInt((await hmp('i /w 0xcfc')).split('=')[1], 16).toString(16).padStart(8, '0'));
    }
    out.push(`${devfn.toString(16).padStart(2, '0')}: ${words.join(' ')}`);
  }
  return out.join('\n') + '\n';
}

const mtree = async (hmp) => `## info mtree\n${await hmp('info mtree')}## info mtree -f\n${await hmp('info mtree -f')}`;
const reset = await withQmp(['-S'], async (hmp) => ({ config: await dumpConfig(hmp), pci: await hmp('info pci'), mtree: await mtree(hmp) }));
fs.writeFileSync(path.join(gold, 'mtree-reset.txt'), reset.mtree);
fs.writeFileSync(path.join(gold, 'config-reset.txt'), reset.config);
fs.writeFileSync(path.join(gold, 'info-pci-reset.txt'), reset.pci);

// SeaBIOS ends at "No bootable device." and waits; its state is final after a few seconds.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-pci-'));
const log = path.join(tmp, 'seabios.log');
const booted = await withQmp(['-chardev', `file,id=seabios,path=${log}`, '-device', 'isa-debugcon,iobase=0x402,chardev=seabios'], async (hmp) => {
  for (let k = 0; k < 100 && !(fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('No bootable device.')); k++) {
    await new Promise((r) => setTimeout(r, 200));
  }
  await hmp('stop');
  return { config: await dumpConfig(hmp), pci: await hmp('info pci'), mtree: await mtree(hmp) };
});
fs.writeFileSync(path.join(gold, 'mtree-seabios.txt'), booted.mtree);
fs.writeFileSync(path.join(gold, 'config-seabios.txt'), booted.config);
fs.writeFileSync(path.join(gold, 'info-pci-seabios.txt'), booted.pci);
fs.copyFileSync(log, path.join(gold, 'seabios-nodefaults.log'));
// The same with -smp 2: SeaBIOS starts the AP (INIT-SIPI-SIPI) and lists both CPUs in its tables.
const log2 = path.join(tmp, 'seabios-smp2.log');
await withQmp(['-smp', '2', '-chardev', `file,id=seabios,path=${log2}`, '-device', 'isa-debugcon,iobase=0x402,chardev=seabios'], async () => {
  for (let k = 0; k < 100 && !(fs.existsSync(log2) && fs.readFileSync(log2, 'utf8').includes('No bootable device.')); k++) {
    await new Promise((r) => setTimeout(r, 200));
  }
});
fs.copyFileSync(log2, path.join(gold, 'seabios-smp2.log'));
fs.rmSync(tmp, { recursive: true });
const version = spawnSync(qemu, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
console.log(`record-golden-pci: ${version}: ${FUNCTIONS.length} functions, ${fs.readFileSync(path.join(gold, 'seabios-nodefaults.log'), 'utf8').split('\n').length} log lines`);
