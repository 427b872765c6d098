// What the guest sees when the host fails it: a WRITE SECTORS to a full disk, a FLUSH CACHE whose
// sync fails and a read of a failing device end the command with ERR and ABRT in the task file,
// the channel interrupt raised, and the machine keeps running. Driven through the I/O ports.
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../../src/cli/args.js';
import { PcMachine } from '../../../src/machine/pc.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-ide-err-'));
const disk = path.join(dir, 'disk.img');
fs.writeFileSync(disk, new Uint8Array(64 * 512));
const rom = path.join(dir, 'rom.bin');
const romData = new Uint8Array(0x10000);
romData.set([0xf4], 0); // hlt
romData.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
fs.writeFileSync(rom, romData);

let m: PcMachine | null = null;
afterEach(() => m?.shutdown());

function machine(): PcMachine {
  m = new PcMachine(parseArgs(['-bios', rom, '-nographic', '-serial', 'none', '-monitor', 'none', '-hda', disk]));
  return m;
}

const fail = (code: string) => () => {
  throw Object.assign(new Error(code), { code });
};

describe('IDE: host failures become guest I/O errors', () => {
  it('WRITE SECTORS to a full disk: ERR/ABRT, IRQ 14 raised, the file unchanged', () => {
    const pc = machine();
    const blk = pc.blockDevices[0]!.blk;
    blk.io = { ...blk.io, pwrite: fail('ENOSPC') };
    const io = pc.io;
    io.stb(0x1f6, 0xe0);
    io.stb(0x1f2, 1);
    io.stb(0x1f3, 3);
    io.stb(0x1f7, 0x30);
    expect(io.ldub(0x3f6) & 0x08).toBe(0x08); // DRQ: the sector may be sent
    for (let i = 0; i < 256; i++) io.stw(0x1f0, 0xabcd);
    expect(pc.gsi[14]!.level).toBe(true);
    expect(io.ldub(0x1f7)).toBe(0x41); // READY | ERR (reading status lowers the IRQ)
    expect(io.ldub(0x1f1)).toBe(0x04); // ABRT
    expect(pc.gsi[14]!.level).toBe(false);
    expect(fs.readFileSync(disk).every((b) => b === 0)).toBe(true);
  });

  it('FLUSH CACHE whose sync fails, and a read from a failing device, abort', () => {
    const pc = machine();
    const blk = pc.blockDevices[0]!.blk;
    const io = pc.io;
    // A successful write first, so the flush has something to sync.
    io.stb(0x1f6, 0xe0);
    io.stb(0x1f2, 1);
    io.stb(0x1f3, 1);
    io.stb(0x1f7, 0x30);
    for (let i = 0; i < 256; i++) io.stw(0x1f0, 0x1234);
    expect(io.ldub(0x1f7)).toBe(0x50);
    blk.io = { ...blk.io, fsync: fail('EIO'), pread: fail('EIO') };
    io.stb(0x1f7, 0xe7);
    expect(io.ldub(0x1f7)).toBe(0x41);
    expect(io.ldub(0x1f1)).toBe(0x04);
    io.stb(0x1f2, 1);
    io.stb(0x1f3, 1);
    io.stb(0x1f7, 0x20);
    expect(io.ldub(0x1f7)).toBe(0x41);
    expect(io.ldub(0x1f1)).toBe(0x04);
  });
});
