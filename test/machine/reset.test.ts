// A system reset resets the devices as QEMU's qemu_system_reset does, not only the CPU: the PIT
// channels go back to mode 3 with count 0x10000, the RTC drops its periodic/alarm/square-wave
// enables, interrupt flags and shutdown status (keeping the time and a 0xfe suspend marker),
// and the UARTs lose their settings.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

function pc(): PcMachine {
  machine = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/demo.bin'), '-display', 'none', '-serial', 'null', '-monitor', 'none']));
  return machine;
}

const cmos = (m: PcMachine, index: number) => {
  m.io.stb(0x70, index);
  return m.io.ldub(0x71);
};
const setCmos = (m: PcMachine, index: number, v: number) => {
  m.io.stb(0x70, index);
  m.io.stb(0x71, v);
};
/** PIT read-back of channel n's status byte. */
const pitStatus = (m: PcMachine, n: number) => {
  m.io.stb(0x43, 0xe0 | (2 << n)); // latch status only
  return m.io.ldub(0x40 + n);
};

describe('system reset', () => {
  it('the PIT returns to mode 3 with a full count on every channel', () => {
    const m = pc();
    m.io.stb(0x43, 0x30); // channel 0: lobyte/hibyte, mode 0
    m.io.stb(0x40, 5);
    m.io.stb(0x40, 0);
    m.io.stb(0x43, 0xb2); // channel 2: lobyte/hibyte, mode 1
    expect(pitStatus(m, 0) & 0x0e).toBe(0 << 1);
    expect(pitStatus(m, 2) & 0x0e).toBe(1 << 1);
    m.reset();
    expect(pitStatus(m, 0) & 0x0e).toBe(3 << 1);
    expect(pitStatus(m, 2) & 0x0e).toBe(3 << 1);
    m.io.stb(0x43, 0x00); // latch channel 0's count: counting down from 0x10000
    const count = m.io.ldub(0x40) | (m.io.ldub(0x40) << 8);
    expect(count === 0 || count > 0xff00).toBe(true);
  });

  it('the RTC clears PIE/AIE/SQWE, the interrupt flags and the shutdown byte, and keeps UIE and the time', () => {
    const m = pc();
    const seconds = cmos(m, 0x00);
    setCmos(m, 0x0b, 0x02 | 0x40 | 0x20 | 0x10 | 0x08); // 24h, PIE, AIE, UIE, SQWE
    setCmos(m, 0x0f, 0x0a);
    m.reset();
    expect(cmos(m, 0x0b)).toBe(0x02 | 0x10);
    expect(cmos(m, 0x0c) & 0xf0).toBe(0);
    expect(cmos(m, 0x0f)).toBe(0);
    expect(cmos(m, 0x00)).toBe(seconds);
    setCmos(m, 0x0f, 0xfe); // a guest's suspend marker survives
    m.reset();
    expect(cmos(m, 0x0f)).toBe(0xfe);
  });

  it('the UARTs lose their settings', () => {
    const m = pc();
    m.io.stb(0x3f9, 0x0f); // IER
    m.io.stb(0x3fb, 0x03); // LCR: 8N1
    m.io.stb(0x3ff, 0x5a); // scratch
    m.reset();
    expect(m.io.ldub(0x3f9)).toBe(0);
    expect(m.io.ldub(0x3fb)).toBe(0);
    expect(m.io.ldub(0x3ff)).toBe(0);
  });
});
