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
  const irq12 = new IrqLine(() => {});
  const logs: string[] = [];
  const kbc = new I8042(io.sys, {
    irqKbd: irq1,
    irqMouse: irq12,
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
  /** Send one byte to the mouse (0xD4) and read its answer. */
  const toMouse = (b: number) => {
    io.outb(0x64, 0xd4);
    io.outb(0x60, b);
    return drain();
  };
  return { io, kbc, a20, irq1, irq12, logs, drain, toMouse, resets: () => resets };
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

  it('XLATE (command byte bit 6) turns set 2 codes into set 1, the F0 prefix into bit 7', () => {
    const { io, kbc, drain } = setup();
    kbc.kbd.sendScancodes([0x1c, 0xf0, 0x1c]); // 'a' pressed and released, untranslated
    expect(drain()).toEqual([0x1c, 0xf0, 0x1c]);
    io.outb(0x64, 0x60);
    io.outb(0x60, 0x61); // XLATE | SYS | KBD_INT, as SeaBIOS
    kbc.kbd.sendScancodes([0x1c, 0xf0, 0x1c, 0xe0, 0x75, 0xe0, 0xf0, 0x75, 0x83]);
    // a = 1E/9E, up arrow = E0 48 / E0 C8, F7 = 41
    expect(drain()).toEqual([0x1e, 0x9e, 0xe0, 0x48, 0xe0, 0xc8, 0x41]);
  });

  it('a keyboard switched to set 1 without XLATE sends set 1 codes', () => {
    const { io, kbc, drain } = setup();
    io.outb(0x60, 0xf0);
    io.outb(0x60, 0x01);
    expect(drain()).toEqual([0xfa, 0xfa]);
    kbc.kbd.sendScancodes([0x29, 0xf0, 0x29]); // space
    expect(drain()).toEqual([0x39, 0xb9]);
  });

  it('the PS/2 mouse: reset, ID, status, and a movement packet on IRQ12 once enabled', () => {
    const { kbc, toMouse, irq12, drain } = setup();
    expect(toMouse(0xff)).toEqual([0xfa, 0xaa, 0x00]);
    expect(toMouse(0xf2)).toEqual([0xfa, 0x00]);
    expect(toMouse(0xe9)).toEqual([0xfa, 0x00, 0x02, 100]);
    kbc.mouse.event(5, 3, 0, 1); // disabled: ignored
    expect(drain()).toEqual([]);
    expect(toMouse(0xf4)).toEqual([0xfa]);
    kbc.mouse.event(5, 3, 0, 1); // right 5, down 3 (PS/2 y grows upwards), left button
    expect(irq12.level).toBe(true);
    expect(drain()).toEqual([0x08 | 0x20 | 1, 5, 0xfd]);
    expect(irq12.level).toBe(false);
    kbc.mouse.event(300, 0, 0, 0); // larger than one packet: split into 127 + 127 + 46
    expect(drain()).toEqual([0x08, 127, 0, 0x08, 127, 0, 0x08, 46, 0]);
  });

  it('the IntelliMouse knock (sample rates 200, 100, 80) gives ID 3 and 4-byte packets with the wheel', () => {
    const { kbc, toMouse, drain } = setup();
    for (const r of [200, 100, 80]) {
      toMouse(0xf3);
      expect(toMouse(r)).toEqual([0xfa]);
    }
    expect(toMouse(0xf2)).toEqual([0xfa, 0x03]);
    toMouse(0xf4);
    kbc.mouse.event(0, 0, -1, 0);
    expect(drain()).toEqual([0x08, 0, 0, 0xff]);
    for (const r of [200, 200, 80]) {
      toMouse(0xf3);
      toMouse(r);
    }
    expect(toMouse(0xf2)).toEqual([0xfa, 0x04]);
  });

  it('wrap mode echoes bytes until 0xEC; remote mode sends a packet only on 0xEB', () => {
    const { kbc, toMouse, drain } = setup();
    expect(toMouse(0xee)).toEqual([0xfa]);
    expect(toMouse(0x42)).toEqual([0x42]);
    expect(toMouse(0xec)).toEqual([0xfa]);
    toMouse(0xf4);
    toMouse(0xf0);
    kbc.mouse.event(-2, 0, 0, 0);
    expect(drain()).toEqual([]);
    expect(toMouse(0xeb)).toEqual([0xfa, 0x18, 0xfe, 0]);
  });

  it('aux data waits while the aux interface is disabled (0xA7) and flows after 0xA8', () => {
    const { io, kbc, toMouse, drain } = setup();
    toMouse(0xf4);
    io.outb(0x64, 0xa7);
    kbc.mouse.event(1, 0, 0, 0);
    expect(drain()).toEqual([]);
    io.outb(0x64, 0xa8);
    expect(io.inb(0x64) & 0x21).toBe(0x21);
    expect(drain()).toEqual([0x08, 1, 0]);
  });
});
