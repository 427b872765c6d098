// AddressSpace: a root region seen through its flat view (QEMU's AddressSpace). Reads and
// writes are split at section boundaries and to each region's access sizes; RAM is copied
// directly, writes to RAM mark it dirty and invalidate translated code there.

import { AddressSpaceDispatch } from './dispatch.js';
import { sectionFromRange, type FlatRange, type FlatView } from './flatview.js';
import type { MemoryListener } from './listener.js';
import type { MemorySystem } from './memory-system.js';
import {
  MEMTX_DECODE_ERROR,
  MEMTX_OK,
  MEMTXATTRS_UNSPECIFIED,
  PHYS_ADDR_LIMIT,
  type MemTxAttrs,
  type MemTxResult,
} from './memtx.js';
import { regionAccessSize, regionDispatchRead, regionDispatchWrite } from './region-access.js';
import { IOMMU_RO, IOMMU_WO, type ValueOut } from './region-ops.js';
import type { MemoryRegion } from './region.js';

/** Result of translate(): where an address lands (reused object; copy what you keep). */
export class Translation {
  /** The range, or null if nothing is mapped (after IOMMU translation). */
  range: FlatRange | null = null;
  /** Offset inside range.mr. */
  offset = 0;
  /** Bytes from the address to the end of the range (or of the IOMMU page). */
  len = 0;
  /** Address space the access finally lands in (differs from `this` after an IOMMU). */
  as: AddressSpace | null = null;
}

/** A mapping returned by map(): direct RAM or a bounce buffer. */
export interface MemoryMapping {
  readonly view: Uint8Array;
  readonly addr: number;
  readonly len: number;
  readonly isWrite: boolean;
  /** ram_addr of view[0] for direct mappings, -1 for a bounce buffer. */
  readonly ramAddr: number;
}

export interface AddressSpaceStats {
  unassignedReads: number;
  unassignedWrites: number;
  romWritesDropped: number;
}

const BOUNCE_LIMIT = 4096;

export class AddressSpace {
  readonly listeners: MemoryListener[] = [];
  readonly stats: AddressSpaceStats = { unassignedReads: 0, unassignedWrites: 0, romWritesDropped: 0 };
  /** Byte read from unassigned addresses (all-ones by default, as an open bus). */
  unassignedByte = 0xff;
  private dispatchMap: AddressSpaceDispatch | null = null;
  /** The range ramAddrOf last found (of the current view; cleared when the view changes). */
  private lastRange: FlatRange | null = null;
  private readonly xlat = new Translation();
  private readonly valueOut: ValueOut = { value: 0 };
  private readonly scratch = new Uint8Array(8);
  private bounceInUse = 0;

  constructor(
    readonly sys: MemorySystem,
    readonly root: MemoryRegion,
    readonly name: string,
    public currentMap: FlatView,
  ) {}

  /** The dispatch map of the current view (built on first use, shared with other spaces). */
  get dispatch(): AddressSpaceDispatch {
    let d = this.dispatchMap;
    if (!d) {
      d = this.currentMap.dispatch ??= new AddressSpaceDispatch(this.currentMap);
      this.dispatchMap = d;
    }
    return d;
  }

  /** Swap in a new view and tell the listeners what changed (called by the commit). */
  setFlatView(view: FlatView): void {
    const old = this.currentMap;
    if (old === view) return;
    this.currentMap = view;
    this.dispatchMap = null;
    this.lastRange = null;
    if (this.listeners.length === 0) return;
    this.updateTopologyPass(old, view, false);
    this.updateTopologyPass(old, view, true);
  }

  /** QEMU's address_space_update_topology_pass: deletes first (reverse), then adds (forward). */
  private updateTopologyPass(old: FlatView, now: FlatView, adding: boolean): void {
    const a = old.ranges;
    const b = now.ranges;
    let i = 0;
    let j = 0;
    const fwd = this.listeners;
    while (i < a.length || j < b.length) {
      const fo = i < a.length ? a[i]! : null;
      const fn = j < b.length ? b[j]! : null;
      if (fo && (!fn || fo.addr < fn.addr || (fo.addr === fn.addr && !fo.equals(fn)))) {
        if (!adding) {
          const s = sectionFromRange(fo);
          for (let k = fwd.length - 1; k >= 0; k--) fwd[k]!.regionDel?.(s);
        }
        i++;
      } else if (fo && fn && fo.equals(fn)) {
        if (adding) {
          const s = sectionFromRange(fn);
          for (const l of fwd) l.regionNop?.(s);
          // QEMU's order: log_start (forward) before log_stop (reverse).
          if (fn.dirtyLogMask & ~fo.dirtyLogMask) {
            for (const l of fwd) l.logStart?.(s, fo.dirtyLogMask, fn.dirtyLogMask);
          }
          if (fo.dirtyLogMask & ~fn.dirtyLogMask) {
            for (let k = fwd.length - 1; k >= 0; k--) fwd[k]!.logStop?.(s, fo.dirtyLogMask, fn.dirtyLogMask);
          }
        }
        i++;
        j++;
      } else {
        if (adding) {
          const s = sectionFromRange(fn!);
          for (const l of fwd) l.regionAdd?.(s);
        }
        j++;
      }
    }
  }

