// MemorySystem: what QEMU keeps in memory.c/physmem.c globals, as one object so that several
// machines can live in one process: address spaces, transactions, listeners, the RAM list,
// the dirty bitmaps and global dirty tracking.

import { AddressSpace } from './address-space.js';
import { DIRTY_CLIENTS_NOCODE, DIRTY_MEMORY_CODE, DirtyMemory } from './dirty-memory.js';
import { flatViewRoot, generateFlatView, sectionFromRange, type FlatView } from './flatview.js';
import { insertByPriority, type MemoryListener } from './listener.js';
import { RamList } from './ram-list.js';
import type { MemoryRegion } from './region.js';
import { VMStateRegistry } from './vmstate.js';

/** Invalidate translated code over [ramAddr, ramAddr+length) (registered by the TB layer). */
export type CodeInvalidator = (ramAddr: number, length: number) => void;

export class MemorySystem {
  readonly dirty = new DirtyMemory();
  readonly ramList = new RamList(this.dirty);
  readonly addressSpaces: AddressSpace[] = [];
  /** All listeners of all address spaces, ascending priority (QEMU's memory_listeners). */
  readonly listeners: MemoryListener[] = [];
  /** Device and CPU state sections (QEMU's savevm handlers), for migration and snapshots. */
  readonly vmstate = new VMStateRegistry();
  /** Migration (or dirty-rate) tracking: RAM logs the MIGRATION client. */
  globalDirtyTracking = false;
  /** Set by the TCG layer: RAM logs the CODE client. */
  codeDirtyTracking = false;
  codeInvalidator: CodeInvalidator | null = null;
  /** Sink for `-d guest_errors` messages; null drops them. */
  guestErrorLog: ((msg: string) => void) | null = null;
  /** Number of renders done (each outermost commit with a pending update). */
  renderCount = 0;

  private depth = 0;
  private updatePending = false;
  /** The views of the last render, by the region they render (QEMU's flat_views). */
  private flatViews = new Map<MemoryRegion | null, FlatView>();

  // ---- transactions ----

  begin(): void {
    this.depth++;
  }

  commit(): void {
    if (this.depth === 0) throw new Error('memory transaction commit without begin');
    if (--this.depth > 0 || !this.updatePending) return;
    this.updatePending = false;
    this.renderCount++;
    const views = new Map<MemoryRegion | null, FlatView>();
    const rootOf = new Map<AddressSpace, MemoryRegion | null>();
    for (const as of this.addressSpaces) {
      const physmr = flatViewRoot(as.root);
      rootOf.set(as, physmr);
      if (!views.has(physmr)) views.set(physmr, generateFlatView(physmr));
    }
    this.flatViews = views;
    for (const l of this.listeners) l.begin?.();
    for (const as of this.addressSpaces) as.setFlatView(views.get(rootOf.get(as)!)!);
    for (const l of this.listeners) l.commit?.();
  }

  /** Run fn inside begin/commit; the commit runs even if fn throws. */
  transaction<T>(fn: () => T): T {
    this.begin();
    try {
      return fn();
    } finally {
      this.commit();
    }
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  markUpdatePending(really: boolean): void {
    if (really) this.updatePending = true;
  }

  // ---- address spaces ----

  newAddressSpace(root: MemoryRegion, name: string): AddressSpace {
    const physmr = flatViewRoot(root);
    let view = this.flatViews.get(physmr);
    if (!view) {
      view = generateFlatView(physmr);
      this.flatViews.set(physmr, view);
    }
    const as = new AddressSpace(this, root, name, view);
    this.addressSpaces.push(as);
    return as;
  }

  destroyAddressSpace(as: AddressSpace): void {
    const i = this.addressSpaces.indexOf(as);
    if (i < 0) return;
    for (const l of [...as.listeners]) this.unregisterListener(l, as);
    this.addressSpaces.splice(i, 1);
  }

  // ---- listeners ----

  /** Register on an address space; it is told region_add for every current range at once. */
  registerListener(l: MemoryListener, as: AddressSpace): void {
    insertByPriority(this.listeners, l);
    insertByPriority(as.listeners, l);
    l.begin?.();
    if (this.globalDirtyTracking) l.logGlobalStart?.();
    for (const fr of as.currentMap.ranges) {
      const section = sectionFromRange(fr);
      l.regionAdd?.(section);
      if (fr.dirtyLogMask) l.logStart?.(section, 0, fr.dirtyLogMask);
    }
    l.commit?.();
  }

  unregisterListener(l: MemoryListener, as: AddressSpace): void {
    const i = as.listeners.indexOf(l);
    if (i < 0) return;
    l.begin?.();
    for (const fr of as.currentMap.ranges) {
      const section = sectionFromRange(fr);
      if (fr.dirtyLogMask) l.logStop?.(section, fr.dirtyLogMask, 0);
      l.regionDel?.(section);
    }
    l.commit?.();
    as.listeners.splice(i, 1);
    const g = this.listeners.indexOf(l);
    if (g >= 0) this.listeners.splice(g, 1);
  }

  // ---- dirty logging ----

  globalDirtyLogStart(): void {
    if (this.globalDirtyTracking) return;
    this.transaction(() => {
      this.globalDirtyTracking = true;
      for (const l of this.listeners) l.logGlobalStart?.();
      this.markUpdatePending(true);
    });
  }

  globalDirtyLogStop(): void {
    if (!this.globalDirtyTracking) return;
    // As QEMU's memory_global_dirty_log_do_stop: re-render first (listeners see log_stop for
    // every range), then log_global_stop in reverse priority order.
    this.transaction(() => {
      this.globalDirtyTracking = false;
      this.markUpdatePending(true);
    });
    for (let k = this.listeners.length - 1; k >= 0; k--) this.listeners[k]!.logGlobalStop?.();
  }

  /**
   * Ask every listener to push its dirty information into the bitmaps (QEMU's log_sync),
   * listener by listener in priority order, over the ranges of its own address space.
   */
  globalDirtyLogSync(): void {
    for (const l of this.listeners) {
      if (!l.logSync) continue;
      for (const as of this.addressSpaces) {
        if (!as.listeners.includes(l)) continue;
        for (const fr of as.currentMap.ranges) if (fr.dirtyLogMask) l.logSync(sectionFromRange(fr));
      }
    }
  }

  /**
   * A write changed RAM at [ramAddr, +length): invalidate translated code on pages whose CODE
   * bit is clear, then mark the other clients dirty (QEMU's invalidate_and_set_dirty).
   */
  invalidateAndSetDirty(ramAddr: number, length: number): void {
    if (length <= 0) return;
    const dirty = this.dirty;
    if (!dirty.allDirty(ramAddr, length, DIRTY_MEMORY_CODE)) {
      if (this.codeInvalidator) this.codeInvalidator(ramAddr, length);
      else dirty.setRange(ramAddr, length, 1 << DIRTY_MEMORY_CODE);
    }
    dirty.setRange(ramAddr, length, DIRTY_CLIENTS_NOCODE);
  }

  logGuestError(msg: string): void {
    this.guestErrorLog?.(msg);
  }
}
