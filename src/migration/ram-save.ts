// The RAM half of pre-copy (QEMU's migration/ram.c): a migration bitmap per RAMBlock, all set
// at setup; each pass sends the pages whose bit is set (all-zero pages as a flag only), and a
// sync ORs in the pages the guest dirtied since (the MIGRATION client) and clears those.

import { DIRTY_MEMORY_MIGRATION, DIRTY_MEMORY_TOUCHED, popcount, type MemorySystem, type RAMBlock } from '../memory/index.js';
import type { ByteWriter } from './bytes.js';
import { PAGE_DATA, PAGE_SIZE, PAGE_ZERO, PAGES_PER_SECTION, SEC_RAM, SEC_SETUP } from './stream-format.js';
import type { SectionWriter } from './section-writer.js';

interface BlockState {
  block: RAMBlock;
  pages: number;
  bitmap: Uint32Array;
  /** How many times each page was sent (for the counters tests read). */
  sent: Uint16Array;
}

export class RamSaver {
  private readonly blocks: BlockState[] = [];
  private cursorBlock = 0;
  private cursorPage = 0;
  /** Pages whose bit is set in the migration bitmaps (QEMU's migration_dirty_pages). */
  dirtyPages = 0;
  /** Pages sent with their data (QEMU's "normal") and as a zero flag ("duplicate"). */
  normalPages = 0;
  zeroPages = 0;
  /** Dirty-bitmap syncs (QEMU's dirty sync count): 1 after setup, +1 per iteration. */
  syncCount = 0;
  /** Pages the last sync found newly dirty. */
  lastSyncDirty = 0;

  constructor(private readonly sys: MemorySystem) {
    for (const block of sys.ramList.blocks) {
      const pages = block.usedLength / PAGE_SIZE;
      this.blocks.push({ block, pages, bitmap: new Uint32Array((pages + 31) >>> 5), sent: new Uint16Array(pages) });
    }
  }

  get totalBytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.block.usedLength;
    return n;
  }

  /** Setup: the block list section, every page marked to send, the guest's bits cleared. */
  setup(out: SectionWriter): void {
    const w = out.begin(SEC_SETUP);
    w.u16(this.blocks.length);
    for (const b of this.blocks) {
      w.str(b.block.idstr);
      w.f64(b.block.usedLength);
    }
    out.end();
    for (const b of this.blocks) {
      b.bitmap.fill(0xffffffff);
      if (b.pages & 31) b.bitmap[b.bitmap.length - 1] = (1 << (b.pages & 31)) - 1;
      this.dirtyPages += b.pages;
    }
    this.sync();
  }

  /** Take the pages dirtied since the last sync into the migration bitmaps. */
  sync(): number {
    let fresh = 0;
    for (const b of this.blocks) fresh += this.sys.dirty.syncAndClear(b.block.offset, b.block.usedLength, DIRTY_MEMORY_MIGRATION, b.bitmap);
    this.dirtyPages += fresh;
    this.syncCount++;
    this.lastSyncDirty = fresh;
    this.cursorBlock = 0;
    this.cursorPage = 0;
    return fresh;
  }

  /**
   * Send dirty pages until about `maxBytes` were written, `maxPages` looked at, or the bitmaps
   * are empty; returns the bytes written. Pages go in RAM sections of up to PAGES_PER_SECTION records.
   */
  send(out: SectionWriter, maxBytes: number, maxPages = Infinity): number {
    const ram = this.sys.ramList.ram;
    const words = new Int32Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 2);
    const touched = this.sys.dirty.bitmaps[DIRTY_MEMORY_TOUCHED]!;
    let bytes = 0;
    let inSection = 0;
    let w: ByteWriter | null = null;
    let countAt = 0;
    const close = () => {
      if (!w) return;
      w.patchU16(countAt, inSection);
      out.end();
      w = null;
      inSection = 0;
    };
    let pages = 0;
    while (bytes < maxBytes && pages++ < maxPages && this.dirtyPages > 0) {
      const page = this.nextDirty();
      if (page < 0) break;
      const b = this.blocks[this.cursorBlock]!;
      if (!w) {
        w = out.begin(SEC_RAM);
        countAt = w.length;
        w.u16(0);
      }
      const ramAddr = b.block.offset + page * PAGE_SIZE;
      // A page never written is zero: no need to read it (and fault it in).
      const pn = ramAddr >>> 12;
      const zero = (touched[pn >>> 5]! & (1 << (pn & 31))) === 0 || isZeroPage(words, ramAddr >>> 2);
      w.u8(zero ? PAGE_ZERO : PAGE_DATA);
      w.u16(this.cursorBlock);
      w.u32(page);
      if (zero) {
        this.zeroPages++;
        bytes += 7;
      } else {
        w.bytes(ram.subarray(ramAddr, ramAddr + PAGE_SIZE));
        this.normalPages++;
        bytes += 7 + PAGE_SIZE;
      }
      b.sent[page] = Math.min(0xffff, b.sent[page]! + 1);
      if (++inSection === PAGES_PER_SECTION) close();
    }
    close();
    return bytes;
  }

  /** The next page with its bit set from the cursor on (bit cleared); -1 when none is left. */
  private nextDirty(): number {
    while (this.cursorBlock < this.blocks.length) {
      const b = this.blocks[this.cursorBlock]!;
      const bm = b.bitmap;
      let p = this.cursorPage;
      while (p < b.pages) {
        const word = bm[p >>> 5]!;
        if (word === 0) {
          p = (p | 31) + 1;
          continue;
        }
        const bit = 1 << (p & 31);
        if (word & bit) {
          bm[p >>> 5] = word & ~bit;
          this.dirtyPages--;
          this.cursorPage = p + 1;
          return p;
        }
        p++;
      }
      this.cursorBlock++;
      this.cursorPage = 0;
    }
    return -1;
  }

  /** How many times the page at `offset` of block `idstr` was sent (tests prove pre-copy with it). */
  timesSent(idstr: string, offset: number): number {
    const b = this.blocks.find((x) => x.block.idstr === idstr);
    if (!b) throw new RangeError(`no RAMBlock '${idstr}'`);
    return b.sent[Math.floor(offset / PAGE_SIZE)]!;
  }

  /** Pages still marked in the bitmaps, recounted (a check of dirtyPages). */
  countDirty(): number {
    let n = 0;
    for (const b of this.blocks) for (const w of b.bitmap) n += popcount(w);
    return n;
  }
}

function isZeroPage(words: Int32Array, at: number): boolean {
  for (let i = at, end = at + PAGE_SIZE / 4; i < end; i++) if (words[i] !== 0) return false;
  return true;
}
