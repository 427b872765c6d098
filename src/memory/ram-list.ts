// RamList: every RAMBlock, their placement in one packed ram_addr_t space (best fit, as QEMU's
// find_ram_offset), and the single host backing store that the soft TLB indexes by ram_addr.

import { DIRTY_CLIENTS_ALL, DIRTY_MEMORY_TOUCHED, type DirtyMemory } from './dirty-memory.js';
import { RAMBlock, RAM_RESIZEABLE, type RamResizedCallback } from './ramblock.js';
import type { MemoryRegion } from './region.js';

/** Blocks start on a 64-page boundary so each block's dirty bits begin on a fresh 64-bit word. */
const BLOCK_ALIGN = 64 * 4096;
/** Largest ram_addr space we back with one ArrayBuffer (V8 typed arrays stop at 2^32 on Node 20). */
export const RAM_ADDR_LIMIT = 2 ** 32;
/**
 * The smallest backing store: above glibc's largest mmap threshold (32 MiB on 64-bit hosts).
 * Below it, once a freed store has raised the dynamic threshold, calloc serves the next store
 * from the heap and zero-fills all of it: every machine then cost its whole store in RSS until
 * the GC freed it (a fuzz run of short-lived 19 MiB machines sat at 220-330 MiB). A mapped
 * store costs only the pages a guest touches and goes back to the system when freed; the
 * extra address space is never touched.
 */
const MIN_BACKING = 32 * 1024 * 1024 + BLOCK_ALIGN;

export type BackingChangedHook = () => void;

export class RamList {
  /** Sorted biggest first, as QEMU keeps them (info ramblock prints this order). */
  readonly blocks: RAMBlock[] = [];
  /** The whole ram_addr space: block bytes at [block.offset, block.offset + maxLength). */
  ram: Uint8Array = new Uint8Array(0);
  /** Bumped whenever a block is added or removed (QEMU's ram_list.version). */
  version = 0;
  private readonly backingHooks: BackingChangedHook[] = [];
  /** Capacity the backing store is allocated with at least (see reserve). */
  private reserved = 0;

  constructor(private readonly dirty: DirtyMemory) {}

  /**
   * Allocate the backing store for at least `bytes` of ram_addr space up front, so a board
   * that knows its RAM and ROM sizes does not copy guest RAM each time a block is added.
   */
  reserve(bytes: number): void {
    this.reserved = Math.min(RAM_ADDR_LIMIT, Math.max(this.reserved, bytes));
  }

  /** Register a hook run after the backing store moved (soft TLBs must flush their addends). */
  onBackingChanged(hook: BackingChangedHook): void {
    this.backingHooks.push(hook);
  }

  findByIdstr(idstr: string): RAMBlock | undefined {
    return this.blocks.find((b) => b.idstr === idstr);
  }

  /** The block holding ram_addr (used part only). */
  blockFromRamAddr(ramAddr: number): RAMBlock | undefined {
    for (const b of this.blocks) if (b.contains(ramAddr)) return b;
    return undefined;
  }

  /** Best-fit placement: the smallest gap after any block's (aligned) end that fits. */
  findRamOffset(size: number): number {
    if (size <= 0) throw new RangeError('RAM block size must be positive');
    if (this.blocks.length === 0) return 0;
    let offset = -1;
    let mingap = Infinity;
    for (const block of this.blocks) {
      const candidate = Math.ceil((block.offset + block.maxLength) / BLOCK_ALIGN) * BLOCK_ALIGN;
      // The space ends at RAM_ADDR_LIMIT (QEMU's RAM_ADDR_MAX): a finite end keeps the gap
      // after the last block comparable with mingap.
      let next = RAM_ADDR_LIMIT;
      for (const other of this.blocks) {
        if (other.offset >= candidate) next = Math.min(next, other.offset);
      }
      const gap = next - candidate;
      if (gap >= size && gap < mingap) {
        offset = candidate;
        mingap = gap;
      }
    }
    if (offset < 0) {
      throw new RangeError(
        `no room for a RAM block of 0x${size.toString(16)} bytes (ram_addr space ends at 0x${RAM_ADDR_LIMIT.toString(16)})`,
      );
    }
    return offset;
  }

