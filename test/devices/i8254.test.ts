// The 8254 PIT and port 0x61: modes, access modes, latch and read-back, BCD, gate, and IRQ0
// edges scheduled at the exact times the 1.193182 MHz input gives.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/devices/clock.js';
import { I8254 } from '../../src/devices/i8254.js';
import { PcSpeakerPort } from '../../src/devices/pcspk.js';
import { IrqLine } from '../../src/devices/irq.js';
import { ioSpace } from './io-space.js';

const F = 1193182;
/** The real time of PIT tick n after a load at 0, in ns (not rounded). */
const tickNs = (n: number) => (n * 1e9) / F;

function setup() {
  const io = ioSpace();
  const clock = new VirtualClock();
  const edges: Array<[number, boolean]> = [];
  const irq0 = new IrqLine((l) => edges.push([clock.nowNs, l]));
  const pit = new I8254(io.sys, clock, irq0);
  pit.map(io.root);
  const spk = new PcSpeakerPort(io.sys, pit);
  spk.map(io.root);
  return { io, clock, pit, edges };
}

const rising = (edges: Array<[number, boolean]>) => {
  const r: number[] = [];
  for (let i = 0; i < edges.length; i++) if (edges[i]![1] && (i === 0 || !edges[i - 1]![1])) r.push(edges[i]![0]);
  return r;
};

