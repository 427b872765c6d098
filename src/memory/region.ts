// MemoryRegion: a node of the memory tree (QEMU's MemoryRegion) of one kind: container, ram,
// rom, io, alias, rom device (romd) or iommu. Mutators change the tree; the memory system
// re-renders flat views when the outermost transaction commits.

import { PHYS_ADDR_LIMIT, SIZE_64BIT } from './memtx.js';
import { RAM_MIGRATABLE, RAM_RESIZEABLE, type RAMBlock } from './ramblock.js';
import type { IOMMUMemoryRegionOps, MemoryRegionOps } from './region-ops.js';
import type { MemorySystem } from './memory-system.js';

export type RegionKind = 'container' | 'ram' | 'rom' | 'io' | 'alias' | 'romd' | 'iommu';

function checkSize(name: string, size: number): void {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > SIZE_64BIT) {
    throw new RangeError(`memory region "${name}": size must be an integer in 0..2^64, got ${String(size)}`);
  }
}

function checkOffset(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= PHYS_ADDR_LIMIT) {
    throw new RangeError(`${what} must be an integer in 0..2^52-1, got ${String(value)}`);
  }
}

export class MemoryRegion {
  /** Offset of this region inside its container. */
  addr = 0;
  priority = 0;
  enabled = true;
  readonly = false;
  /** ROM device: reads come from its RAM while true; writes always go to the ops. */
  romdMode = true;
  nonvolatile = false;
  container: MemoryRegion | null = null;
  /** Children, highest priority first; among equals the newest first (it wins overlaps). */
  readonly subregions: MemoryRegion[] = [];
  alias: MemoryRegion | null = null;
  aliasOffset = 0;
  ops: MemoryRegionOps | null = null;
  iommuOps: IOMMUMemoryRegionOps | null = null;
  ramBlock: RAMBlock | null = null;
  /** Dirty clients this region logs for itself (set by setLog: VGA). */
  dirtyLogMask = 0;
  /** How many aliases point here (a region with live aliases cannot be destroyed). */
  aliasCount = 0;
  destroyed = false;

  private constructor(
    readonly sys: MemorySystem,
    readonly kind: RegionKind,
    readonly owner: string | null,
    readonly name: string,
    public size: number,
  ) {
    checkSize(name, size);
  }

  // ---- construction (QEMU's memory_region_init_*) ----

  static container(sys: MemorySystem, owner: string | null, name: string, size: number): MemoryRegion {
    return new MemoryRegion(sys, 'container', owner, name, size);
  }

  static io(sys: MemorySystem, owner: string | null, name: string, size: number, ops: MemoryRegionOps): MemoryRegion {
    const mr = new MemoryRegion(sys, 'io', owner, name, size);
    mr.ops = checkOps(name, ops);
    return mr;
  }

  static ram(
    sys: MemorySystem,
    owner: string | null,
    name: string,
    size: number,
    opts: { migratable?: boolean } = {},
  ): MemoryRegion {
    const mr = new MemoryRegion(sys, 'ram', owner, name, size);
    mr.ramBlock = sys.ramList.alloc(ramIdstr(owner, name), size, {
      mr,
      flags: opts.migratable === false ? 0 : RAM_MIGRATABLE,
    });
    return mr;
  }

  /** RAM whose used size can change up to maxSize (QEMU's memory_region_init_resizeable_ram). */
  static resizeableRam(
    sys: MemorySystem,
    owner: string | null,
    name: string,
    size: number,
    maxSize: number,
    resized: ((idstr: string, newSize: number) => void) | null = null,
  ): MemoryRegion {
    const mr = new MemoryRegion(sys, 'ram', owner, name, size);
    mr.ramBlock = sys.ramList.alloc(ramIdstr(owner, name), size, {
      mr,
      maxSize,
      flags: RAM_RESIZEABLE | RAM_MIGRATABLE,
      resized, // the RamList sets the region's size before calling it
    });
    return mr;
  }

  static rom(sys: MemorySystem, owner: string | null, name: string, size: number): MemoryRegion {
    const mr = new MemoryRegion(sys, 'rom', owner, name, size);
    mr.readonly = true;
    mr.ramBlock = sys.ramList.alloc(ramIdstr(owner, name), size, { mr, flags: RAM_MIGRATABLE });
    return mr;
  }

  /** ROM device: RAM-backed reads (in romd mode), writes to `ops` (e.g. flash command sets). */
  static romDevice(
    sys: MemorySystem,
    owner: string | null,
    name: string,
    size: number,
    ops: MemoryRegionOps,
  ): MemoryRegion {
    const mr = new MemoryRegion(sys, 'romd', owner, name, size);
    mr.ops = checkOps(name, ops);
    mr.ramBlock = sys.ramList.alloc(ramIdstr(owner, name), size, { mr, flags: RAM_MIGRATABLE });
    return mr;
  }