  private checkAddr(addr: number, len: number): void {
    if (!Number.isInteger(addr) || addr < 0 || addr + len > PHYS_ADDR_LIMIT) {
      const at = Number.isInteger(addr) && addr >= 0 ? `0x${addr.toString(16)}` : String(addr);
      throw new RangeError(`${this.name}: access at ${at} (+${len}) is outside 0..2^52`);
    }
  }

  /**
   * Where addr lands: the flat range, offset in its region and bytes left there, following
   * IOMMU regions into their target address spaces. Returns a reused object.
   */
  translate(addr: number, isWrite: boolean, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): Translation {
    const t = this.xlat;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let as: AddressSpace = this;
    let limit = Infinity;
    for (let hops = 0; ; hops++) {
      const range = as.dispatch.rangeAt(addr);
      if (!range || range.mr.kind !== 'iommu') {
        t.as = as;
        t.range = range;
        if (range) {
          t.offset = addr - range.addr + range.offsetInRegion;
          t.len = Math.min(range.end - addr, limit);
        } else {
          t.offset = addr;
          t.len = Math.min(this.unassignedRun(as, addr), limit);
        }
        return t;
      }
      if (hops > 16) throw new Error(`${this.name}: IOMMU translation loops at 0x${addr.toString(16)}`);
      const offset = addr - range.addr + range.offsetInRegion;
      const entry = range.mr.iommuOps!.translate(offset, isWrite ? IOMMU_WO : IOMMU_RO, attrs);
      const need = isWrite ? IOMMU_WO : IOMMU_RO;
      const pageSize = entry.addrMask + 1;
      // The IOMMU pages the region's own offsets (QEMU: translated & ~mask | xlat & mask), which
      // differ from the address-space address when the region is not page aligned there.
      const inPage = offset % pageSize;
      limit = Math.min(limit, pageSize - inPage);
      if (!(entry.perm & need)) {
        t.as = as;
        t.range = null;
        t.offset = addr;
        t.len = limit;
        return t;
      }
      addr = entry.translatedAddr - (entry.translatedAddr % pageSize) + inPage;
      as = entry.targetAs;
    }
  }

  /**
   * The flat range at addr (null in a hole), trying the last one found first: page walks and
   * TLB fills hit the same big RAM range over and over. No IOMMU translation.
   */
  rangeAt(addr: number): FlatRange | null {
    const last = this.lastRange;
    if (last !== null && addr >= last.addr && addr < last.end) return last;
    const range = this.dispatch.rangeAt(addr);
    if (range !== null) this.lastRange = range;
    return range;
  }

  /**
   * The ram_addr of `size` bytes at addr if they lie in plain RAM inside one range (readable,
   * or writable when forWrite), else -1. The cheap path for page walks and TLB fills: no IOMMU,
   * no allocation; callers fall back to the full access path on -1.
   */
  ramAddrOf(addr: number, size: number, forWrite: boolean): number {
    const range = this.rangeAt(addr);
    if (!range || addr + size > range.end) return -1;
    const mr = range.mr;
    if (forWrite ? !mr.isRamForWrite || range.readonly : !mr.isRamForRead) return -1;
    return mr.ramBlock!.offset + (addr - range.addr + range.offsetInRegion);
  }

  /** Bytes from addr up to the next mapped range (a hole's extent). */
  private unassignedRun(as: AddressSpace, addr: number): number {
    const ranges = as.currentMap.ranges;
    for (const r of ranges) if (r.addr > addr) return r.addr - addr;
    return PHYS_ADDR_LIMIT - addr;
  }

  // ---- byte-array accesses ----

