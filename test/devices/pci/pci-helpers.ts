// Test helpers for the pc's PCI functions: configuration mechanism #1 accesses through the
// I/O space, and QEMU's recorded configuration dumps (test/golden/pci).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../../../src/cli/args.js';
import { PcMachine } from '../../../src/machine/pc.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const GOLD = path.join(ROOT, 'test/golden/pci');

/** A pc with QEMU's -nodefaults -vga std devices, running the demo ROM. */
export function newPc(...extra: string[]): PcMachine {
  return new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/demo.bin'), '-nodefaults', '-vga', 'std', '-display', 'none', ...extra]));
}

export const addr = (devfn: number, reg: number) => (0x80000000 | (devfn << 8) | reg) >>> 0;

export function cfgRead(m: PcMachine, devfn: number, reg: number, size = 4): number {
  m.io.stl(0xcf8, addr(devfn, reg & 0xfc));
  const port = 0xcfc + (reg & 3);
  return size === 1 ? m.io.ldub(port) : size === 2 ? m.io.lduw(port) : m.io.ldl(port);
}

export function cfgWrite(m: PcMachine, devfn: number, reg: number, value: number, size = 4): void {
  m.io.stl(0xcf8, addr(devfn, reg & 0xfc));
  const port = 0xcfc + (reg & 3);
  if (size === 1) m.io.stb(port, value);
  else if (size === 2) m.io.stw(port, value);
  else m.io.stl(port, value);
}

/** Golden dumps: "devfn: 64 dwords" per line. */
export function readDump(name: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const line of fs.readFileSync(path.join(GOLD, name), 'utf8').trim().split('\n')) {
    const [fn, words] = line.split(': ') as [string, string];
    out.set(parseInt(fn, 16), words.split(' ').map((w) => parseInt(w, 16)));
  }
  return out;
}

export function dumpConfig(m: PcMachine, devfn: number): number[] {
  return Array.from({ length: 64 }, (_, i) => cfgRead(m, devfn, i * 4));
}

