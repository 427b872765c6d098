// The raw image backend: reads and writes reach the file; snapshot mode keeps writes in memory
// and never touches the file; a read-only drive, a host file we may not write, a full disk and
// a failing device give -errno results (never exceptions); flush syncs only after writes; bad
// images are refused with one line naming the file.
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlockBackend, BlockError, EACCES, EIO, ENOSPC } from '../../src/block/block-backend.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-block-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function image(name: string, bytes: number): string {
  const p = path.join(dir, name);
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 7) & 0xff;
  fs.writeFileSync(p, data);
  return p;
}

const OPTS = { flag: '-hda', readonly: false, snapshot: false, requireSectors: true };

describe('BlockBackend', () => {
  it('reads and writes the file, at any byte offset', () => {
    const p = image('rw.img', 4096);
    const blk = BlockBackend.open(p, OPTS);
    const buf = new Uint8Array(10);
    expect(blk.read(1000, buf)).toBe(0);
    expect(Array.from(buf)).toEqual(Array.from({ length: 10 }, (_, i) => ((1000 + i) * 7) & 0xff));
    expect(blk.write(512, new Uint8Array(512).fill(0xab))).toBe(0);
    expect(blk.flush()).toBe(0);
    blk.close();
    const after = fs.readFileSync(p);
    expect(after[511]).toBe((511 * 7) & 0xff);
    expect(after.subarray(512, 1024).every((b) => b === 0xab)).toBe(true);
    expect(after[1024]).toBe((1024 * 7) & 0xff);
  });

  it('snapshot: writes are seen by later reads, partial sectors merge with the file, and the file never changes', () => {
    const p = image('snap.img', 4096);
    const before = fs.readFileSync(p);
    const blk = BlockBackend.open(p, { ...OPTS, snapshot: true });
    expect(blk.write(700, new Uint8Array([1, 2, 3]))).toBe(0);
    expect(blk.write(2048, new Uint8Array(1024).fill(9))).toBe(0);
    const buf = new Uint8Array(4096);
    expect(blk.read(0, buf)).toBe(0);
    const want = new Uint8Array(before);
    want.set([1, 2, 3], 700);
    want.fill(9, 2048, 3072);
    expect(Buffer.compare(Buffer.from(buf), Buffer.from(want))).toBe(0);
    expect(blk.flush()).toBe(0);
    blk.close();
    expect(Buffer.compare(fs.readFileSync(p), before)).toBe(0);
  });

  it('errors are results: read-only drive, out of range, a full disk, a failing device', () => {
    const p = image('err.img', 2048);
    const ro = BlockBackend.open(p, { ...OPTS, readonly: true });
    expect(ro.write(0, new Uint8Array(512))).toBe(-EACCES);
    expect(ro.read(2048, new Uint8Array(1))).toBe(-EIO);
    ro.close();
    const blk = BlockBackend.open(p, OPTS);
    blk.io = {
      pread: () => {
        throw Object.assign(new Error('EIO'), { code: 'EIO' });
      },
      pwrite: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
      fsync: () => {},
    };
    expect(blk.write(0, new Uint8Array(512))).toBe(-ENOSPC);
    expect(blk.read(0, new Uint8Array(512))).toBe(-EIO);
    expect(blk.stats.failed).toBe(2);
    blk.close();
  });

  it('a file the host will not let us write opens read-only; guest writes then fail', () => {
    if (process.getuid?.() === 0) return; // root may write anything: nothing to check
    const p = image('locked.img', 1024);
    fs.chmodSync(p, 0o444);
    const blk = BlockBackend.open(p, OPTS);
    expect(blk.hostReadonly).toBe(true);
    expect(blk.write(0, new Uint8Array(512))).toBe(-EACCES);
    blk.close();
  });

  it('flush syncs only what was written since the last flush', () => {
    const p = image('flush.img', 1024);
    const blk = BlockBackend.open(p, OPTS);
    let syncs = 0;
    const io = blk.io;
    blk.io = { ...io, fsync: (fd) => (syncs++, io.fsync(fd)) };
    blk.flush();
    expect(syncs).toBe(0);
    blk.write(0, new Uint8Array(512));
    blk.flush();
    blk.flush();
    expect(syncs).toBe(1);
    blk.close();
  });

  it('refuses a directory, a missing file and a disk that is not whole sectors, naming the file', () => {
    expect(() => BlockBackend.open(dir, OPTS)).toThrow(new BlockError(`-hda ${dir}: 'file' driver requires '${dir}' to be a regular file (it is a directory)`));
    const missing = path.join(dir, 'missing.img');
    expect(() => BlockBackend.open(missing, OPTS)).toThrow(new BlockError(`-hda ${missing}: Could not open '${missing}': No such file or directory`));
    const odd = image('odd.img', 1000);
    expect(() => BlockBackend.open(odd, OPTS)).toThrow(new BlockError(`-hda ${odd}: the image is 1000 bytes, not a multiple of 512 (whole sectors)`));
    // A CD image need not be whole 512-byte sectors.
    BlockBackend.open(odd, { ...OPTS, requireSectors: false }).close();
  });
});
