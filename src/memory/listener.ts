// MemoryListener: callbacks told how an address space's flat view changes (QEMU's
// MemoryListener). Adds run in ascending priority order, deletes in descending order.

import type { MemoryRegionSection } from './flatview.js';

export interface MemoryListener {
  /** Lower runs first for adds, last for deletes. */
  readonly priority?: number;
  /** Name for diagnostics. */
  readonly name?: string;
  begin?(): void;
  commit?(): void;
  regionAdd?(section: MemoryRegionSection): void;
  regionDel?(section: MemoryRegionSection): void;
  regionNop?(section: MemoryRegionSection): void;
  logStart?(section: MemoryRegionSection, oldMask: number, newMask: number): void;
  logStop?(section: MemoryRegionSection, oldMask: number, newMask: number): void;
  logSync?(section: MemoryRegionSection): void;
  logGlobalStart?(): void;
  logGlobalStop?(): void;
}

/** Insert keeping ascending priority; equal priorities keep registration order. */
export function insertByPriority(list: MemoryListener[], l: MemoryListener): void {
  const p = l.priority ?? 0;
  let i = list.length;
  while (i > 0 && (list[i - 1]!.priority ?? 0) > p) i--;
  list.splice(i, 0, l);
}
