// The 8042 controller and the PS/2 keyboard behind it, driven through ports 0x60/0x64 the way
// firmware does: poll OBF in the status register, then read the data port.
import { describe, expect, it } from 'vitest';
import { I8042 } from '../../src/devices/i8042.js';
import { IrqLine } from '../../src/devices/irq.js';
import { ioSpace } from './io-space.js';

function setup() {
  const io = ioSpace();
  const a20: boolean[] = [];
  let resets = 0;
  const irq1 = new IrqLine(() => {});
  const logs: string[] = [];
  const kbc = new I8042(io.sys, {
    irqKbd: irq1,
    a20: new IrqLine((l) => a20.push(l)),
    resetRequest: () => resets++,
    log: (m) => logs.push(m),
  });
  kbc.map(io.root);
  /** Read every byte the controller has for us (status bit 0 = output buffer full). */
  const drain = () => {
    const out: number[] = [];
    while (io.inb(0x64) & 1) out.push(io.inb(0x60));
    return out;
  };
  return { io, kbc, a20, irq1, logs, drain, resets: () => resets };
}

describe('i8042', () => {
  it('power-on status: empty buffer, unlocked, last write a command', () => {
    const { io } = setup();
    expect(io.inb(0x64)).toBe(0x18);
  });

  it('self test 0xAA -> 0x55 and sets the system flag; interface test 0xAB -> 0x00', () => {
    const { io, drain } = setup();
    io.outb(0x64, 0xaa);
    expect(io.inb(0x64) & 0x05).toBe(0x05);
    expect(drain()).toEqual([0x55]);
    io.outb(0x64, 0xab);
    expect(drain()).toEqual([0x00]);
  });

  it('command byte read (0x20) and write (0x60)', () => {
    const { io, drain } = setup();
    io.outb(0x64, 0x20);
    expect(drain()).toEqual([0x03]);
    io.outb(0x64, 0x60);
    expect(io.inb(0x64) & 0x08).toBe(0x08);
    io.outb(0x60, 0x65);
    expect(io.inb(0x64) & 0x08).toBe(0); // last write went to the data port
    io.outb(0x64, 0x20);
    expect(drain()).toEqual([0x65]);
  });

  it('output port: read 0xD0, write 0xD1 drives A20 and resets when bit 0 is cleared', () => {
    const { io, drain, a20, resets } = setup();
    io.outb(0x64, 0xd0);
    expect(drain()).toEqual([0xcf]);
    io.outb(0x64, 0xd1);
    io.outb(0x60, 0xcd); // A20 off, reset line kept high
    expect(a20).toEqual([false]);
    expect(resets()).toBe(0);
    io.outb(0x64, 0xd1);
    io.outb(0x60, 0xcf);
    expect(a20).toEqual([false, true]);
    io.outb(0x64, 0xd1);
    io.outb(0x60, 0xce);
    expect(resets()).toBe(1);
  });

  it('0xDD / 0xDF turn A20 off / on and show in the output port', () => {
    const { io, drain, a20 } = setup();
    io.outb(0x64, 0xdd);
    io.outb(0x64, 0xd0);
    expect(drain()).toEqual([0xcd]);
    io.outb(0x64, 0xdf);
    expect(a20).toEqual([false, true]);
  });

  it('0xFE pulses reset; 0xFF pulses nothing', () => {
    const { io, resets } = setup();
    io.outb(0x64, 0xff);
    expect(resets()).toBe(0);
    io.outb(0x64, 0xfe);
    expect(resets()).toBe(1);
  });

  it('keyboard reset 0xFF answers ACK then BAT 0xAA on IRQ1; echo answers 0xEE', () => {
    const { io, drain, irq1 } = setup();
    io.outb(0x60, 0xff);
    expect(irq1.level).toBe(true);
    expect(drain()).toEqual([0xfa, 0xaa]);
    expect(irq1.level).toBe(false);
    io.outb(0x60, 0xee);
    expect(drain()).toEqual([0xee]);
    io.outb(0x60, 0xf2);
    expect(drain()).toEqual([0xfa, 0xab, 0x83]);
    io.outb(0x60, 0xed);
    io.outb(0x60, 0x07);
    expect(drain()).toEqual([0xfa, 0xfa]);
  });

  it('disabling the keyboard (0xAD) holds its data until 0xAE; IRQ1 follows the command byte', () => {
    const { io, kbc, drain, irq1 } = setup();
    io.outb(0x64, 0xad);
    kbc.kbd.sendScancodes([0x1c, 0xf0, 0x1c]);
    expect(io.inb(0x64) & 1).toBe(0);
    io.outb(0x64, 0xae);
    expect(irq1.level).toBe(true);
    expect(drain()).toEqual([0x1c, 0xf0, 0x1c]);
    io.outb(0x64, 0x60);
    io.outb(0x60, 0x00); // keyboard interrupt off
    kbc.kbd.sendScancodes([0x1c]);
    expect(io.inb(0x64) & 1).toBe(1);
    expect(irq1.level).toBe(false);
  });

  it('0xD2 puts a byte in the output buffer as if from the keyboard; unknown commands are logged', () => {
    const { io, drain, logs } = setup();
    io.outb(0x64, 0xd2);
    io.outb(0x60, 0x42);
    expect(drain()).toEqual([0x42]);
    io.outb(0x64, 0x12);
    expect(logs.length).toBe(1);
  });
});