  static alias(
    sys: MemorySystem,
    owner: string | null,
    name: string,
    target: MemoryRegion,
    offset: number,
    size: number,
  ): MemoryRegion {
    if (target.destroyed) throw new Error(`alias "${name}": target "${target.name}" was destroyed`);
    checkOffset(`alias "${name}" offset`, offset);
    const mr = new MemoryRegion(sys, 'alias', owner, name, size);
    mr.alias = target;
    mr.aliasOffset = offset;
    target.aliasCount++;
    return mr;
  }

  static iommu(
    sys: MemorySystem,
    owner: string | null,
    name: string,
    size: number,
    ops: IOMMUMemoryRegionOps,
  ): MemoryRegion {
    const mr = new MemoryRegion(sys, 'iommu', owner, name, size);
    mr.iommuOps = ops;
    return mr;
  }

  // ---- queries ----

  /** Does this region end rendering (has contents of its own) rather than delegate? */
  get terminates(): boolean {
    return this.kind !== 'container' && this.kind !== 'alias';
  }

  get isRam(): boolean {
    return this.ramBlock !== null;
  }

  /** Reads of this region go straight to its RAM. */
  get isRamForRead(): boolean {
    return this.kind === 'ram' || this.kind === 'rom' || (this.kind === 'romd' && this.romdMode);
  }

  /** Writes of this region go straight to its RAM. */
  get isRamForWrite(): boolean {
    return this.kind === 'ram' && !this.readonly;
  }

  /** The dirty clients logged for this region (QEMU's memory_region_get_dirty_log_mask). */
  get effectiveDirtyLogMask(): number {
    let mask = this.dirtyLogMask;
    if (this.ramBlock) {
      if (this.sys.globalDirtyTracking && this.ramBlock.migratable) mask |= 1 << 2;
      if (this.sys.codeDirtyTracking) mask |= 1 << 1;
    }
    return mask;
  }

  /** QEMU's type string for info mtree. */
  get typeName(): string {
    if (this.alias) return this.alias.typeName;
    // QEMU's memory_region_is_romd: a ROM device is "romd" only while in romd mode.
    if (this.kind === 'romd') return this.romdMode ? 'romd' : 'i/o';
    if (this.kind === 'rom' || (this.isRam && this.readonly)) return 'rom';
    if (this.isRam) return 'ram';
    return 'i/o';
  }

  /** Absolute address of this region, following containers up to the root. */
  absoluteAddress(): number {
    let a = 0;
    for (let r: MemoryRegion | null = this; r; r = r.container) a += r.addr;
    return a;
  }

  // ---- mutators (each is its own transaction unless one is open) ----

  addSubregion(offset: number, sub: MemoryRegion, priority?: number): void {
    this.addSubregionCommon(offset, sub, priority ?? 0);
  }

  /** QEMU's memory_region_add_subregion_overlap: the priority decides overlaps. */
  addSubregionOverlap(offset: number, sub: MemoryRegion, priority: number): void {
    this.addSubregionCommon(offset, sub, priority);
  }

  private addSubregionCommon(offset: number, sub: MemoryRegion, priority: number): void {
    checkOffset(`subregion "${sub.name}" offset`, offset);
    if (!Number.isInteger(priority)) throw new RangeError(`subregion "${sub.name}": priority must be an integer`);
    if (sub.destroyed) throw new Error(`subregion "${sub.name}" was destroyed`);
    if (sub.container) {
      throw new Error(`region "${sub.name}" is already in container "${sub.container.name}"`);
    }
    if (sub === this || sub.reaches(this)) {
      throw new Error(`adding "${sub.name}" to "${this.name}" would make a cycle in the memory tree`);
    }
    this.sys.transaction(() => {
      sub.container = this;
      sub.addr = offset;
      sub.priority = priority;
      let i = 0;
      // Before the first sibling of lower or equal priority: the newest wins ties.
      while (i < this.subregions.length && this.subregions[i]!.priority > priority) i++;
      this.subregions.splice(i, 0, sub);
      // Nothing visible changes under a disabled parent or for a disabled child (as QEMU).
      this.sys.markUpdatePending(this.enabled && sub.enabled);
    });
  }

  removeSubregion(sub: MemoryRegion): void {
    const i = this.subregions.indexOf(sub);
    if (i < 0) throw new Error(`region "${sub.name}" is not a subregion of "${this.name}"`);
    this.sys.transaction(() => {
      this.subregions.splice(i, 1);
      sub.container = null;
      this.sys.markUpdatePending(this.enabled && sub.enabled);
    });
  }

