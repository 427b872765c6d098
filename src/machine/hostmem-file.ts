// memory-backend-file's host side (QEMU's backends/hostmem-file.c and file_ram_alloc): the file
// opened or created at start and loaded into the backend's RAMBlock, and, with share=on, the
// pages the guest dirtied (DIRTY_MEMORY_BACKEND) written back through a journal on request.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIRTY_MEMORY_BACKEND, type MemorySystem, type RAMBlock } from '../memory/index.js';
import { applyPages, JOURNAL_PAGE, journalPath, overlayJournal, readJournal, removeJournal, replayJournal, writeJournal } from './memfile-journal.js';

/** sync-interval-ms's default: a guest second between periodic write-backs. */
export const DEFAULT_SYNC_INTERVAL_MS = 1000;

export interface FileBackendSpec {
  /** mem-path: a file, or a directory (QEMU then backs the RAM with an unlinked temp file). */
  path: string;
  share: boolean;
  /** tcg86's own: guest milliseconds between periodic write-backs (0: none). */
  syncIntervalMs: number;
}

/** A refused backing store: QEMU's text. */
export class BackingStoreError extends Error {}

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOTDIR: 'Not a directory',
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EISDIR: 'Is a directory',
};

export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && STRERROR[code]) ?? (e instanceof Error ? e.message : String(e));
}

/** Backends with share=on that are open, for the signal and exit hooks. */
const openShared = new Set<HostMemFile>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooked = false;

