// isa-debugcon, isa-debug-exit and port 0x80, driven through the I/O address space.
import { describe, expect, it } from 'vitest';
import { MEMTX_OK } from '../../src/memory/index.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Debugcon } from '../../src/devices/debugcon.js';
import { DebugExit } from '../../src/devices/debug-exit.js';
import { IoPort80 } from '../../src/devices/ioport80.js';
import { ioSpace } from './io-space.js';

describe('isa-debugcon', () => {
  it('sends each written byte to the chardev and reads back 0xE9', () => {
    const io = ioSpace();
    const chr = new MemoryCharBackend();
    const dc = new Debugcon(io.sys, chr);
    dc.map(io.root);
    for (const c of 'ok\n') io.outb(0xe9, c.charCodeAt(0));
    expect(chr.text()).toBe('ok\n');
    expect(io.inb(0xe9)).toBe(0xe9);
  });

  it('honours iobase and readback; a word write is split, only its low byte lands here', () => {
    const io = ioSpace();
    const chr = new MemoryCharBackend();
    new Debugcon(io.sys, chr, { iobase: 0x402, readback: 0x12 }).map(io.root);
    expect(io.inb(0x402)).toBe(0x12);
    // As QEMU's address_space_write: the access is cut to the port's 1-byte size; the high
    // byte goes to port 0x403, which nothing decodes.
    expect(io.as.stw(0x402, 0x4142)).not.toBe(MEMTX_OK);
    expect(chr.text()).toBe('B');
  });
});

describe('isa-debug-exit', () => {
  it('a write of v requests exit status (v << 1) | 1 for byte, word and dword writes', () => {
    const io = ioSpace();
    const got: number[] = [];
    new DebugExit(io.sys, (s) => got.push(s), { iobase: 0xf4, iosize: 4 }).map(io.root);
    io.outb(0xf4, 0x10);
    io.outw(0xf4, 0x0000);
    io.as.stl(0xf4, 0x7f);
    expect(got).toEqual([0x21, 0x01, 0xff]);
  });

  it('defaults to QEMU iobase 0x501 and size 2', () => {
    const io = ioSpace();
    const got: number[] = [];
    const d = new DebugExit(io.sys, (s) => got.push(s));
    d.map(io.root);
    io.outb(0x502, 3);
    expect(got).toEqual([7]);
    io.outb(0x503, 3); // outside the 2-byte window
    expect(got).toEqual([7]);
  });
});

describe('port 0x80', () => {
  it('reads all ones, keeps the last POST code', () => {
    const io = ioSpace();
    const codes: number[] = [];
    const p = new IoPort80(io.sys, (c) => codes.push(c));
    p.map(io.root);
    expect(io.inb(0x80)).toBe(0xff);
    expect(p.lastPostCode).toBe(-1);
    io.outb(0x80, 0x55);
    io.outb(0x80, 0xaa);
    expect(p.lastPostCode).toBe(0xaa);
    expect(codes).toEqual([0x55, 0xaa]);
    expect(io.inw(0x80)).toBe(0xffff);
  });
});