  setAddress(addr: number): void {
    checkOffset(`region "${this.name}" address`, addr);
    if (addr === this.addr) return;
    const parent = this.container;
    if (!parent) {
      this.addr = addr;
      return;
    }
    // Re-insert so the tie-breaking order matches QEMU's (remove + add as newest).
    this.sys.transaction(() => {
      parent.removeSubregion(this);
      parent.addSubregionCommon(addr, this, this.priority);
    });
  }

  setSize(size: number): void {
    checkSize(this.name, size);
    if (size === this.size) return;
    this.sys.transaction(() => {
      this.size = size;
      this.sys.markUpdatePending(true);
    });
  }

  setAliasOffset(offset: number): void {
    if (!this.alias) throw new Error(`region "${this.name}" is not an alias`);
    checkOffset(`alias "${this.name}" offset`, offset);
    if (offset === this.aliasOffset) return;
    this.sys.transaction(() => {
      this.aliasOffset = offset;
      this.sys.markUpdatePending(this.enabled);
    });
  }

  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.sys.transaction(() => {
      this.enabled = enabled;
      this.sys.markUpdatePending(true);
    });
  }

  setReadonly(readonly: boolean): void {
    if (readonly === this.readonly) return;
    this.sys.transaction(() => {
      this.readonly = readonly;
      this.sys.markUpdatePending(this.enabled);
    });
  }

  setRomdMode(romd: boolean): void {
    if (this.kind !== 'romd') throw new Error(`region "${this.name}" is not a ROM device`);
    if (romd === this.romdMode) return;
    this.sys.transaction(() => {
      this.romdMode = romd;
      this.sys.markUpdatePending(this.enabled);
    });
  }

  setPriority(priority: number): void {
    // Checked here: a refusal after the remove below would leave the region out of its parent.
    if (!Number.isInteger(priority)) throw new RangeError(`region "${this.name}": priority must be an integer`);
    const parent = this.container;
    if (!parent) {
      this.priority = priority;
      return;
    }
    this.sys.transaction(() => {
      parent.removeSubregion(this);
      parent.addSubregionCommon(this.addr, this, priority);
    });
  }

  /** Turn dirty logging for `client` on or off (QEMU: only the VGA client is per region). */
  setLog(log: boolean, client: number): void {
    if (client !== 0) throw new Error('memory region logging can only be set for the VGA client');
    const mask = log ? this.dirtyLogMask | (1 << client) : this.dirtyLogMask & ~(1 << client);
    if (mask === this.dirtyLogMask) return;
    this.sys.transaction(() => {
      this.dirtyLogMask = mask;
      this.sys.markUpdatePending(this.enabled);
    });
  }

  /** Resize a resizeable RAM region's used part (QEMU's memory_region_ram_resize). */
  ramResize(newSize: number): void {
    if (!this.ramBlock) throw new Error(`region "${this.name}" has no RAM`);
    this.sys.ramList.resize(this.ramBlock, newSize);
  }

  /** Free the region's resources. It must be out of every container and not aliased. */
  destroy(): void {
    if (this.destroyed) return;
    if (this.container) throw new Error(`cannot destroy "${this.name}": still in container "${this.container.name}"`);
    if (this.aliasCount > 0) throw new Error(`cannot destroy "${this.name}": ${this.aliasCount} alias(es) point at it`);
    for (const sub of [...this.subregions]) this.removeSubregion(sub);
    if (this.alias) this.alias.aliasCount--;
    if (this.ramBlock) this.sys.ramList.free(this.ramBlock);
    this.ramBlock = null;
    this.destroyed = true;
  }

  /** True if `target` is reachable from this region through subregions or alias targets. */
  reaches(target: MemoryRegion): boolean {
    const seen = new Set<MemoryRegion>();
    const stack: MemoryRegion[] = [this];
    while (stack.length) {
      const r = stack.pop()!;
      if (seen.has(r)) continue;
      seen.add(r);
      if (r !== this && r === target) return true;
      if (r.alias) {
        if (r.alias === target) return true;
        stack.push(r.alias);
      }
      for (const s of r.subregions) {
        if (s === target) return true;
        stack.push(s);
      }
    }
    return false;
  }
}

function ramIdstr(owner: string | null, name: string): string {
  return owner ? `${owner}/${name}` : name;
}

function checkOps(name: string, ops: MemoryRegionOps): MemoryRegionOps {
  const implMax = ops.impl?.maxAccessSize ?? 0;
  if (implMax > 4) {
    throw new RangeError(`region "${name}": impl.maxAccessSize ${implMax} is above 4 (device values are 32-bit)`);
  }
  const validMax = ops.valid?.maxAccessSize ?? 0;
  if (validMax > 8) throw new RangeError(`region "${name}": valid.maxAccessSize ${validMax} is above 8`);
  return ops;
}
