// Port lists (QEMU's PortioList, softmmu/ioport.c): a device describes its ports as entries of
// one access width each, and they become I/O regions split where the list has holes. An access
// of another width finds no entry: a word access is then made of two byte entries (all-ones
// for a missing upper byte), anything else reads all-ones and is dropped on write.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';

export interface PortioEntry {
  /** Offset of the first port from the list's start. */
  offset: number;
  /** Number of ports. */
  len: number;
  /** The one access width (bytes) the callbacks take. */
  size: 1 | 2 | 4;
  /** Callbacks get the absolute port number. */
  read?(port: number): number;
  write?(port: number, value: number): void;
}

/** One region's share of the list (QEMU's MemoryRegionPortioList). */
class PortioGroup {
  constructor(
    /** Entries with offsets made relative to the region. */
    readonly entries: readonly PortioEntry[],
    /** Absolute port of the region's first byte. */
    readonly base: number,
  ) {}

  find(offset: number, width: number, write: boolean): PortioEntry | null {
    for (const e of this.entries) {
      if (offset >= e.offset && offset < e.offset + e.len && width === e.size && (write ? !!e.write : !!e.read)) return e;
    }
    return null;
  }

  read(offset: number, size: number): number {
    const e = this.find(offset, size, false);
    if (e) return e.read!(this.base + offset);
    if (size === 2) {
      const b = this.find(offset, 1, false);
      if (b) {
        const lo = b.read!(this.base + offset) & 0xff;
        // The upper byte only if it is still inside the same entry.
        const hi = offset + 1 < b.offset + b.len ? b.read!(this.base + offset + 1) & 0xff : 0xff;
        return lo | (hi << 8);
      }
    }
    return size >= 4 ? 0xffffffff : (1 << (size * 8)) - 1;
  }

  write(offset: number, value: number, size: number): void {
    const e = this.find(offset, size, true);
    if (e) {
      e.write!(this.base + offset, value);
      return;
    }
    if (size === 2) {
      const b = this.find(offset, 1, true);
      if (b) {
        b.write!(this.base + offset, value & 0xff);
        if (offset + 1 < b.offset + b.len) b.write!(this.base + offset + 1, (value >>> 8) & 0xff);
      }
    }
  }
}

export class PortioList {
  readonly regions: MemoryRegion[] = [];
  /** Port offset of each region from `start`. */
  private readonly offsets: number[] = [];

  /**
   * Build the regions for `entries` (sorted by offset) placed at port `start`. Consecutive
   * entries share a region unless there is a hole between them; a region ends `size - 1`
   * bytes after its last entry, as QEMU's portio_list_add computes it.
   */
  constructor(
    sys: MemorySystem,
    owner: string | null,
    readonly name: string,
    entries: readonly PortioEntry[],
    readonly start: number,
  ) {
    if (entries.length === 0) throw new Error(`portio list "${name}" is empty`);
    let first = 0;
    let offLow = entries[0]!.offset;
    let offHigh = offLow + entries[0]!.len + entries[0]!.size - 1;
    let last = offLow;
    for (let i = 1; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.offset < last) throw new Error(`portio list "${name}": entries must be sorted by offset`);
      last = e.offset;
      if (e.offset > offHigh) {
        this.addGroup(sys, owner, entries.slice(first, i), offLow, offHigh);
        first = i;
        offLow = e.offset;
        offHigh = offLow + e.len + e.size - 1;
      } else if (e.offset + e.len > offHigh) {
        offHigh = e.offset + e.len + e.size - 1;
      }
    }
    this.addGroup(sys, owner, entries.slice(first), offLow, offHigh);
  }

  private addGroup(sys: MemorySystem, owner: string | null, entries: PortioEntry[], offLow: number, offHigh: number): void {
    const rel = entries.map((e) => ({ ...e, offset: e.offset - offLow }));
    const group = new PortioGroup(rel, this.start + offLow);
    const mr = MemoryRegion.io(sys, owner, this.name, offHigh - offLow, {
      read: (addr, size) => group.read(addr, size),
      write: (addr, value, size) => group.write(addr, value, size),
      // The callbacks see every access whole, at any alignment (QEMU's portio_ops).
      valid: { unaligned: true },
      impl: { unaligned: true, minAccessSize: 1, maxAccessSize: 4 },
    });
    this.regions.push(mr);
    this.offsets.push(offLow);
  }

  /** Put the regions into an I/O space (QEMU's portio_list_add). */
  map(ioRoot: MemoryRegion): void {
    ioRoot.sys.transaction(() => {
      this.regions.forEach((mr, i) => ioRoot.addSubregion(this.start + this.offsets[i]!, mr));
    });
  }
}
