// FlatView: the memory tree rendered into sorted, disjoint ranges (QEMU's FlatView and
// render_memory_region). A view is immutable once built; commits build a new one.

import { SIZE_64BIT } from './memtx.js';
import type { MemoryRegion } from './region.js';
import type { AddressSpaceDispatch } from './dispatch.js';

export class FlatRange {
  constructor(
    /** Start address in the address space. */
    public addr: number,
    public size: number,
    /** The terminating region (never a container or alias). */
    readonly mr: MemoryRegion,
    /** Offset of `addr` inside `mr`. */
    public offsetInRegion: number,
    readonly dirtyLogMask: number,
    readonly romdMode: boolean,
    readonly readonly: boolean,
    readonly nonvolatile: boolean,
  ) {}

  get end(): number {
    return this.addr + this.size;
  }

  /** QEMU's flatrange_equal: what listeners compare (the dirty log mask is not part of it). */
  equals(o: FlatRange): boolean {
    return (
      this.mr === o.mr &&
      this.addr === o.addr &&
      this.size === o.size &&
      this.offsetInRegion === o.offsetInRegion &&
      this.romdMode === o.romdMode &&
      this.readonly === o.readonly &&
      this.nonvolatile === o.nonvolatile
    );
  }

  /** Can `next` (which starts where this ends) be merged into this range? */
  canMergeWith(next: FlatRange): boolean {
    return (
      this.end === next.addr &&
      this.mr === next.mr &&
      this.offsetInRegion + this.size === next.offsetInRegion &&
      this.dirtyLogMask === next.dirtyLogMask &&
      this.romdMode === next.romdMode &&
      this.readonly === next.readonly &&
      this.nonvolatile === next.nonvolatile
    );
  }
}

/** What listeners are told about: a piece of a region at an address (MemoryRegionSection). */
export interface MemoryRegionSection {
  readonly mr: MemoryRegion;
  readonly offsetWithinRegion: number;
  readonly offsetWithinAddressSpace: number;
  readonly size: number;
  readonly readonly: boolean;
  readonly nonvolatile: boolean;
}

export function sectionFromRange(fr: FlatRange): MemoryRegionSection {
  return {
    mr: fr.mr,
    offsetWithinRegion: fr.offsetInRegion,
    offsetWithinAddressSpace: fr.addr,
    size: fr.size,
    readonly: fr.readonly,
    nonvolatile: fr.nonvolatile,
  };
}

export class FlatView {
  /** Built on first use by the address spaces that share this view. */
  dispatch: AddressSpaceDispatch | null = null;

  constructor(
    readonly root: MemoryRegion | null,
    readonly ranges: readonly FlatRange[],
  ) {}

  /** The range containing addr, by binary search (null in a hole). */
  lookup(addr: number): FlatRange | null {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.ranges[mid]!;
      if (addr < r.addr) hi = mid - 1;
      else if (addr >= r.end) lo = mid + 1;
      else return r;
    }
    return null;
  }
}

/**
 * The region a root actually renders as (QEMU's memory_region_get_flatview_root): an alias
 * covering all of its target from offset 0, or a container whose only enabled child covers it
 * from address 0, renders the same as that target/child, so address spaces over either share
 * one view. Null when nothing enabled is there (an empty view).
 * Unlike QEMU we only step down when the rendering is provably the same: not through a
 * read-only or non-volatile region (QEMU would drop that attribute) and only to a region whose
 * own address is where it would be placed (QEMU assumes roots sit at 0).
 */
export function flatViewRoot(mr: MemoryRegion | null): MemoryRegion | null {
  const pos = mr ? mr.addr : 0;
  while (mr && mr.enabled) {
    const keepsAttributes = !mr.readonly && !mr.nonvolatile;
    if (mr.alias) {
      if (mr.aliasOffset === 0 && mr.size >= mr.alias.size && keepsAttributes && mr.alias.addr === pos) {
        mr = mr.alias;
        continue;
      }
    } else if (!mr.terminates) {
      let found = 0;
      let next: MemoryRegion | null = null;
      for (const child of mr.subregions) {
        if (!child.enabled) continue;
        if (++found > 1) {
          next = null;
          break;
        }
        if (child.addr === 0 && mr.size >= child.size && keepsAttributes && pos === 0) next = child;
      }
      if (found === 0) return null;
      if (next) {
        mr = next;
        continue;
      }
    }
    return mr;
  }
  return null;
}

/** Render a root region into a simplified flat view. */
export function generateFlatView(root: MemoryRegion | null): FlatView {
  const ranges: FlatRange[] = [];
  if (root) renderRegion(ranges, root, 0, 0, SIZE_64BIT, false, false);
  return new FlatView(root, simplify(ranges));
}

/**
 * Render `mr` at `base` clipped to [clipStart, clipEnd) into the sorted `view`, filling only
 * the gaps left by what was rendered before (children before their parent's own contents,
 * higher priority siblings first): that order is what makes priority hide what lies beneath.
 */
function renderRegion(
  view: FlatRange[],
  mr: MemoryRegion,
  base: number,
  clipStart: number,
  clipEnd: number,
  readonly: boolean,
  nonvolatile: boolean,
): void {
  if (!mr.enabled) return;
  base += mr.addr;
  readonly ||= mr.readonly;
  nonvolatile ||= mr.nonvolatile;
  const start = Math.max(base, clipStart);
  const end = Math.min(base + mr.size, clipEnd);
  if (end <= start) return;

  if (mr.alias) {
    const target = mr.alias;
    renderRegion(view, target, base - target.addr - mr.aliasOffset, start, end, readonly, nonvolatile);
    return;
  }
  for (const sub of mr.subregions) renderRegion(view, sub, base, start, end, readonly, nonvolatile);
  if (!mr.terminates) return;

  const mask = mr.effectiveDirtyLogMask;
  const romd = mr.romdMode;
  let cur = start;
  let i = 0;
  // Skip ranges wholly before us (binary search keeps big views fast to build).
  let lo = 0;
  let hi = view.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view[mid]!.end <= cur) lo = mid + 1;
    else hi = mid;
  }
  i = lo;
  while (cur < end && i < view.length) {
    const r = view[i]!;
    if (cur < r.addr) {
      const now = Math.min(end, r.addr) - cur;
      view.splice(i, 0, new FlatRange(cur, now, mr, cur - base, mask, romd, readonly, nonvolatile));
      i++;
      cur += now;
      continue;
    }
    // cur is inside r: that part is already taken by something rendered earlier.
    cur = Math.min(end, r.end);
    i++;
  }
  if (cur < end) view.push(new FlatRange(cur, end - cur, mr, cur - base, mask, romd, readonly, nonvolatile));
}

/** Merge neighbours that are contiguous pieces of the same region (QEMU's flatview_simplify). */
function simplify(ranges: FlatRange[]): FlatRange[] {
  const out: FlatRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last.canMergeWith(r)) last.size += r.size;
    else out.push(r);
  }
  return out;
}
