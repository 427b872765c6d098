// The 8259A pair: initialisation, priorities, EOIs, masks, cascade, triggering, poll,
// special mask mode and spurious interrupts, as the 8259A datasheet describes them.
import { describe, expect, it } from 'vitest';
import { I8259 } from '../../src/devices/i8259.js';
import { IrqLine } from '../../src/devices/irq.js';
import { ioSpace } from './io-space.js';

/** The BIOS's standard programming: vectors 0x08 / 0x70, cascade on IRQ2, 8086 mode. */
function setup(icw4 = 0x01) {
  const io = ioSpace();
  const levels: boolean[] = [];
  const pic = new I8259(io.sys, new IrqLine((l) => levels.push(l)));
  pic.map(io.root);
  io.outb(0x20, 0x11);
  io.outb(0x21, 0x08);
  io.outb(0x21, 0x04);
  io.outb(0x21, icw4);
  io.outb(0xa0, 0x11);
  io.outb(0xa1, 0x70);
  io.outb(0xa1, 0x02);
  io.outb(0xa1, icw4);
  const isr = (port: number) => {
    io.outb(port, 0x0b);
    return io.inb(port);
  };
  const irr = (port: number) => {
    io.outb(port, 0x0a);
    return io.inb(port);
  };
  return { io, pic, levels, isr, irr };
}

