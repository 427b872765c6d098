// The pc's PCI functions seen through configuration mechanism #1 (0xcf8/0xcfc): every
// register of 00:00.0, 00:01.0, 00:01.1, 00:01.3 and 00:02.0 at reset against QEMU 7.2's
// (test/golden/pci/config-reset.txt, scripts/record-golden-pci.mjs), the wmask/w1cmask rules,
// byte and word accesses, absent functions, and BAR sizing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPciInfo } from '../../../src/devices/pci/pci-info.js';
import type { PcMachine } from '../../../src/machine/pc.js';
import { cfgRead, cfgWrite, dumpConfig, newPc, readDump } from './pci-helpers.js';

const GOLD = path.resolve(import.meta.dirname, '../../golden/pci');

let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

function pcWithPci(...extra: string[]): PcMachine {
  machine = newPc(...extra);
  return machine;
}

describe('PCI configuration space at reset', () => {
  const golden = readDump('config-reset.txt');
  it.each([...golden.keys()].map((d) => [d.toString(16)]))('devfn %s matches QEMU 7.2', (fn) => {
    const m = pcWithPci();
    const devfn = parseInt(fn, 16);
    const ours = dumpConfig(m, devfn).map((v) => v.toString(16).padStart(8, '0'));
    expect(ours).toEqual(golden.get(devfn)!.map((v) => v.toString(16).padStart(8, '0')));
  });
});

describe('info pci', () => {
  it('prints what QEMU 7.2 prints at reset (test/golden/pci/info-pci-reset.txt)', () => {
    const m = pcWithPci();
    expect(formatPciInfo(m.pciBoard.bus)).toBe(fs.readFileSync(path.join(GOLD, 'info-pci-reset.txt'), 'utf8'));
  });
});

describe('configuration mechanism #1', () => {
  it('reads the address register back, and only as a dword', () => {
    const m = pcWithPci();
    m.io.stl(0xcf8, 0x80000810);
    expect(m.io.ldl(0xcf8)).toBe(0x80000810);
    expect(m.io.ldub(0xcf8)).toBe(0xff);
    // A byte write at 0xcf8 does not change it (QEMU: only 4-byte accesses at 0xcf8).
    m.io.stb(0xcf8, 0x12);
    expect(m.io.ldl(0xcf8)).toBe(0x80000810);
  });

  it('reads all-ones with bit 31 clear, from absent functions and from other buses', () => {
    const m = pcWithPci();
    m.io.stl(0xcf8, 0x00000000);
    expect(m.io.ldl(0xcfc)).toBe(0xffffffff);
    expect(cfgRead(m, 0x18, 0)).toBe(0xffffffff); // 00:03.0
    expect(cfgRead(m, 0x0a, 0)).toBe(0xffffffff); // 00:01.2
    m.io.stl(0xcf8, 0x80010000); // bus 1
    expect(m.io.ldl(0xcfc)).toBe(0xffffffff);
    expect(cfgRead(m, 0x08, 0, 2)).toBe(0x8086);
    expect(cfgRead(m, 0x08, 2, 2)).toBe(0x7000);
    expect(cfgRead(m, 0x08, 0x0e, 1)).toBe(0x80);
  });

  it('applies wmask and w1cmask: read-only ids, writable command bits, write-1-to-clear status', () => {
    const m = pcWithPci();
    cfgWrite(m, 0x10, 0, 0);
    expect(cfgRead(m, 0x10, 0)).toBe(0x11111234);
    cfgWrite(m, 0x10, 4, 0xffff, 2);
    // IO, MEMORY, MASTER, PARITY, SERR, INTX_DISABLE
    expect(cfgRead(m, 0x10, 4, 2)).toBe(0x0547);
    cfgWrite(m, 0x10, 4, 0, 2);
    // The IDE's status (fast back-to-back, DEVSEL medium) is read-only; writing ones clears nothing.
    cfgWrite(m, 0x09, 6, 0xffff, 2);
    expect(cfgRead(m, 0x09, 6, 2)).toBe(0x0280);
    // Device-specific registers are writable byte by byte.
    cfgWrite(m, 0x08, 0x61, 0x0b, 1);
    expect(cfgRead(m, 0x08, 0x60)).toBe(0x80800b80);
  });

  it('sizes BARs the way firmware does: all-ones in, size mask out', () => {
    const m = pcWithPci();
    const sizes: [number, number, number][] = [
      [0x10, 0x10, 0xff000008], // VGA BAR0: 16 MiB prefetchable
      [0x10, 0x18, 0xfffff000], // VGA BAR2: 4 KiB mmio
      [0x10, 0x30, 0xffff0001], // VGA ROM: 64 KiB, enable bit writable
      [0x09, 0x20, 0xfffffff1], // IDE BAR4: 16 I/O ports
      [0x10, 0x14, 0x00000000], // no BAR1
    ];
    for (const [devfn, reg, mask] of sizes) {
      cfgWrite(m, devfn, reg, 0xffffffff);
      expect(cfgRead(m, devfn, reg).toString(16), `${devfn}:${reg}`).toBe(mask.toString(16));
    }
  });
});