  read(addr: number, buf: Uint8Array, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): MemTxResult {
    this.checkAddr(addr, buf.length);
    let result = MEMTX_OK;
    let done = 0;
    while (done < buf.length) {
      const t = this.translate(addr + done, false, attrs);
      let l = Math.min(t.len, buf.length - done);
      const range = t.range;
      if (!range) {
        buf.fill(this.unassignedByte, done, done + l);
        this.stats.unassignedReads++;
        // Only build the message when -d guest_errors wants it: a guest sweeping unassigned
        // memory (a rep cmps over holes) makes one per access.
        if (this.sys.guestErrorLog) this.sys.logGuestError(`Invalid read at addr 0x${(addr + done).toString(16).toUpperCase()}, size ${l}, region '(unassigned)', reason: rejected`);
        result |= MEMTX_DECODE_ERROR;
      } else if (range.mr.isRamForRead) {
        const block = range.mr.ramBlock!;
        const start = block.offset + t.offset;
        buf.set(this.sys.ramList.ram.subarray(start, start + l), done);
      } else {
        l = regionAccessSize(range.mr, l, t.offset);
        const r = regionDispatchRead(range.mr, t.offset, l, attrs, this.valueOut);
        if (r !== MEMTX_OK) this.logInvalid('read', range.mr, t.offset, l);
        result |= r;
        let v = this.valueOut.value;
        for (let k = 0; k < l; k++) {
          buf[done + k] = v & 0xff;
          v >>>= 8;
        }
      }
      done += l;
    }
    return result;
  }

  write(addr: number, buf: Uint8Array, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): MemTxResult {
    this.checkAddr(addr, buf.length);
    let result = MEMTX_OK;
    let done = 0;
    while (done < buf.length) {
      const t = this.translate(addr + done, true, attrs);
      let l = Math.min(t.len, buf.length - done);
      const range = t.range;
      if (!range) {
        this.stats.unassignedWrites++;
        // Only build the message when -d guest_errors wants it: a guest sweeping unassigned
        // memory (a rep cmps over holes) makes one per access.
        if (this.sys.guestErrorLog) this.sys.logGuestError(`Invalid write at addr 0x${(addr + done).toString(16).toUpperCase()}, size ${l}, region '(unassigned)', reason: rejected`);
        result |= MEMTX_DECODE_ERROR;
      } else if (range.mr.isRamForWrite && !range.readonly) {
        const block = range.mr.ramBlock!;
        const start = block.offset + t.offset;
        this.sys.ramList.ram.set(buf.subarray(done, done + l), start);
        this.sys.invalidateAndSetDirty(start, l);
      } else if (range.mr.kind === 'io' || range.mr.kind === 'romd') {
        l = regionAccessSize(range.mr, l, t.offset);
        let v = 0;
        for (let k = l - 1; k >= 0; k--) v = v * 256 + buf[done + k]!;
        const r = regionDispatchWrite(range.mr, t.offset, v, l, attrs);
        if (r !== MEMTX_OK) this.logInvalid('write', range.mr, t.offset, l);
        result |= r;
      } else {
        // ROM, or RAM seen through a read-only alias/container: the write is dropped.
        this.stats.romWritesDropped++;
      }
      done += l;
    }
    return result;
  }

  private logInvalid(what: string, mr: MemoryRegion, offset: number, size: number): void {
    if (this.sys.guestErrorLog) this.sys.logGuestError(`Invalid ${what} at addr 0x${offset.toString(16).toUpperCase()}, size ${size}, region '${mr.name}', reason: rejected`);
  }

  /** Write into ROM as well as RAM (QEMU's address_space_write_rom: loaders and firmware). */
  writeRom(addr: number, buf: Uint8Array): void {
    this.checkAddr(addr, buf.length);
    let done = 0;
    while (done < buf.length) {
      const t = this.translate(addr + done, true);
      const l = Math.min(t.len, buf.length - done);
      const mr = t.range?.mr;
      // Only memory that supports direct access (RAM, ROM, a ROM device in romd mode) is
      // written; devices are left alone, as QEMU's address_space_write_rom does.
      if (mr && mr.isRamForRead) {
        const start = mr.ramBlock!.offset + t.offset;
        this.sys.ramList.ram.set(buf.subarray(done, done + l), start);
        this.sys.invalidateAndSetDirty(start, l);
      }
      done += l;
    }
  }

  // ---- fixed-size little-endian accesses (x86) ----
  /** Result of the last ld* call (st* return theirs). */
  lastResult: MemTxResult = MEMTX_OK;

