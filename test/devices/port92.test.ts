// Port 0x92: fast A20 (bit 1) and fast reset on a rising bit 0; reads return the written byte.
import { describe, expect, it } from 'vitest';
import { IrqLine } from '../../src/devices/irq.js';
import { Port92 } from '../../src/devices/port92.js';
import { ioSpace } from './io-space.js';

describe('port92', () => {
  it('bit 1 drives A20, a rising bit 0 requests one reset, the byte reads back', () => {
    const io = ioSpace();
    const a20: boolean[] = [];
    let resets = 0;
    const p = new Port92(io.sys, new IrqLine((l) => a20.push(l)), () => resets++);
    p.map(io.root);
    expect(io.inb(0x92)).toBe(0);
    io.outb(0x92, 0x02);
    expect(a20).toEqual([true]);
    expect(io.inb(0x92)).toBe(0x02);
    io.outb(0x92, 0x03);
    expect(resets).toBe(1);
    io.outb(0x92, 0x03); // bit 0 already set: no new reset
    expect(resets).toBe(1);
    p.reset();
    expect(io.inb(0x92)).toBe(0x02);
    io.outb(0x92, 0x01);
    expect(resets).toBe(2);
    expect(a20.at(-1)).toBe(false);
  });
});
