// Bad input from the guest: seeded garbage written at every width to every configuration
// register of every device/function, BARs aimed at RAM, at each other, at the APIC and at the
// BIOS, with decoding switched on and off, and accesses through whatever got mapped. The host
// must never throw, the read-only identity registers must survive, and each BAR must sit
// exactly where its register and the command register say (QEMU's pci_bar_address rules).
import { afterEach, describe, expect, it } from 'vitest';
import type { PcMachine } from '../../../src/machine/pc.js';
import { PCI_BAR_UNMAPPED } from '../../../src/devices/pci/pci-regs.js';
import { cfgRead, cfgWrite, newPc } from './pci-helpers.js';

let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

/** xorshift32: the same garbage on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const TARGETS = [0, 0xa0000, 0xc0000, 0xfd000000, 0xfebf0000, 0xfec00000, 0xfee00000, 0xfffc0000, 0xfffff000, 0x1000, 0xffffffff];

describe('PCI configuration fuzz', () => {
  it.each([1, 2, 3, 4])('seed %i: no host exception, identities kept, BARs where their registers say', (seed) => {
    const m = newPc();
    machine = m;
    const next = rng(seed * 0x9e3779b9);
    const ids = new Map<number, number>();
    for (let devfn = 0; devfn < 256; devfn++) ids.set(devfn, cfgRead(m, devfn, 0));
    for (let round = 0; round < 6; round++) {
      for (let devfn = 0; devfn < 256; devfn++) {
        const present = ids.get(devfn) !== 0xffffffff;
        const writes = present ? 96 : 2;
        for (let k = 0; k < writes; k++) {
          const size = [1, 2, 4][next() % 3]!;
          const reg = next() & 0xff & ~(size - 1);
          // Garbage, or an address chosen to overlap something.
          const v = next() & 1 ? next() : TARGETS[next() % TARGETS.length]! | (next() & 0xf);
          cfgWrite(m, devfn, reg, v, size);
        }
        if (present && next() & 1) cfgWrite(m, devfn, 4, 0x0007, 2);
      }
      // Touch what is mapped now, through memory and I/O.
      for (const a of TARGETS) {
        m.memory.ldl(a);
        m.memory.stl(a, next());
      }
      for (let k = 0; k < 64; k++) m.io.stb(next() & 0xffff, next());
    }
    for (let devfn = 0; devfn < 256; devfn++) expect(cfgRead(m, devfn, 0), `devfn ${devfn}`).toBe(ids.get(devfn));
    for (const dev of m.pciBoard.bus.devices) {
      if (!dev) continue;
      dev.bars.forEach((bar, n) => {
        if (!bar) return;
        const want = dev.barAddress(n);
        expect(bar.addr, `${dev.name} BAR${n}`).toBe(want);
        expect(bar.region.container !== null, `${dev.name} BAR${n} mapped`).toBe(want !== PCI_BAR_UNMAPPED);
      });
    }
    m.reset();
  });
});
