// RAMBlock: one piece of guest RAM placed in the packed ram_addr_t space (QEMU's RAMBlock).
// Its bytes live in the RamList's single backing store at [offset, offset + maxLength).

import type { MemoryRegion } from './region.js';

export const RAM_PREALLOC = 1 << 0;
export const RAM_SHARED = 1 << 1;
export const RAM_RESIZEABLE = 1 << 2;
export const RAM_MIGRATABLE = 1 << 4;
export const RAM_READONLY = 1 << 10;

export type RamResizedCallback = (idstr: string, newSize: number) => void;

export class RAMBlock {
  /** Bytes of this block: a view into the RamList backing store (re-pointed when it grows). */
  host: Uint8Array = new Uint8Array(0);

  constructor(
    readonly idstr: string,
    /** ram_addr_t of the first byte. */
    readonly offset: number,
    public usedLength: number,
    readonly maxLength: number,
    public flags: number,
    readonly mr: MemoryRegion | null,
    readonly resized: RamResizedCallback | null,
    readonly pageSize = 4096,
  ) {}

  get resizeable(): boolean {
    return (this.flags & RAM_RESIZEABLE) !== 0;
  }

  get migratable(): boolean {
    return (this.flags & RAM_MIGRATABLE) !== 0;
  }

  /** True if `ramAddr` lies inside this block's used part. */
  contains(ramAddr: number): boolean {
    return ramAddr >= this.offset && ramAddr < this.offset + this.usedLength;
  }
}