describe('i8254', () => {
  it('after reset channel 0 runs mode 3 / 65536: first rising edge at 65536 ticks (18.2 Hz)', () => {
    const { clock, edges } = setup();
    expect(edges).toEqual([]); // no edge at power-on
    expect(clock.nextDeadlineNs()).toBeCloseTo(tickNs(32768), -1);
    clock.runUntil(60_000_000);
    expect(edges.map((e) => e[1])).toEqual([false, true]);
    expect(Math.abs(edges[1]![0] - tickNs(65536))).toBeLessThanOrEqual(1);
  });

  it('mode 2 with count 1193 gives 1000 rising edges in one second, one timer event per edge', () => {
    const { io, clock, edges } = setup();
    io.outb(0x43, 0x34);
    io.outb(0x40, 1193 & 0xff);
    io.outb(0x40, 1193 >> 8);
    edges.length = 0;
    const events = clock.runUntil(1e9);
    expect(rising(edges).length).toBe(Math.floor(F / 1193));
    // Each period has one high and one low transition: two timer events, no polling.
    expect(events).toBeLessThanOrEqual(2 * 1001);
    const r = rising(edges);
    expect(Math.abs(r[9]! - tickNs(10 * 1193))).toBeLessThanOrEqual(1);
  });

  it('mode 0: OUT low until the count expires, then high once; no more timers', () => {
    const { io, clock, pit, edges } = setup();
    io.outb(0x43, 0x30);
    io.outb(0x40, 100);
    io.outb(0x40, 0);
    expect(pit.channels[0].getOut()).toBe(false);
    clock.runUntil(Math.floor(tickNs(100)) - 1);
    expect(pit.channels[0].getOut()).toBe(false);
    clock.runUntil(Math.ceil(tickNs(100)) + 1);
    expect(edges.at(-1)![1]).toBe(true);
    expect(clock.nextDeadlineNs()).toBe(Infinity);
  });

  it('mode 4 (software strobe) pulses OUT low for one tick at terminal count', () => {
    const { io, clock, edges } = setup();
    io.outb(0x43, 0x38);
    io.outb(0x40, 50);
    io.outb(0x40, 0);
    edges.length = 0;
    clock.runUntil(1e6);
    expect(edges.map((e) => e[1])).toEqual([false, true]);
    expect(Math.abs(edges[0]![0] - tickNs(50))).toBeLessThanOrEqual(1);
    expect(Math.abs(edges[1]![0] - tickNs(51))).toBeLessThanOrEqual(1);
  });

  it('counter latch freezes the count until both bytes are read', () => {
    const { io, clock } = setup();
    io.outb(0x43, 0x34);
    io.outb(0x40, 1000 & 0xff);
    io.outb(0x40, 1000 >> 8);
    clock.advanceTo(Math.ceil(tickNs(250)));
    io.outb(0x43, 0x00);
    clock.advanceTo(Math.ceil(tickNs(400)));
    const lo = io.inb(0x40);
    const hi = io.inb(0x40);
    expect(lo | (hi << 8)).toBe(750);
    // Unlatched reads now follow the counter.
    expect(io.inb(0x40) | (io.inb(0x40) << 8)).toBe(600);
  });

  it('before the first control word (access 0, as on QEMU): latches are ignored, one byte loads the count', () => {
    const { io, clock, pit } = setup();
    io.outb(0x43, 0xe2); // read-back status, channel 0
    expect(io.inb(0x40) & 0x3f).toBe(0x06); // access 0, mode 3, binary
    clock.advanceTo(Math.ceil(tickNs(300)));
    io.outb(0x43, 0x00); // counter latch: nothing to latch with access 0
    expect(pit.channels[0].countLatched).toBe(0);
    // Reads give the live count's low byte every time (mode 3 counts by two).
    expect(io.inb(0x40)).toBe((0x10000 - 600) & 0xff);
    expect(io.inb(0x40)).toBe((0x10000 - 600) & 0xff);
    io.outb(0x41, 0x34); // channel 1 takes a one-byte count
    expect(pit.channels[1].count).toBe(0x34);
  });

  it('mode 3 with count 1 keeps OUT high and arms no timer; mode 2 the same', () => {
    for (const control of [0x36, 0x34]) {
      const { io, clock, pit, edges } = setup();
      io.outb(0x43, control);
      io.outb(0x40, 1);
      io.outb(0x40, 0);
      expect(pit.channels[0].getOut()).toBe(true);
      expect(clock.nextDeadlineNs()).toBe(Infinity);
      clock.runUntil(1e6);
      expect(rising(edges)).toHaveLength(1); // the one at the load
    }
  });

  it('LSB-only and MSB-only access modes', () => {
    const { io, pit } = setup();
    io.outb(0x43, 0x50); // channel 1, LSB only, mode 0
    io.outb(0x41, 0x50);
    expect(pit.channels[1].count).toBe(0x50);
    io.outb(0x43, 0x60); // channel 1, MSB only
    io.outb(0x41, 0x02);
    expect(pit.channels[1].count).toBe(0x200);
    expect(io.inb(0x41)).toBe(0x02);
  });

  it('read-back returns status (OUT, null count, access, mode, BCD) then the count', () => {
    const { io, clock } = setup();
    io.outb(0x43, 0xb6); // channel 2, word, mode 3, binary
    io.outb(0x43, 0xe8); // read-back status only, channel 2
    expect(io.inb(0x42) & 0x7f).toBe(0x40 | 0x36); // null count: no count written yet
    io.outb(0x42, 0x00);
    io.outb(0x42, 0x10); // 0x1000
    io.outb(0x43, 0xc8); // latch count and status of channel 2
    const st = io.inb(0x42);
    expect(st).toBe(0x80 | 0x36); // mode 3 OUT is high in the first half period
    expect(io.inb(0x42) | (io.inb(0x42) << 8)).toBe(0x1000);
    clock.advanceTo(Math.ceil(tickNs(0x900)));
    io.outb(0x43, 0xe8);
    expect(io.inb(0x42) & 0x80).toBe(0); // second half: OUT low
  });

  it('BCD counting: 1000 decimal counts down as BCD digits', () => {
    const { io, clock } = setup();
    io.outb(0x43, 0x71); // channel 1, word, mode 0, BCD
    io.outb(0x41, 0x00);
    io.outb(0x41, 0x10); // BCD 1000
    clock.advanceTo(Math.ceil(tickNs(11)));
    io.outb(0x43, 0x40);
    expect(io.inb(0x41) | (io.inb(0x41) << 8)).toBe(0x0989);
  });

  it('port 0x61: gate and data bits, refresh toggle, channel 2 OUT in bit 5', () => {
    const { io, clock } = setup();
    io.outb(0x61, 0x01); // gate on, speaker data off
    io.outb(0x43, 0xb0); // channel 2, word, mode 0
    io.outb(0x42, 0xe8);
    io.outb(0x42, 0x03); // 1000 ticks
    const a = io.inb(0x61);
    const b = io.inb(0x61);
    expect(a & 0x03).toBe(0x01);
    expect((a ^ b) & 0x10).toBe(0x10);
    expect(a & 0x20).toBe(0);
    clock.advanceTo(Math.ceil(tickNs(1000)));
    expect(io.inb(0x61) & 0x20).toBe(0x20);
    io.outb(0x61, 0x03);
    expect(io.inb(0x61) & 0x03).toBe(0x03);
  });

  it('mode 2: OUT high, low for the clock where the counter is 1 (read through port 0x61)', () => {
    const { io, clock } = setup();
    io.outb(0x61, 0x01);
    io.outb(0x43, 0xb4); // channel 2, word, mode 2
    io.outb(0x42, 10);
    io.outb(0x42, 0);
    clock.advanceTo(Math.ceil(tickNs(8)));
    expect(io.inb(0x61) & 0x20).toBe(0x20); // counter 2
    clock.advanceTo(Math.ceil(tickNs(9)));
    expect(io.inb(0x61) & 0x20).toBe(0); // counter 1
    clock.advanceTo(Math.ceil(tickNs(10)));
    expect(io.inb(0x61) & 0x20).toBe(0x20); // reloaded
  });

  it('mode 1 waits for the gate trigger, then OUT is low for count ticks', () => {
    const { io, clock } = setup();
    io.outb(0x61, 0x00);
    io.outb(0x43, 0xb2); // channel 2, word, mode 1
    io.outb(0x42, 20);
    io.outb(0x42, 0);
    clock.advanceTo(Math.ceil(tickNs(50)));
    expect(io.inb(0x61) & 0x20).toBe(0x20); // not triggered: idle high
    io.outb(0x61, 0x01); // trigger at tick 50
    expect(io.inb(0x61) & 0x20).toBe(0);
    clock.advanceTo(Math.ceil(tickNs(50 + 19)) + 1);
    expect(io.inb(0x61) & 0x20).toBe(0);
    clock.advanceTo(Math.ceil(tickNs(50 + 20)) + 1);
    expect(io.inb(0x61) & 0x20).toBe(0x20);
  });

  it('a rising gate restarts a mode 3 count (channel 2)', () => {
    const { io, clock, pit } = setup();
    io.outb(0x61, 0x00);
    io.outb(0x43, 0xb6);
    io.outb(0x42, 100);
    io.outb(0x42, 0);
    clock.advanceTo(Math.ceil(tickNs(30)));
    expect(io.inb(0x42) | (io.inb(0x42) << 8)).toBe(40); // counts by two in mode 3
    io.outb(0x61, 0x01);
    expect(pit.channels[2].gate).toBe(true);
    expect(io.inb(0x42) | (io.inb(0x42) << 8)).toBe(100);
  });
});
