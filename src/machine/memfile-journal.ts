// The write-ahead journal that keeps a memory-backend-file's file untorn: the dirty pages and a
// CRC-32 go to PATH.journal (fsync'd) before any of them is written in place; a journal left by a
// crash is replayed at the next start if it is whole, or discarded if it is not (the file was
// not touched yet then).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from '../migration/crc32.js';

export const JOURNAL_PAGE = 4096;
const MAGIC = 'TCG86MJ1';
const END = 'TCG86END';
/** Magic, page size, page count, 16 reserved bytes. */
const HEADER = 32;
/** CRC-32 of everything before it, then the end magic. */
const TRAILER = 12;

export function journalPath(file: string): string {
  return file + '.journal';
}

/** Make a directory entry (a created or removed journal) durable. */
export function fsyncDir(file: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(path.dirname(path.resolve(file)), 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the data itself was fsync'd.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/**
 * Write the journal for `count` pages (`pages[i]` a page number in the file) whose bytes are at
 * `src[base + page * 4096]`, fsync it and its directory entry. Contiguous pages go out in one
 * write, straight from guest RAM.
 */
export function writeJournal(file: string, pages: Uint32Array, count: number, src: Uint8Array, base: number): void {
  const jpath = journalPath(file);
  const head = new Uint8Array(HEADER + 4 * count);
  const dv = new DataView(head.buffer);
  for (let i = 0; i < 8; i++) head[i] = MAGIC.charCodeAt(i);
  dv.setUint32(8, JOURNAL_PAGE, true);
  dv.setUint32(12, count, true);
  for (let i = 0; i < count; i++) dv.setUint32(HEADER + 4 * i, pages[i]!, true);
  const fd = fs.openSync(jpath, 'w');
  try {
    fs.writeSync(fd, head);
    let crc = crc32(head);
    forEachRun(pages, count, (first, n) => {
      const start = base + first * JOURNAL_PAGE;
      const end = start + n * JOURNAL_PAGE;
      crc = crc32(src, crc, start, end);
      writeAll(fd, src, start, end - start, null);
    });
    const tail = new Uint8Array(TRAILER);
    new DataView(tail.buffer).setUint32(0, crc, true);
    for (let i = 0; i < 8; i++) tail[4 + i] = END.charCodeAt(i);
    fs.writeSync(fd, tail);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(jpath);
}

/** Write the journalled pages in place into the open file `fd` (from `src`), then fsync it. */
export function applyPages(fd: number, pages: Uint32Array, count: number, src: Uint8Array, base: number): void {
  forEachRun(pages, count, (first, n) => writeAll(fd, src, base + first * JOURNAL_PAGE, n * JOURNAL_PAGE, first * JOURNAL_PAGE));
  fs.fsyncSync(fd);
}

/** The journal is applied: remove it, durably, so a later crash cannot replay it over newer pages. */
export function removeJournal(file: string): void {
  fs.rmSync(journalPath(file), { force: true });
  fsyncDir(file);
}

/** A whole journal as read back: its pages and their bytes (page i at data[i * 4096]). */
export interface Journal {
  pages: Uint32Array;
  data: Uint8Array;
}

/**
 * Read PATH.journal: null if there is none; 'torn' if it is incomplete or fails its CRC (a crash
 * while it was written: the file itself was not touched yet); else its pages.
 */
export function readJournal(file: string, fileBytes: number): Journal | 'torn' | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(journalPath(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (buf.length < HEADER + TRAILER || buf.toString('latin1', 0, 8) !== MAGIC) return 'torn';
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const count = dv.getUint32(12, true);
  if (dv.getUint32(8, true) !== JOURNAL_PAGE || buf.length !== HEADER + count * (4 + JOURNAL_PAGE) + TRAILER) return 'torn';
  const body = buf.length - TRAILER;
  if (buf.toString('latin1', body + 4, body + 12) !== END || dv.getUint32(body, true) !== crc32(buf, 0, 0, body)) return 'torn';
  const pages = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    pages[i] = dv.getUint32(HEADER + 4 * i, true);
    // A whole journal for a file of another size is not ours to apply.
    if ((pages[i]! + 1) * JOURNAL_PAGE > fileBytes) return 'torn';
  }
  return { pages, data: buf.subarray(HEADER + 4 * count, body) };
}

/** Replay a whole journal into the open file `fd`, then fsync it (the journal is removed after). */
export function replayJournal(fd: number, j: Journal): void {
  for (let i = 0; i < j.pages.length; i++) writeAll(fd, j.data, i * JOURNAL_PAGE, JOURNAL_PAGE, j.pages[i]! * JOURNAL_PAGE);
  fs.fsyncSync(fd);
}

/** Lay a whole journal's pages over a copy of the file in memory (share=off: the file stays as it is). */
export function overlayJournal(dst: Uint8Array, base: number, j: Journal): void {
  for (let i = 0; i < j.pages.length; i++) dst.set(j.data.subarray(i * JOURNAL_PAGE, (i + 1) * JOURNAL_PAGE), base + j.pages[i]! * JOURNAL_PAGE);
}

function forEachRun(pages: Uint32Array, count: number, fn: (first: number, n: number) => void): void {
  let i = 0;
  while (i < count) {
    let j = i + 1;
    while (j < count && pages[j] === pages[j - 1]! + 1) j++;
    fn(pages[i]!, j - i);
    i = j;
  }
}

function writeAll(fd: number, src: Uint8Array, start: number, length: number, position: number | null): void {
  let done = 0;
  while (done < length) {
    done += fs.writeSync(fd, src, start + done, length - done, position === null ? null : position + done);
  }
}
