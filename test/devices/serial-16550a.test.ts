// 16550A UART at 0x3F8: transmit, divisor latch, receive with and without FIFOs, trigger
// levels, character timeout, interrupt priorities, loopback and modem status, OUT2 gating.
import { describe, expect, it } from 'vitest';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { VirtualClock } from '../../src/devices/clock.js';
import { IrqLine } from '../../src/devices/irq.js';
import { Serial16550A } from '../../src/devices/serial-16550a.js';
import { ioSpace } from './io-space.js';

const COM1 = 0x3f8;
const THR = COM1, IER = COM1 + 1, IIR = COM1 + 2, FCR = COM1 + 2, LCR = COM1 + 3, MCR = COM1 + 4, LSR = COM1 + 5, MSR = COM1 + 6, SCR = COM1 + 7;

function setup() {
  const io = ioSpace();
  const clock = new VirtualClock();
  const chr = new MemoryCharBackend();
  const irq = new IrqLine(() => {});
  const uart = new Serial16550A(io.sys, clock, chr, irq);
  uart.map(io.root);
  return { io, clock, chr, irq, uart };
}

describe('serial 16550A', () => {
  it('power-on registers: THR empty, no interrupt, OUT2 set, modem lines up', () => {
    const { io } = setup();
    expect(io.inb(LSR)).toBe(0x60);
    expect(io.inb(IIR)).toBe(0x01);
    expect(io.inb(MCR)).toBe(0x08);
    expect(io.inb(MSR) & 0xf0).toBe(0xb0);
  });

  it('transmits written bytes to the chardev at once', () => {
    const { io, chr } = setup();
    for (const c of 'Hi\n') io.outb(THR, c.charCodeAt(0));
    expect(chr.text()).toBe('Hi\n');
    expect(io.inb(LSR) & 0x60).toBe(0x60);
  });

  it('DLAB selects the divisor latch at offsets 0 and 1', () => {
    const { io, chr, uart } = setup();
    io.outb(LCR, 0x83);
    io.outb(THR, 0x01);
    io.outb(IER, 0x00);
    expect(uart.divider).toBe(1);
    expect([io.inb(THR), io.inb(IER)]).toEqual([1, 0]);
    io.outb(LCR, 0x03);
    io.outb(THR, 0x41);
    expect(chr.text()).toBe('A');
    expect(io.inb(LCR)).toBe(0x03);
  });

  it('receives without FIFO: DR, RDA interrupt, and input held back until RBR is read', () => {
    const { io, chr, irq } = setup();
    io.outb(IER, 0x01);
    chr.inject('ab');
    expect(io.inb(LSR) & 0x01).toBe(1);
    expect(irq.level).toBe(true);
    expect(io.inb(IIR)).toBe(0x04);
    expect(chr.pendingInput).toBe(1);
    expect(io.inb(THR)).toBe(0x61);
    expect(io.inb(THR)).toBe(0x62); // the held byte came in when room appeared
    expect(io.inb(LSR) & 0x01).toBe(0);
    expect(irq.level).toBe(false);
  });

  it('FIFO mode: IIR shows FIFOs on, 16 bytes held, RDA at the 14-byte trigger', () => {
    const { io, chr } = setup();
    io.outb(FCR, 0xc7);
    io.outb(IER, 0x01);
    expect(io.inb(IIR)).toBe(0xc1);
    chr.inject('0123456789abcdefXYZ');
    expect(chr.pendingInput).toBe(3);
    expect(io.inb(IIR)).toBe(0xc4);
    let got = '';
    while (io.inb(LSR) & 1) got += String.fromCharCode(io.inb(THR));
    expect(got).toBe('0123456789abcdefXYZ');
  });

  it('below the trigger level, the character timeout fires after 4 character times', () => {
    const { io, chr, clock, irq } = setup();
    io.outb(LCR, 0x83);
    io.outb(THR, 12); // 9600 baud
    io.outb(LCR, 0x03); // 8N1: 10 bits a frame
    io.outb(FCR, 0x41); // FIFO, trigger 4
    io.outb(IER, 0x01);
    chr.inject('xy');
    expect(io.inb(IIR)).toBe(0xc1);
    const charNs = (1e9 / 9600) * 10;
    clock.runUntil(4 * charNs - 1000);
    expect(irq.level).toBe(false);
    clock.runUntil(4 * charNs + 1);
    expect(io.inb(IIR)).toBe(0xcc);
    expect(io.inb(THR)).toBe(0x78);
    expect(io.inb(IIR)).toBe(0xc1); // the read clears the timeout indication
  });

  it('THRE interrupt on enable, cleared by reading IIR, raised again by each write', () => {
    const { io, irq } = setup();
    io.outb(IER, 0x02);
    expect(irq.level).toBe(true);
    expect(io.inb(IIR)).toBe(0x02);
    expect(io.inb(IIR)).toBe(0x01);
    expect(irq.level).toBe(false);
    io.outb(THR, 0x20);
    expect(io.inb(IIR)).toBe(0x02);
  });

  it('priorities: line status (overrun) > received data > THR empty', () => {
    const { io } = setup();
    io.outb(MCR, 0x18); // loopback, OUT2
    io.outb(THR, 0x31);
    io.outb(THR, 0x32); // overruns the unread 0x31
    io.outb(IER, 0x07);
    expect(io.inb(IIR)).toBe(0x06);
    expect(io.inb(LSR) & 0x03).toBe(0x03);
    expect(io.inb(IIR)).toBe(0x04);
    expect(io.inb(THR)).toBe(0x32);
    expect(io.inb(IIR)).toBe(0x02);
  });

  it('loopback maps MCR to MSR and reports modem status deltas (MSI)', () => {
    const { io, chr } = setup();
    io.outb(MCR, 0x1f);
    expect(io.inb(MSR) & 0xf0).toBe(0xf0);
    io.inb(MSR);
    io.outb(IER, 0x08);
    io.outb(MCR, 0x18); // DTR, RTS, OUT1 drop: DSR, CTS change; RI trailing edge
    expect(io.inb(IIR)).toBe(0x00);
    expect(io.inb(MSR)).toBe(0x80 | 0x07);
    expect(io.inb(IIR)).toBe(0x01);
    io.outb(THR, 0x55);
    expect(chr.text()).toBe(''); // looped back, not sent
    expect(io.inb(THR)).toBe(0x55);
  });

  it('OUT2 gates the interrupt onto the ISA line', () => {
    const { io, irq } = setup();
    io.outb(MCR, 0x00);
    io.outb(IER, 0x02);
    expect(io.inb(IIR) & 0x0f).toBe(0x02);
    expect(irq.level).toBe(false);
    io.outb(IER, 0x00);
    io.outb(MCR, 0x08);
    io.outb(IER, 0x02);
    expect(irq.level).toBe(true);
  });

  it('scratch register', () => {
    const { io } = setup();
    io.outb(SCR, 0xa5);
    expect(io.inb(SCR)).toBe(0xa5);
  });
});