const syncAllOpen = (): void => {
  for (const f of openShared) f.sync();
};
/** Write back, then let the process die of the signal as it would have (as chardev-output's hooks). */
const onSignal = (signal: NodeJS.Signals): void => {
  syncAllOpen();
  unhook();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

function hook(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' covers process.exit() and an uncaught error: a clean exit of the host process.
  process.on('exit', syncAllOpen);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', syncAllOpen);
  for (const s of SIGNALS) process.off(s, onSignal);
}

export class HostMemFile {
  /** Guest ns of the next periodic write-back (-1: not armed yet). */
  nextSyncNs = -1;
  /** Write-backs done and pages written (info, tests). */
  syncs = 0;
  pagesWritten = 0;
  private fd: number;
  /** Dirty pages taken from the bitmap but not yet written (kept when a write fails). */
  private readonly pending: Uint32Array;
  private readonly pageList: Uint32Array;
  private failed = false;
  /** The file the pages go to; null for a directory's unlinked temp file or share=off. */
  private readonly target: string | null;

  private constructor(
    readonly id: string,
    readonly spec: FileBackendSpec,
    private readonly sys: MemorySystem,
    private readonly block: RAMBlock,
    private readonly bytes: number,
    fd: number,
    target: string | null,
    private readonly report: (line: string) => void,
  ) {
    this.fd = fd;
    this.target = target;
    const pages = bytes / JOURNAL_PAGE;
    this.pending = new Uint32Array(Math.ceil(block.usedLength / JOURNAL_PAGE / 32));
    this.pageList = new Uint32Array(pages);
  }

  /** Whether guest writes reach the file (share=on with a named file). */
  get writesBack(): boolean {
    return this.target !== null;
  }

  /**
   * Open (or create) the backing store, check its size and load it into `block`, as QEMU's
   * file_ram_open and file_ram_alloc: a missing file is created; a file shorter than the
   * page-aligned size is refused unless it is empty (then it is extended); a longer one is
   * used from its start. A journal left by a crash is replayed first if whole (into the file
   * with share=on, into RAM only with share=off), and discarded if torn.
   */
  static open(id: string, spec: FileBackendSpec, sys: MemorySystem, block: RAMBlock, size: number, report: (line: string) => void): HostMemFile {
    const bytes = Math.ceil(size / JOURNAL_PAGE) * JOURNAL_PAGE;
    let file = spec.path;
    let fd: number;
    let isDir = false;
    try {
      isDir = fs.statSync(file).isDirectory();
    } catch {
      // Missing: created below.
    }
    try {
      if (isDir) {
        // QEMU: a directory gets a temp file named after the backend, unlinked at once; its
        // contents die with the process, so nothing is ever written back.
        const dir = file;
        for (;;) {
          file = path.join(dir, `qemu_back_mem.${id.replace(/\//g, '_')}.${Math.random().toString(36).slice(2, 8)}`);
          try {
            fd = fs.openSync(file, 'wx+');
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          }
        }
        fs.unlinkSync(file);
      } else {
        try {
          fd = fs.openSync(file, 'r+');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          fd = fs.openSync(file, 'wx+');
        }
      }
    } catch (e) {
      throw new BackingStoreError(`can't open backing store ${spec.path} for guest RAM: ${strerror(e)}`);
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw new BackingStoreError(`unable to map backing store for guest RAM: ${STRERROR.EIO}`);
      let journal = isDir ? null : readJournal(file, Math.max(st.size, bytes));
      if (journal === 'torn') {
        if (spec.share) {
          report(`memory-backend-file '${id}': discarded the torn journal ${journalPath(file)} (the file holds the write-back before it)`);
          removeJournal(file);
        }
        journal = null;
      } else if (journal && spec.share) {
        report(`memory-backend-file '${id}': replayed the journal ${journalPath(file)} (an interrupted write-back)`);
      }
      const fileSize = fs.fstatSync(fd).size;
      if (fileSize > 0 && fileSize < bytes) {
        throw new BackingStoreError(`backing store size 0x${fileSize.toString(16)} does not match 'size' option 0x${bytes.toString(16)}`);
      }
      if (fileSize < bytes) fs.ftruncateSync(fd, bytes);
      if (journal && spec.share) {
        replayJournal(fd, journal);
        removeJournal(file);
        journal = null;
      }
      const host = block.host;
      let done = 0;
      while (done < bytes) {
        const n = fs.readSync(fd, host, done, bytes - done, done);
        if (n === 0) break;
        done += n;
      }
      if (journal) overlayJournal(host, 0, journal);
      const shared = spec.share && !isDir;
      if (!shared) {
        // share=off (QEMU's MAP_PRIVATE) or an unlinked temp file: the file is never written.
        fs.closeSync(fd);
        fd = -1;
      }
      const f = new HostMemFile(id, spec, sys, block, bytes, fd, shared ? file : null, report);
      if (shared) {
        // The file now equals RAM: start tracking from clean bits (re-arms the TLBs' notdirty).
        sys.dirty.testAndClear(block.offset, bytes, DIRTY_MEMORY_BACKEND);
        openShared.add(f);
        hook();
      }
      return f;
    } catch (e) {
      if (fd! >= 0) fs.closeSync(fd!);
      if (e instanceof BackingStoreError) throw e;
      throw new BackingStoreError(`memory-backend-file '${id}': ${spec.path}: ${strerror(e)}`);
    }
  }

  /**
   * Write the pages dirtied since the last write-back to the file: journal (fsync), in place
   * (fsync), journal removed. Runs between guest slices, so the pages are one instant's.
   * Returns the pages written; a failure is reported once and the pages stay pending.
   */
  sync(): number {
    if (this.target === null || this.fd < 0) return 0;
    this.sys.dirty.syncAndClear(this.block.offset, this.block.usedLength, DIRTY_MEMORY_BACKEND, this.pending);
    const pages = this.pageList;
    const limit = this.bytes / JOURNAL_PAGE;
    let count = 0;
    const pend = this.pending;
    for (let w = 0; w < pend.length; w++) {
      let v = pend[w]!;
      while (v !== 0) {
        const bit = 31 - Math.clz32(v & -v);
        v &= v - 1;
        const p = w * 32 + bit;
        if (p < limit) pages[count++] = p;
      }
    }
    if (count === 0) return 0;
    const host = this.block.host;
    try {
      writeJournal(this.target, pages, count, host, 0);
      applyPages(this.fd, pages, count, host, 0);
      removeJournal(this.target);
    } catch (e) {
      if (!this.failed) this.report(`memory-backend-file '${this.id}': write-back to ${this.target} failed: ${strerror(e)} (the pages stay pending)`);
      this.failed = true;
      return 0;
    }
    this.failed = false;
    pend.fill(0);
    this.syncs++;
    this.pagesWritten += count;
    return count;
  }

  /** Last write-back, then the file is closed (object_del, machine shutdown). */
  close(): void {
    if (this.fd < 0) return;
    this.sync();
    fs.closeSync(this.fd);
    this.fd = -1;
    openShared.delete(this);
    if (openShared.size === 0) unhook();
  }
}
