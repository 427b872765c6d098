// A raw disk image opened once (QEMU's BlockBackend over the file driver): byte-addressed
// reads and writes, an in-memory overlay for snapshot=on / -snapshot, flush, and errors
// returned as negative errno values for the device to report to the guest, never thrown.

import * as fs from 'node:fs';

export const BDRV_SECTOR_SIZE = 512;

/** errno values the devices tell apart (Linux numbering, as QEMU's -EIO...). */
export const EIO = 5;
export const EACCES = 13;
export const ENOSPC = 28;
export const EROFS = 30;
export const ENOMEDIUM = 123;

export class BlockError extends Error {}

export interface BlockOpenOptions {
  /** The option that named the file, for messages (-hda, -drive...). */
  flag: string;
  readonly: boolean;
  snapshot: boolean;
  /** Disks must be whole 512-byte sectors; CD-ROM images are taken as they are. */
  requireSectors: boolean;
}

/** Host file access, replaceable by tests (a full disk, a failing device). */
export interface BlockFileIo {
  pread(fd: number, buf: Uint8Array, offset: number): number;
  pwrite(fd: number, buf: Uint8Array, offset: number): number;
  fsync(fd: number): void;
}

const NODE_IO: BlockFileIo = {
  pread: (fd, buf, offset) => fs.readSync(fd, buf, 0, buf.length, offset),
  pwrite: (fd, buf, offset) => fs.writeSync(fd, buf, 0, buf.length, offset),
  fsync: (fd) => fs.fdatasyncSync(fd),
};

/** errno of a Node system error, EIO for anything else. */
function errnoOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return ENOSPC;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EBADF') return EACCES;
  if (code === 'EROFS') return EROFS;
  return EIO;
}

export interface BlockStats {
  rdBytes: number;
  wrBytes: number;
  rdOps: number;
  wrOps: number;
  flushOps: number;
  /** Failed requests (reported to the guest). */
  failed: number;
}

export class BlockBackend {
  /** Image size in bytes. */
  readonly size: number;
  /** Written sectors kept in memory instead of the file (snapshot mode), by sector number. */
  private readonly overlay: Map<number, Uint8Array> | null;
  /** The guest wrote since the last flush (a flush then reaches the disk). */
  private dirty = false;
  /** The host file could only be opened read-only although the drive is writable. */
  readonly hostReadonly: boolean;
  readonly stats: BlockStats = { rdBytes: 0, wrBytes: 0, rdOps: 0, wrOps: 0, flushOps: 0, failed: 0 };
  private fd: number;
  io: BlockFileIo = NODE_IO;

  private constructor(
    readonly filename: string,
    readonly readonly: boolean,
    readonly snapshot: boolean,
    fd: number,
    size: number,
    hostReadonly: boolean,
  ) {
    this.fd = fd;
    this.size = size;
    this.hostReadonly = hostReadonly;
    this.overlay = snapshot ? new Map() : null;
  }