  /**
   * Allocate a block of `size` bytes (`maxSize` reserved when resizeable). The idstr must be
   * unique. The used part is marked dirty for every client, as QEMU does for new RAM.
   */
  alloc(
    idstr: string,
    size: number,
    opts: { maxSize?: number; flags?: number; mr?: MemoryRegion | null; resized?: RamResizedCallback | null } = {},
  ): RAMBlock {
    const pageUp = (n: number) => Math.ceil(n / 4096) * 4096;
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(`RAM block "${idstr}": size must be a positive integer, got ${size}`);
    }
    const flags = opts.flags ?? 0;
    const maxSize = opts.maxSize ?? size;
    if (!Number.isSafeInteger(maxSize) || maxSize < size) {
      throw new RangeError(`RAM block "${idstr}": max size ${maxSize} is below size ${size}`);
    }
    if (maxSize !== size && !(flags & RAM_RESIZEABLE)) {
      throw new RangeError(`RAM block "${idstr}": only resizeable blocks may reserve more than their size`);
    }
    if (this.findByIdstr(idstr)) throw new Error(`RAM block "${idstr}" already exists (idstr must be unique)`);
    const used = pageUp(size);
    const max = pageUp(maxSize);
    const offset = this.findRamOffset(max);
    if (offset + max > RAM_ADDR_LIMIT) {
      throw new RangeError(
        `RAM block "${idstr}" of ${max} bytes does not fit: total RAM would exceed ${RAM_ADDR_LIMIT / 2 ** 30} GiB`,
      );
    }
    const block = new RAMBlock(idstr, offset, used, max, flags, opts.mr ?? null, opts.resized ?? null);
    this.ensureBacking(offset + max);
    block.host = this.ram.subarray(offset, offset + max);
    let i = 0;
    while (i < this.blocks.length && this.blocks[i]!.maxLength >= max) i++;
    this.blocks.splice(i, 0, block);
    this.version++;
    this.dirty.setRange(offset, used, DIRTY_CLIENTS_ALL);
    return block;
  }

  /**
   * The caller vouches that `block`'s bytes are all zero and were never written (fresh guest
   * RAM at board construction): its pages start untouched (DIRTY_MEMORY_TOUCHED clear).
   */
  markUntouched(block: RAMBlock): void {
    this.dirty.clearRange(block.offset, block.usedLength, 1 << DIRTY_MEMORY_TOUCHED);
  }

  /** Release a block: its ram_addr range becomes a gap, its bytes are zeroed. */
  free(block: RAMBlock): void {
    const i = this.blocks.indexOf(block);
    if (i < 0) throw new Error(`RAM block "${block.idstr}" is not allocated`);
    this.blocks.splice(i, 1);
    this.version++;
    block.host.fill(0);
    this.dirty.clearRange(block.offset, block.maxLength, DIRTY_CLIENTS_ALL);
  }

  /**
   * Change the used length of a resizeable block (QEMU's qemu_ram_resize). The block grows or
   * shrinks in whole pages; its region and the resized callback get the size asked for.
   */
  resize(block: RAMBlock, newSize: number): void {
    if (!Number.isSafeInteger(newSize) || newSize <= 0) {
      throw new RangeError(`RAM block "${block.idstr}": size must be a positive integer, got ${newSize}`);
    }
    const used = Math.ceil(newSize / 4096) * 4096;
    if (used === block.usedLength) {
      // Same pages; only the unaligned size may differ (QEMU still tells region and callback).
      if (block.mr && block.mr.size !== newSize) {
        block.mr.setSize(newSize);
        block.resized?.(block.idstr, newSize);
      }
      return;
    }
    if (!block.resizeable) {
      throw new Error(`RAM block "${block.idstr}" is not resizeable`);
    }
    if (used > block.maxLength) {
      throw new RangeError(
        `RAM block "${block.idstr}": size ${newSize} outside 1..${block.maxLength} (its reserved maximum)`,
      );
    }
    this.dirty.clearRange(block.offset, block.usedLength, DIRTY_CLIENTS_ALL);
    if (used < block.usedLength) block.host.fill(0, used, block.usedLength);
    block.usedLength = used;
    this.dirty.setRange(block.offset, used, DIRTY_CLIENTS_ALL);
    block.mr?.setSize(newSize);
    block.resized?.(block.idstr, newSize);
  }

  /** Total bytes of ram_addr space in use (end of the highest block). */
  get extent(): number {
    let end = 0;
    for (const b of this.blocks) end = Math.max(end, b.offset + b.maxLength);
    return end;
  }

  private ensureBacking(end: number): void {
    this.dirty.extend(end);
    if (end <= this.ram.length) return;
    // Grow by at least half again so a series of small blocks does not copy each time.
    const size = Math.min(RAM_ADDR_LIMIT, Math.max(end, this.reserved, MIN_BACKING, Math.ceil((this.ram.length * 1.5) / BLOCK_ALIGN) * BLOCK_ALIGN));
    const grown = new Uint8Array(size);
    grown.set(this.ram);
    this.ram = grown;
    for (const b of this.blocks) b.host = grown.subarray(b.offset, b.offset + b.maxLength);
    this.dirty.extend(size);
    for (const hook of this.backingHooks) hook();
  }
}
