// The I/O APIC at 0xfec00000 on the pc (QEMU's ioapic, version 0x20): its registers through
// IOREGSEL/IOWIN, edge and level pins delivered to the local APIC as interrupt messages,
// remote IRR held until the APIC's EOI broadcast, ISA IRQ 0 on pin 2, masked pins latching.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

function pc(): PcMachine {
  machine = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/demo.bin'), '-nodefaults', '-display', 'none']));
  const m = machine;
  m.memory.stl(0xfee000f0, 0x1ff); // local APIC software-enabled
  return m;
}

const ioRead = (m: PcMachine, reg: number) => (m.memory.stl(0xfec00000, reg), m.memory.ldl(0xfec00010));
const ioWrite = (m: PcMachine, reg: number, v: number) => (m.memory.stl(0xfec00000, reg), m.memory.stl(0xfec00010, v));
const apicIrr = (m: PcMachine, v: number) => (m.memory.ldl(0xfee00200 + (v >> 5) * 0x10) >>> (v & 31)) & 1;
const apicIsr = (m: PcMachine, v: number) => (m.memory.ldl(0xfee00100 + (v >> 5) * 0x10) >>> (v & 31)) & 1;

describe('I/O APIC', () => {
  it('has QEMU 7.2 reset values: ID 0, version 0x20 with 24 pins, every pin masked', () => {
    const m = pc();
    expect(ioRead(m, 0)).toBe(0);
    expect(ioRead(m, 1)).toBe(0x00170020);
    for (let pin = 0; pin < 24; pin++) expect(ioRead(m, 0x10 + 2 * pin)).toBe(0x10000);
    ioWrite(m, 0, 0x0f000000);
    expect(ioRead(m, 0)).toBe(0x0f000000);
  });

  it('an edge pin sends its vector to the local APIC; a masked pin latches until unmasked', () => {
    const m = pc();
    ioWrite(m, 0x10 + 2 * 4, 0x10041); // pin 4 (COM1's IRQ), vector 0x41, masked
    m.gsi[4]!.raise();
    expect(apicIrr(m, 0x41)).toBe(0);
    ioWrite(m, 0x10 + 2 * 4, 0x00041);
    expect(apicIrr(m, 0x41)).toBe(1);
    m.gsi[4]!.lower();
  });

  it('ISA IRQ 0 arrives on pin 2', () => {
    const m = pc();
    ioWrite(m, 0x10 + 2 * 2, 0x30);
    m.gsi[0]!.raise();
    expect(apicIrr(m, 0x30)).toBe(1);
  });

  it('a level pin holds remote IRR until the EOI, then delivers again while still high', () => {
    const m = pc();
    ioWrite(m, 0x10 + 2 * 10, 0x8050); // pin 10, level, vector 0x50
    m.gsi[10]!.raise();
    expect(apicIrr(m, 0x50)).toBe(1);
    expect(ioRead(m, 0x10 + 2 * 10) & 0x4000).toBe(0x4000);
    expect(m.apic!.acknowledge()).toBe(0x50);
    expect(apicIsr(m, 0x50)).toBe(1);
    m.memory.stl(0xfee000b0, 0); // EOI: broadcast, remote IRR cleared, the pin is still high
    m.clock.runExpired(); // re-delivery at the next instruction boundary
    expect(apicIrr(m, 0x50)).toBe(1);
    m.apic!.acknowledge();
    m.gsi[10]!.lower();
    m.memory.stl(0xfee000b0, 0);
    m.clock.runExpired();
    expect(ioRead(m, 0x10 + 2 * 10) & 0x4000).toBe(0);
    expect(apicIrr(m, 0x50)).toBe(0);
  });

  it('the EOI register (version 0x20) clears remote IRR for its vector', () => {
    const m = pc();
    ioWrite(m, 0x10 + 2 * 11, 0x18060); // masked after delivery below
    ioWrite(m, 0x10 + 2 * 11, 0x8060);
    m.gsi[11]!.raise();
    expect(ioRead(m, 0x10 + 2 * 11) & 0x4000).toBe(0x4000);
    m.gsi[11]!.lower();
    m.memory.stl(0xfec00040, 0x60);
    expect(ioRead(m, 0x10 + 2 * 11) & 0x4000).toBe(0);
  });
});
