// Dirty tracking seen through a RAM region, in offsets of the region (QEMU's
// memory_region_set_dirty / get_dirty / snapshot_and_clear_dirty / snapshot_get_dirty /
// reset_dirty): what a display asks of its video RAM between two refreshes.

import { DIRTY_CLIENTS_ALL, type DirtyBitmapSnapshot } from './dirty-memory.js';
import { sectionFromRange } from './flatview.js';
import type { MemoryRegion } from './region.js';

function ramBase(mr: MemoryRegion, addr: number, size: number): number {
  const block = mr.ramBlock;
  if (!block) throw new Error(`region "${mr.name}" has no RAM`);
  if (addr < 0 || size < 0 || addr + size > block.usedLength) {
    throw new RangeError(`region "${mr.name}": 0x${addr.toString(16)}+0x${size.toString(16)} is outside its RAM`);
  }
  return block.offset + addr;
}

/**
 * A device wrote the region's RAM behind the CPU's back: translated code on those pages is
 * invalidated and every other client marked dirty. Cheap when the page is already dirty for
 * every client (the common case between two display refreshes).
 */
export function memoryRegionSetDirty(mr: MemoryRegion, addr: number, size: number): void {
  if (size <= 0) return;
  const ram = ramBase(mr, addr, size);
  const dirty = mr.sys.dirty;
  if ((ram & 0xfff) + size <= 0x1000 && !dirty.isClean(ram, DIRTY_CLIENTS_ALL)) return;
  mr.sys.invalidateAndSetDirty(ram, size);
}

/** True if any page of [addr, addr+size) of the region is dirty for `client`. */
export function memoryRegionGetDirty(mr: MemoryRegion, addr: number, size: number, client: number): boolean {
  return mr.sys.dirty.get(ramBase(mr, addr, size), size, client);
}

/** Ask the listeners that log this region to push their dirty bits (QEMU's log_sync). */
function syncDirtyBitmap(mr: MemoryRegion): void {
  const sys = mr.sys;
  for (const l of sys.listeners) {
    if (!l.logSync) continue;
    for (const as of sys.addressSpaces) {
      if (!as.listeners.includes(l)) continue;
      for (const fr of as.currentMap.ranges) if (fr.mr === mr && fr.dirtyLogMask) l.logSync(sectionFromRange(fr));
    }
  }
}

/**
 * Copy and clear `client`'s bits for [addr, addr+size) of the region; query the copy with
 * memoryRegionSnapshotGetDirty. Clearing re-arms the CPU's write tracking on those pages;
 * `reuse` is a snapshot taken before, refilled instead of allocating a new one.
 */
export function memoryRegionSnapshotAndClearDirty(
  mr: MemoryRegion,
  addr: number,
  size: number,
  client: number,
  reuse?: DirtyBitmapSnapshot,
): DirtyBitmapSnapshot {
  const ram = ramBase(mr, addr, size);
  syncDirtyBitmap(mr);
  return mr.sys.dirty.snapshotAndClear(ram, size, client, reuse);
}

/** Was any page of [addr, addr+size) of the region dirty when `snap` was taken? */
export function memoryRegionSnapshotGetDirty(mr: MemoryRegion, snap: DirtyBitmapSnapshot, addr: number, size: number): boolean {
  return snap.getDirty(ramBase(mr, addr, size), size);
}

/** Clear `client`'s bits for [addr, addr+size) of the region; true if any was set. */
export function memoryRegionResetDirty(mr: MemoryRegion, addr: number, size: number, client: number): boolean {
  return mr.sys.dirty.testAndClear(ramBase(mr, addr, size), size, client);
}