describe('i8259', () => {
  it('delivers an edge IRQ0 as vector 8, with ISR set and IRR cleared until EOI', () => {
    const { io, pic, levels, isr, irr } = setup();
    expect(pic.hasInterrupt()).toBe(false);
    pic.irqs[0]!.raise();
    expect(pic.hasInterrupt()).toBe(true);
    expect(levels.at(-1)).toBe(true);
    expect(irr(0x20)).toBe(0x01);
    expect(pic.acknowledge()).toBe(0x08);
    expect(pic.hasInterrupt()).toBe(false);
    expect(levels.at(-1)).toBe(false);
    expect(isr(0x20)).toBe(0x01);
    expect(irr(0x20)).toBe(0x00);
    io.outb(0x20, 0x20); // non-specific EOI
    expect(isr(0x20)).toBe(0x00);
  });

  it('edge inputs latch only rising edges', () => {
    const { io, pic } = setup();
    pic.irqs[1]!.raise();
    pic.acknowledge();
    io.outb(0x20, 0x20);
    pic.irqs[1]!.raise(); // still high: no new edge
    expect(pic.hasInterrupt()).toBe(false);
    pic.irqs[1]!.lower();
    pic.irqs[1]!.raise();
    expect(pic.hasInterrupt()).toBe(true);
  });

  it('fixed priority: IRQ0 before IRQ1; in-service blocks lower, not higher, priorities', () => {
    const { io, pic, isr } = setup();
    pic.irqs[3]!.raise();
    expect(pic.acknowledge()).toBe(0x0b);
    pic.irqs[4]!.raise();
    expect(pic.hasInterrupt()).toBe(false); // IRQ3 in service blocks IRQ4
    pic.irqs[1]!.raise();
    pic.irqs[0]!.raise();
    expect(pic.acknowledge()).toBe(0x08);
    expect(isr(0x20)).toBe(0x09);
    io.outb(0x20, 0x20); // clears the highest in service: IRQ0
    expect(isr(0x20)).toBe(0x08);
    expect(pic.acknowledge()).toBe(0x09);
    io.outb(0x20, 0x63); // specific EOI for IRQ3 while IRQ1 is in service
    expect(isr(0x20)).toBe(0x02);
    io.outb(0x20, 0x20);
    expect(pic.acknowledge()).toBe(0x0c);
  });

  it('OCW1 masks requests (IRR still records them) and reads back', () => {
    const { io, pic, irr } = setup();
    io.outb(0x21, 0xfc); // mask all but IRQ0 and IRQ1
    expect(io.inb(0x21)).toBe(0xfc);
    pic.irqs[5]!.raise();
    expect(pic.hasInterrupt()).toBe(false);
    expect(irr(0x20)).toBe(0x20);
    io.outb(0x21, 0x00);
    expect(pic.acknowledge()).toBe(0x0d);
  });

  it('cascade: IRQ9 arrives as vector 0x71 with master IRQ2 and slave IRQ1 in service', () => {
    const { io, pic, isr } = setup();
    pic.irqs[9]!.raise();
    expect(pic.hasInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x71);
    expect(isr(0x20)).toBe(0x04);
    expect(isr(0xa0)).toBe(0x02);
    pic.irqs[0]!.raise();
    expect(pic.acknowledge()).toBe(0x08); // IRQ0 outranks the cascade in service
    io.outb(0x20, 0x20);
    io.outb(0xa0, 0x20);
    io.outb(0x20, 0x20);
    expect(isr(0x20)).toBe(0);
    expect(isr(0xa0)).toBe(0);
  });

  it('ELCR: level-triggered inputs stay requested while high; masks 0xf8 / 0xde', () => {
    const { io, pic, irr } = setup();
    io.outb(0x4d0, 0xff);
    io.outb(0x4d1, 0xff);
    expect(io.inb(0x4d0)).toBe(0xf8);
    expect(io.inb(0x4d1)).toBe(0xde);
    io.outb(0x4d0, 0x20); // IRQ5 level
    pic.irqs[5]!.raise();
    expect(pic.acknowledge()).toBe(0x0d);
    expect(irr(0x20)).toBe(0x20); // not cleared by INTA
    io.outb(0x20, 0x20);
    expect(pic.hasInterrupt()).toBe(true); // still high: asks again
    pic.irqs[5]!.lower();
    expect(pic.hasInterrupt()).toBe(false);
    expect(irr(0x20)).toBe(0);
  });

  it('a request that goes away before INTA gives spurious IRQ7 (master) or IRQ15 (slave)', () => {
    const { io, pic, isr } = setup();
    io.outb(0x4d0, 0x20);
    pic.irqs[5]!.raise();
    pic.irqs[5]!.lower();
    expect(pic.acknowledge()).toBe(0x0f);
    expect(isr(0x20)).toBe(0); // no ISR bit for a spurious IRQ7
    // Slave: the request vanishes after the master saw its cascade input rise (edge latched).
    io.outb(0x4d1, 0x04); // IRQ10 level
    pic.irqs[10]!.raise();
    pic.irqs[10]!.lower(); // the slave drops its request; the master's latched edge remains
    expect(pic.acknowledge()).toBe(0x77);
    expect(isr(0xa0)).toBe(0);
    expect(isr(0x20)).toBe(0x04); // the master did acknowledge its cascade input
  });

  it('auto-EOI mode leaves ISR clear', () => {
    const { pic, isr } = setup(0x03);
    pic.irqs[4]!.raise();
    expect(pic.acknowledge()).toBe(0x0c);
    expect(isr(0x20)).toBe(0);
  });

  it('rotation: set-priority and rotate-on-EOI change which IRQ is highest', () => {
    const { io, pic } = setup();
    io.outb(0x20, 0xc0 | 3); // IRQ3 lowest, so IRQ4 highest
    pic.irqs[1]!.raise();
    pic.irqs[5]!.raise();
    expect(pic.acknowledge()).toBe(0x0d);
    io.outb(0x20, 0xa0); // rotate on non-specific EOI: IRQ5 becomes lowest, IRQ6 highest
    expect(pic.master.priorityAdd).toBe(6);
    pic.irqs[7]!.raise();
    expect(pic.acknowledge()).toBe(0x0f);
    io.outb(0x20, 0xe7); // rotate on specific EOI of IRQ7: IRQ0 highest again
    expect(pic.master.priorityAdd).toBe(0);
    expect(pic.acknowledge()).toBe(0x09);
  });

  it('poll mode: the read returns 0x80|irq and acknowledges; 0 when nothing is pending', () => {
    const { io, pic, isr } = setup();
    io.outb(0x20, 0x0c);
    expect(io.inb(0x20)).toBe(0);
    pic.irqs[6]!.raise();
    io.outb(0x20, 0x0c);
    expect(io.inb(0x20)).toBe(0x86);
    expect(isr(0x20)).toBe(0x40);
    expect(io.inb(0x21)).toBe(0); // poll is one-shot: back to IMR reads
  });

  it('special mask mode lets lower priorities through while a masked IRQ is in service', () => {
    const { io, pic } = setup();
    pic.irqs[1]!.raise();
    pic.acknowledge();
    pic.irqs[4]!.raise();
    expect(pic.hasInterrupt()).toBe(false);
    io.outb(0x21, 0x02); // mask IRQ1
    io.outb(0x20, 0x68); // set special mask
    expect(pic.hasInterrupt()).toBe(true);
    io.outb(0x20, 0x48); // reset special mask
    expect(pic.hasInterrupt()).toBe(false);
  });

  it('ICW1 re-initialisation clears IMR and ISR, keeping the ELCR', () => {
    const { io, pic, isr } = setup();
    io.outb(0x4d0, 0x08);
    io.outb(0x21, 0xff);
    pic.irqs[0]!.raise();
    io.outb(0x21, 0x00);
    pic.acknowledge();
    io.outb(0x20, 0x11);
    io.outb(0x21, 0x20);
    io.outb(0x21, 0x04);
    io.outb(0x21, 0x01);
    expect(io.inb(0x21)).toBe(0);
    expect(isr(0x20)).toBe(0);
    expect(io.inb(0x4d0)).toBe(0x08);
    pic.irqs[1]!.raise();
    expect(pic.acknowledge()).toBe(0x21);
  });
});