  private loadN(addr: number, size: number, attrs: MemTxAttrs): number {
    this.checkAddr(addr, size);
    const t = this.translate(addr, false, attrs);
    const range = t.range;
    // As QEMU's ld*/st*: a device region gets the whole access even when it ends inside it.
    if (range && (t.len >= size || range.mr.kind === 'io')) {
      if (range.mr.isRamForRead && t.len >= size) {
        const ram = this.sys.ramList.ram;
        const i = range.mr.ramBlock!.offset + t.offset;
        this.lastResult = MEMTX_OK;
        if (size === 1) return ram[i]!;
        if (size === 2) return ram[i]! | (ram[i + 1]! << 8);
        return (ram[i]! | (ram[i + 1]! << 8) | (ram[i + 2]! << 16) | (ram[i + 3]! << 24)) >>> 0;
      }
      if (regionAccessSize(range.mr, size, t.offset) === size) {
        this.lastResult = regionDispatchRead(range.mr, t.offset, size, attrs, this.valueOut);
        if (this.lastResult !== MEMTX_OK) this.logInvalid('read', range.mr, t.offset, size);
        return this.valueOut.value;
      }
    }
    const buf = this.scratch.subarray(0, size);
    this.lastResult = this.read(addr, buf, attrs);
    let v = 0;
    for (let k = size - 1; k >= 0; k--) v = v * 256 + buf[k]!;
    return v;
  }

  private storeN(addr: number, value: number, size: number, attrs: MemTxAttrs): MemTxResult {
    this.checkAddr(addr, size);
    const t = this.translate(addr, true, attrs);
    const range = t.range;
    if (range && range.mr.kind === 'io' && regionAccessSize(range.mr, size, t.offset) === size) {
      const r = regionDispatchWrite(range.mr, t.offset, value, size, attrs);
      if (r !== MEMTX_OK) this.logInvalid('write', range.mr, t.offset, size);
      return r;
    }
    const buf = this.scratch.subarray(0, size);
    let v = value >>> 0;
    for (let k = 0; k < size; k++) {
      buf[k] = v & 0xff;
      v >>>= 8;
    }
    return this.write(addr, buf, attrs);
  }

  ldub(addr: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): number {
    return this.loadN(addr, 1, attrs);
  }
  lduw(addr: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): number {
    return this.loadN(addr, 2, attrs);
  }
  ldl(addr: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): number {
    return this.loadN(addr, 4, attrs);
  }
  /** 64-bit load as a bigint (off the hot paths). */
  ldq(addr: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): bigint {
    const lo = this.loadN(addr, 4, attrs);
    const r1 = this.lastResult;
    const hi = this.loadN(addr + 4, 4, attrs);
    this.lastResult |= r1;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  stb(addr: number, value: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): MemTxResult {
    return this.storeN(addr, value, 1, attrs);
  }
  stw(addr: number, value: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): MemTxResult {
    return this.storeN(addr, value, 2, attrs);
  }
  stl(addr: number, value: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): MemTxResult {
    return this.storeN(addr, value, 4, attrs);
  }
  stq(addr: number, value: bigint, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): MemTxResult {
    const v = BigInt.asUintN(64, value);
    return this.storeN(addr, Number(v & 0xffffffffn), 4, attrs) | this.storeN(addr + 4, Number(v >> 32n), 4, attrs);
  }

  // ---- direct mappings (QEMU's address_space_map/unmap) ----

  /**
   * Map up to `len` bytes at addr for direct access: RAM gives a view of guest memory (as far
   * as one section reaches), anything else a bounce buffer of at most 4 KiB. Returns null when
   * the bounce buffer is busy (callers retry later, as with QEMU).
   */
  map(addr: number, len: number, isWrite: boolean, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): MemoryMapping | null {
    this.checkAddr(addr, len);
    if (len <= 0) return { view: new Uint8Array(0), addr, len: 0, isWrite, ramAddr: -1 };
    const t = this.translate(addr, isWrite, attrs);
    const range = t.range;
    const direct = range && (isWrite ? range.mr.isRamForWrite && !range.readonly : range.mr.isRamForRead);
    if (direct) {
      const l = Math.min(len, t.len);
      const start = range.mr.ramBlock!.offset + t.offset;
      return { view: this.sys.ramList.ram.subarray(start, start + l), addr, len: l, isWrite, ramAddr: start };
    }
    if (this.bounceInUse > 0) return null;
    const l = Math.min(len, BOUNCE_LIMIT);
    const view = new Uint8Array(l);
    this.bounceInUse++;
    if (!isWrite) this.read(addr, view, attrs);
    return { view, addr, len: l, isWrite, ramAddr: -1 };
  }

  /** Release a mapping; `accessLen` bytes were written (they are marked dirty / written back). */
  unmap(m: MemoryMapping, accessLen: number, attrs: MemTxAttrs = MEMTXATTRS_UNSPECIFIED): void {
    const n = Math.min(accessLen, m.len);
    if (m.ramAddr >= 0) {
      if (m.isWrite && n > 0) this.sys.invalidateAndSetDirty(m.ramAddr, n);
      return;
    }
    if (m.len === 0) return;
    this.bounceInUse--;
    if (m.isWrite && n > 0) this.write(m.addr, m.view.subarray(0, n), attrs);
  }
}
