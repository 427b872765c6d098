// Port lists as QEMU's ioport.c builds them: one region per run of entries, callbacks for one
// width each, a word access made of two byte entries, anything else all-ones / dropped.
import { describe, expect, it } from 'vitest';
import { PortioList } from '../../src/devices/portio.js';
import { formatMtree } from '../../src/memory/index.js';
import { ioSpace } from './io-space.js';

function setup() {
  const io = ioSpace();
  const bytes = new Uint8Array(16);
  const writes: string[] = [];
  let word = 0x1234;
  const list = new PortioList(
    io.sys,
    null,
    'dev',
    [
      { offset: 0, len: 4, size: 1, read: (p) => bytes[p - 0x100]!, write: (p, v) => void (bytes[p - 0x100] = v) },
      { offset: 6, len: 1, size: 2, read: () => word, write: (p, v) => void ((word = v), writes.push(`${p.toString(16)}=${v.toString(16)}`)) },
      { offset: 10, len: 1, size: 1, read: () => 0x88 },
    ],
    0x100,
  );
  list.map(io.root);
  return { io, bytes, writes, list, word: () => word };
}

describe('PortioList', () => {
  it('splits at holes; a region ends size-1 bytes after its last port', () => {
    const { io, list } = setup();
    expect(list.regions.map((r) => [r.absoluteAddress(), r.size])).toEqual([
      [0x100, 4],
      [0x106, 2],
      [0x10a, 1],
    ]);
    expect(formatMtree(io.sys)).toContain('0000000000000106-0000000000000107 (prio 0, i/o): dev');
  });

  it('a word access to byte ports is two byte accesses; past the entry the upper byte is all-ones', () => {
    const { io, bytes } = setup();
    io.outw(0x100, 0xbbaa);
    expect([...bytes.subarray(0, 2)]).toEqual([0xaa, 0xbb]);
    expect(io.inw(0x100)).toBe(0xbbaa);
    expect(io.inw(0x103)).toBe(0xff00);
  });

  it('a byte access to a word port, or a dword access, finds no callback', () => {
    const { io, writes, word } = setup();
    expect(io.inb(0x106)).toBe(0xff);
    io.outb(0x106, 0x55);
    expect(io.as.ldl(0x100)).toBe(0xffffffff);
    io.as.stl(0x100, 0x12345678);
    expect(writes).toEqual([]);
    expect(io.inw(0x106)).toBe(0x1234);
    io.outw(0x106, 0xbeef);
    expect(writes).toEqual(['106=beef']);
    expect(word()).toBe(0xbeef);
    expect(io.inb(0x10a)).toBe(0x88);
    io.outb(0x10a, 1); // no write callback: dropped
    expect(io.inb(0x10a)).toBe(0x88);
  });
});