  /**
   * Open an image. A directory, a missing or unreadable file, or (for a disk) a size that is
   * not whole sectors is a BlockError naming the file, before any device exists.
   */
  static open(filename: string, opts: BlockOpenOptions): BlockBackend {
    const where = `${opts.flag} ${filename}`;
    let st: fs.Stats;
    try {
      st = fs.statSync(filename);
    } catch (e) {
      throw new BlockError(`${where}: Could not open '${filename}': ${describe(e)}`);
    }
    if (!st.isFile()) {
      throw new BlockError(`${where}: 'file' driver requires '${filename}' to be a regular file (it is ${st.isDirectory() ? 'a directory' : 'a special file'})`);
    }
    if (opts.requireSectors && st.size % BDRV_SECTOR_SIZE !== 0) {
      throw new BlockError(`${where}: the image is ${st.size} bytes, not a multiple of ${BDRV_SECTOR_SIZE} (whole sectors)`);
    }
    const wantWrite = !opts.readonly && !opts.snapshot;
    let fd: number;
    let hostReadonly = false;
    try {
      fd = fs.openSync(filename, wantWrite ? 'r+' : 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!wantWrite || (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS')) {
        throw new BlockError(`${where}: Could not open '${filename}': ${describe(e)}`);
      }
      // A file the host will not let us write: the guest still gets the disk, and its writes
      // fail with an I/O error (as a full or failing disk would).
      try {
        fd = fs.openSync(filename, 'r');
      } catch (e2) {
        throw new BlockError(`${where}: Could not open '${filename}': ${describe(e2)}`);
      }
      hostReadonly = true;
    }
    return new BlockBackend(filename, opts.readonly, opts.snapshot, fd, st.size, hostReadonly);
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Read buf.length bytes at offset; 0 or -errno. */
  read(offset: number, buf: Uint8Array): number {
    if (offset < 0 || offset + buf.length > this.size) return this.fail(EIO);
    if (this.fd < 0) return this.fail(ENOMEDIUM);
    try {
      let done = 0;
      while (done < buf.length) {
        const n = this.io.pread(this.fd, buf.subarray(done), offset + done);
        if (n <= 0) {
          // Past the end of a file that shrank under us: zeros, as a hole.
          buf.fill(0, done);
          break;
        }
        done += n;
      }
    } catch (e) {
      return this.fail(errnoOf(e));
    }
    if (this.overlay && this.overlay.size > 0) {
      const first = Math.floor(offset / BDRV_SECTOR_SIZE);
      const last = Math.floor((offset + buf.length - 1) / BDRV_SECTOR_SIZE);
      for (let s = first; s <= last; s++) {
        const sec = this.overlay.get(s);
        if (!sec) continue;
        const secStart = s * BDRV_SECTOR_SIZE;
        const from = Math.max(offset, secStart);
        const to = Math.min(offset + buf.length, secStart + BDRV_SECTOR_SIZE);
        buf.set(sec.subarray(from - secStart, to - secStart), from - offset);
      }
    }
    this.stats.rdBytes += buf.length;
    this.stats.rdOps++;
    return 0;
  }

  /** Write buf at offset; 0 or -errno (read-only drive, host refusal, full disk). */
  write(offset: number, buf: Uint8Array): number {
    if (offset < 0 || offset + buf.length > this.size) return this.fail(EIO);
    if (this.fd < 0) return this.fail(ENOMEDIUM);
    if (this.readonly) return this.fail(EACCES);
    if (this.overlay) {
      let pos = 0;
      while (pos < buf.length) {
        const abs = offset + pos;
        const s = Math.floor(abs / BDRV_SECTOR_SIZE);
        const inSec = abs - s * BDRV_SECTOR_SIZE;
        const n = Math.min(BDRV_SECTOR_SIZE - inSec, buf.length - pos);
        let sec = this.overlay.get(s);
        if (!sec) {
          sec = new Uint8Array(BDRV_SECTOR_SIZE);
          if (n < BDRV_SECTOR_SIZE) {
            try {
              this.io.pread(this.fd, sec, s * BDRV_SECTOR_SIZE);
            } catch (e) {
              return this.fail(errnoOf(e));
            }
          }
          this.overlay.set(s, sec);
        }
        sec.set(buf.subarray(pos, pos + n), inSec);
        pos += n;
      }
    } else {
      if (this.hostReadonly) return this.fail(EACCES);
      try {
        let done = 0;
        while (done < buf.length) done += this.io.pwrite(this.fd, buf.subarray(done), offset + done);
      } catch (e) {
        return this.fail(errnoOf(e));
      }
      this.dirty = true;
    }
    this.stats.wrBytes += buf.length;
    this.stats.wrOps++;
    return 0;
  }

  /** Make written data durable (FLUSH CACHE, exit, quit); 0 or -errno. Snapshots have nothing to flush. */
  flush(): number {
    this.stats.flushOps++;
    if (!this.dirty || this.fd < 0) return 0;
    try {
      this.io.fsync(this.fd);
    } catch (e) {
      return this.fail(errnoOf(e));
    }
    this.dirty = false;
    return 0;
  }

  /** Flush and close the file (the overlay of a snapshot is dropped). */
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closing cannot lose data after the flush; nothing to report.
    }
    this.fd = -1;
  }

  private fail(errno: number): number {
    this.stats.failed++;
    return -errno;
  }
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'Permission denied';
  return (e as Error).message;
}
