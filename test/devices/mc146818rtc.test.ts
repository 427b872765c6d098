// MC146818 RTC/CMOS: time keeping from a fixed base, formats, setting the time, UIP, the
// periodic / alarm / update-ended interrupts on IRQ8, register C, NMI mask and CMOS bytes.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/devices/clock.js';
import { IrqLine } from '../../src/devices/irq.js';
import { Mc146818Rtc } from '../../src/devices/mc146818rtc.js';
import { ioSpace } from './io-space.js';

function setup(baseTime?: number) {
  const io = ioSpace();
  const clock = new VirtualClock();
  const levels: Array<[number, boolean]> = [];
  const irq = new IrqLine((l) => levels.push([clock.nowNs, l]));
  const nmi: boolean[] = [];
  const rtc = new Mc146818Rtc(io.sys, clock, irq, { baseTime, onNmiMask: (m) => nmi.push(m) });
  rtc.map(io.root);
  const rd = (i: number) => {
    io.outb(0x70, i);
    return io.inb(0x71);
  };
  const wr = (i: number, v: number) => {
    io.outb(0x70, i);
    io.outb(0x71, v);
  };
  return { io, clock, rtc, irq, levels, nmi, rd, wr };
}

const S = 1e9;

describe('mc146818rtc', () => {
  it('starts at the fixed default base 2000-01-01 00:00:00 (a Saturday) in BCD 24h', () => {
    const { rd } = setup();
    expect([0, 2, 4, 6, 7, 8, 9, 0x32].map(rd)).toEqual([0, 0, 0, 7, 1, 1, 0, 0x20]);
    expect(rd(0x0a)).toBe(0x26);
    expect(rd(0x0b)).toBe(0x02);
    expect(rd(0x0d)).toBe(0x80);
  });

  it('advances with the virtual clock', () => {
    const { clock, rd } = setup();
    clock.advanceTo(3725.5 * S);
    expect([rd(4), rd(2), rd(0)]).toEqual([0x01, 0x02, 0x05]);
    clock.advanceTo(86400 * S);
    expect([rd(7), rd(6), rd(4)]).toEqual([0x02, 1, 0x00]); // Sunday the 2nd
  });

  it('binary mode and 12-hour mode with the PM bit', () => {
    const { clock, rd, wr } = setup(Date.UTC(2024, 5, 15, 13, 5, 0) / 1000);
    clock.advanceTo(59 * S);
    expect(rd(0)).toBe(0x59);
    wr(0x0b, 0x06); // binary, 24h
    expect(rd(0)).toBe(59);
    expect(rd(9)).toBe(24);
    wr(0x0b, 0x00); // BCD, 12h
    expect(rd(4)).toBe(0x81); // 1 PM
    expect(rd(2)).toBe(0x05);
  });

  it('12-hour midnight reads 12 AM', () => {
    const { rd, wr } = setup();
    wr(0x0b, 0x00);
    expect(rd(4)).toBe(0x12);
  });

  it('the guest sets the time under SET and it runs from there; the date rolls over', () => {
    const { clock, rd, wr } = setup();
    clock.advanceTo(10.25 * S);
    wr(0x0b, 0x82);
    for (const [i, v] of [
      [0x32, 0x20],
      [9, 0x23],
      [8, 0x12],
      [7, 0x31],
      [4, 0x23],
      [2, 0x59],
      [0, 0x58],
    ] as const)
      wr(i, v);
    clock.advanceTo(20 * S);
    expect(rd(0)).toBe(0x58); // frozen while SET
    wr(0x0b, 0x02);
    clock.advanceTo(23.5 * S);
    expect([rd(0x32), rd(9), rd(8), rd(7), rd(6), rd(4), rd(2), rd(0)]).toEqual([0x20, 0x24, 1, 1, 2, 0, 0, 0x01]);
  });

  it('UIP is set in the 244 us before each update and never while SET', () => {
    const { clock, rd, wr } = setup();
    clock.advanceTo(0.5 * S);
    expect(rd(0x0a) & 0x80).toBe(0);
    clock.advanceTo(S - 100_000);
    expect(rd(0x0a) & 0x80).toBe(0x80);
    clock.advanceTo(S + 10);
    expect(rd(0x0a) & 0x80).toBe(0);
    clock.advanceTo(2 * S - 100_000);
    wr(0x0b, 0x82);
    expect(rd(0x0a) & 0x80).toBe(0);
  });

  it('periodic interrupt at 1024 Hz (rate 6): IRQ8 high until register C is read', () => {
    const { clock, rd, wr, irq } = setup();
    wr(0x0b, 0x42); // PIE
    expect(clock.nextDeadlineNs()).toBe(Math.ceil(S / 1024));
    let n = 0;
    while (clock.nextDeadlineNs() <= S) {
      clock.runUntil(clock.nextDeadlineNs());
      if (irq.level) {
        expect(rd(0x0c) & 0xc0).toBe(0xc0);
        expect(irq.level).toBe(false);
        n++;
      }
    }
    expect(n).toBe(1024);
  });

  it('rate 15 gives 2 Hz; rates 1 and 2 behave as 8 and 9', () => {
    const { clock, wr } = setup();
    wr(0x0a, 0x2f);
    wr(0x0b, 0x42);
    expect(clock.nextDeadlineNs()).toBe(S / 2);
    wr(0x0a, 0x21);
    expect(clock.nextDeadlineNs()).toBe(Math.ceil(S / 256));
  });

  it('update-ended interrupt once per second', () => {
    const { clock, rd, wr, levels } = setup();
    wr(0x0b, 0x12); // UIE
    clock.runUntil(S - 1);
    expect(levels.filter((l) => l[1])).toEqual([]);
    clock.runUntil(S);
    expect(levels.at(-1)).toEqual([S, true]);
    // PF is set at the periodic rate whatever PIE says (datasheet; QEMU only sets it with PIE).
    expect(rd(0x0c)).toBe(0xd0);
    expect(rd(0)).toBe(0x01);
  });

  it('alarm interrupt at the matching time, with "don\'t care" fields', () => {
    const { clock, rd, wr, irq } = setup();
    wr(1, 0x05);
    wr(3, 0x00);
    wr(5, 0x00);
    wr(0x0b, 0x22); // AIE
    clock.runUntil(4.9 * S);
    rd(0x0c);
    expect(irq.level).toBe(false);
    clock.runUntil(5 * S);
    expect(irq.level).toBe(true);
    expect(rd(0x0c)).toBe(0xf0); // IRQF | PF | AF | UF: PF and UF are set whatever the enables
    wr(1, 0x00);
    wr(3, 0xc0); // any minute, second 0: next at 00:01:00
    clock.runUntil(59 * S);
    expect(rd(0x0c) & 0x20).toBe(0);
    clock.runUntil(60 * S);
    expect(rd(0x0c) & 0xa0).toBe(0xa0);
  });

  it('flags are set without their interrupts enabled, and an enable raises IRQ8 at once', () => {
    const { clock, rd, wr, levels, irq } = setup();
    clock.advanceTo(2 * S);
    expect(levels.filter((l) => l[1])).toEqual([]);
    expect(clock.nextDeadlineNs()).toBe(Infinity); // no timers for disabled interrupts
    clock.advanceTo(3 * S);
    wr(0x0b, 0x12);
    expect(irq.level).toBe(true);
    expect(rd(0x0c)).toBe(0xd0); // IRQF | PF | UF
    expect(rd(0x0c)).toBe(0x00);
  });

  it('port 0x70 bit 7 is the NMI mask; index reads float; C and D are read-only', () => {
    const { io, rtc, nmi, rd, wr } = setup();
    io.outb(0x70, 0x8f);
    expect(rtc.nmiMasked).toBe(true);
    expect(rtc.index).toBe(0x0f);
    io.outb(0x70, 0x0f);
    expect(nmi).toEqual([true, false]);
    expect(io.inb(0x70)).toBe(0xff);
    wr(0x0d, 0x00);
    expect(rd(0x0d)).toBe(0x80);
    wr(0x0c, 0xff);
    expect(rd(0x0c)).toBe(0x00);
  });

  it('CMOS bytes: setCmos for the machine, and ordinary guest reads/writes', () => {
    const { rtc, rd, wr } = setup();
    rtc.setCmos(0x15, 0x80);
    rtc.setCmos(0x16, 0x02);
    expect([rd(0x15), rd(0x16)]).toEqual([0x80, 0x02]);
    wr(0x7f, 0xa5);
    expect(rtc.getCmos(0x7f)).toBe(0xa5);
  });

  it('divider reset stops the clock; leaving it, the first update comes 500 ms later', () => {
    const { clock, rd, wr } = setup();
    clock.advanceTo(1.2 * S);
    wr(0x0a, 0x76); // divider reset
    clock.advanceTo(5 * S);
    expect(rd(0)).toBe(0x01);
    wr(0x0a, 0x26);
    clock.advanceTo(5.49 * S);
    expect(rd(0)).toBe(0x01);
    clock.advanceTo(5.5 * S);
    expect(rd(0)).toBe(0x02);
  });
});
