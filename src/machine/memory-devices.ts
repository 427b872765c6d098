// Memory backends (-object memory-backend-ram/-file) and the DIMMs that map them into the pc's
// device memory (-device pc-dimm), placed and checked as QEMU 7.2's pc_dimm_pre_plug and
// memory_device_pre_plug do: a free slot, room below maxmem, a 2 MiB-aligned first fit (or the
// given address, checked), with QEMU's error texts.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { DeviceMemoryRange } from './device-memory.js';
import { BackingStoreError, HostMemFile, type FileBackendSpec } from './hostmem-file.js';

/** QEMU's alignment of anonymous RAM on an x86-64 host (QEMU_VMALLOC_ALIGN): DIMM placement. */
export const DIMM_ALIGN = 2 * 1024 * 1024;
/** A file backend is aligned to its page size (QEMU's file_ram_alloc sets mr->align so). */
const FILE_ALIGN = 4096;

export interface MemdevSpec {
  id: string;
  size: number;
  /** The -object argument, for errors. */
  text: string;
  /** memory-backend-file's properties; absent for memory-backend-ram. */
  file?: FileBackendSpec;
}

export interface DimmSpec {
  id: string | null;
  memdev: string;
  addr: number | null;
  slot: number | null;
  /** The -device argument, for errors. */
  text: string;
}

/** A refused plug or unplug: QEMU's text (and error class for QMP). */
export class MemoryDeviceError extends Error {
  constructor(
    message: string,
    readonly errorClass: 'GenericError' | 'DeviceNotFound' = 'GenericError',
  ) {
    super(message);
  }
}

export interface Memdev {
  id: string;
  size: number;
  region: MemoryRegion;
  /** The DIMM using it, or the machine's RAM (-machine memory-backend): QEMU refuses a second user. */
  user: Dimm | 'machine' | null;
  /** Alignment of its placement in device memory (and of its size for a DIMM). */
  align: number;
  /** memory-backend-file's open file; null for memory-backend-ram. */
  file: HostMemFile | null;
}

export interface Dimm {
  id: string | null;
  memdev: Memdev;
  addr: number;
  slot: number;
  hotplugged: boolean;
}

const hex = (n: number) => '0x' + n.toString(16);

/**
 * A backend's RAM region (its RAMBlock named after the id, as QEMU's) and, for
 * memory-backend-file, its file opened and loaded. `report` gets a file backend's messages.
 */
export function makeBackend(sys: MemorySystem, spec: MemdevSpec, report: (line: string) => void): Memdev {
  const region = MemoryRegion.ram(sys, null, spec.id, spec.size);
  let file: HostMemFile | null = null;
  if (spec.file) {
    try {
      file = HostMemFile.open(spec.id, spec.file, sys, region.ramBlock!, spec.size, report);
    } catch (e) {
      region.destroy();
      if (e instanceof BackingStoreError) throw new MemoryDeviceError(e.message);
      throw e;
    }
  }
  return { id: spec.id, size: spec.size, region, user: null, align: spec.file ? FILE_ALIGN : DIMM_ALIGN, file };
}

export class MemoryDevices {
  readonly memdevs: Memdev[] = [];
  readonly dimms: Dimm[] = [];
  /** Guest ns of the earliest periodic write-back of a file backend (Infinity: none). */
  nextSyncNs = Infinity;
  /** Where a backend's messages go (stderr by default). */
  report: (line: string) => void = (line) => process.stderr.write(`tcg86: ${line}\n`);

  constructor(
    private readonly sys: MemorySystem,
    private readonly container: MemoryRegion | null,
    private readonly range: DeviceMemoryRange | null,
    private readonly slots: number,
    /** maxmem - RAM: the most DIMM memory the machine takes. */
    private readonly room: number,
  ) {}

  addBackend(spec: MemdevSpec): Memdev {
    const m = this.createBackend(spec);
    this.memdevs.push(m);
    return m;
  }

  private createBackend(spec: MemdevSpec): Memdev {
    if (this.memdevs.some((m) => m.id === spec.id)) {
      throw new MemoryDeviceError(`attempt to add duplicate property '${spec.id}' to object (type 'container')`);
    }
    const m = makeBackend(this.sys, spec, (line) => this.report(line));
    if (m.file?.writesBack && spec.file!.syncIntervalMs > 0) this.nextSyncNs = -1;
    return m;
  }

  /** List the backend that is the machine's RAM (made by createBackend before the board's RAM map). */
  adoptMachineBackend(m: Memdev): void {
    m.user = 'machine';
    this.memdevs.push(m);
    if (m.file?.writesBack && m.file.spec.syncIntervalMs > 0) this.nextSyncNs = -1;
  }

  /**
   * Write back the dirty pages of every file backend with share=on (or of `id` alone): monitor
   * request, migration completion, clean exit. Returns the pages written.
   */
  syncBackends(id?: string): number {
    let n = 0;
    for (const m of this.memdevs) if (m.file && (id === undefined || m.id === id)) n += m.file.sync();
    return n;
  }

  /** The periodic write-back: called between slices once guest time reaches nextSyncNs. */
  syncDue(nowNs: number): void {
    let next = Infinity;
    for (const m of this.memdevs) {
      const f = m.file;
      if (!f || !f.writesBack || f.spec.syncIntervalMs <= 0) continue;
      if (f.nextSyncNs < 0) f.nextSyncNs = nowNs + f.spec.syncIntervalMs * 1e6;
      else if (nowNs >= f.nextSyncNs) {
        f.sync();
        f.nextSyncNs = nowNs + f.spec.syncIntervalMs * 1e6;
      }
      next = Math.min(next, f.nextSyncNs);
    }
    this.nextSyncNs = next;
  }

  /** Last write-back and close of every file backend (machine shutdown). */
  closeBackends(): void {
    for (const m of this.memdevs) m.file?.close();
  }

  /**
   * object_del: the backend goes, with its RAM. Translated code made from that RAM is dropped
   * first, so a block allocated later at the same ram_addr cannot run it.
   */
  removeBackend(id: string): void {
    const m = this.memdevs.find((x) => x.id === id);
    if (!m) throw new MemoryDeviceError(`object '${id}' not found`);
    if (m.user) throw new MemoryDeviceError(`object '${id}' is in use, can not be deleted`);
    m.file?.close();
    const block = m.region.ramBlock!;
    this.sys.codeInvalidator?.(block.offset, block.maxLength);
    m.region.destroy();
    this.memdevs.splice(this.memdevs.indexOf(m), 1);
  }

  /**
   * device_del: the DIMM leaves device memory at once. QEMU asks the guest through ACPI and
   * waits for its eject; tcg86 builds no ACPI tables, so no guest could answer, and the unplug
   * completes as soon as it is asked for (the caller then sends DEVICE_DELETED).
   */
  unplug(id: string): Dimm {
    const d = this.dimms.find((x) => x.id === id);
    if (!d) throw new MemoryDeviceError(`Device '${id}' not found`, 'DeviceNotFound');
    // The commit flushes every TLB that sees the view (tcg_commit); code from it is dropped.
    this.sys.transaction(() => this.container!.removeSubregion(d.memdev.region));
    const block = d.memdev.region.ramBlock!;
    this.sys.codeInvalidator?.(block.offset, block.maxLength);
    d.memdev.user = null;
    this.dimms.splice(this.dimms.indexOf(d), 1);
    return d;
  }

  plug(spec: DimmSpec, hotplugged = false): Dimm {
    const fail = (msg: string, cls?: 'DeviceNotFound'): never => {
      throw new MemoryDeviceError(msg, cls);
    };
    if (spec.id !== null && this.dimms.some((d) => d.id === spec.id)) fail(`Duplicate device ID '${spec.id}'`);
    const memdev = this.memdevs.find((m) => m.id === spec.memdev) ?? fail(`Device '${spec.memdev}' not found`, 'DeviceNotFound');
    if (memdev.user) fail(`can't use already busy memdev: ${memdev.id}`);
    const slot = this.freeSlot(spec.slot, fail);
    if (!this.container || !this.range) return fail('memory devices (e.g. for memory hotplug) are not supported by the machine');
    const used = this.dimms.reduce((n, d) => n + d.memdev.size, 0);
    if (used + memdev.size > this.room) fail(`not enough space, currently ${hex(used)} in use of total space for memory devices ${hex(this.room)}`);
    const addr = this.freeAddr(spec.addr, memdev.size, memdev.align, fail);
    const dimm: Dimm = { id: spec.id, memdev, addr, slot, hotplugged };
    memdev.user = dimm;
    this.dimms.push(dimm);
    this.sys.transaction(() => this.container!.addSubregion(addr - this.range!.base, memdev.region));
    return dimm;
  }

  private freeSlot(hint: number | null, fail: (msg: string) => never): number {
    if (this.slots === 0) fail("no slots where allocated, please specify the 'slots' option");
    const busy = new Set(this.dimms.map((d) => d.slot));
    if (hint !== null) {
      if (hint >= this.slots) fail(`invalid slot number ${hint}, valid range is [0-${this.slots - 1}]`);
      if (busy.has(hint)) fail(`slot ${hint} is busy`);
      return hint;
    }
    for (let s = 0; s < this.slots; s++) if (!busy.has(s)) return s;
    return fail('no free slots');
  }

  /** QEMU's memory_device_get_free_addr: the hint checked, or the first aligned gap. */
  private freeAddr(hint: number | null, size: number, align: number, fail: (msg: string) => never): number {
    const { base, size: total } = this.range!;
    if (hint !== null && hint % align !== 0) fail(`address must be aligned to ${hex(align)} bytes`);
    if (size % align !== 0) fail(`backend memory size must be multiple of ${hex(align)}`);
    const taken = [...this.dimms].sort((a, b) => a.addr - b.addr);
    if (hint !== null) {
      if (hint < base || hint + size > base + total) {
        fail(`can't add memory device [${hex(hint)}:${hex(size)}], usable range for memory devices [${hex(base)}:${hex(total)}]`);
      }
      const clash = taken.find((d) => hint < d.addr + d.memdev.size && d.addr < hint + size);
      if (clash) fail(`address range conflicts with memory device id='${clash.id ?? ''}'`);
      return hint;
    }
    let addr = base;
    for (const d of taken) {
      if (addr < d.addr + d.memdev.size && d.addr < addr + size) addr = Math.ceil((d.addr + d.memdev.size) / align) * align;
    }
    if (addr + size > base + total) fail('could not find position in guest address space for memory device - memory fragmented or too small');
    return addr;
  }
}

/** The DIMMs by address, as QEMU's memory_device_list sorts them. */
export function dimmsByAddress(devs: MemoryDevices): Dimm[] {
  return [...devs.dimms].sort((a, b) => a.addr - b.addr);
}

/** `info memory-devices` in QEMU's layout (hmp_info_memory_devices). */
export function formatMemoryDevices(devs: MemoryDevices): string {
  return dimmsByAddress(devs)
    .map(
      (d) =>
        `Memory device [dimm]: "${d.id ?? ''}"\n  addr: ${hex(d.addr)}\n  slot: ${d.slot}\n  node: 0\n  size: ${d.memdev.size}\n` +
        `  memdev: /objects/${d.memdev.id}\n  hotplugged: ${d.hotplugged}\n  hotpluggable: true\n`,
    )
    .join('');
}

/** QEMU's Memdev (query-memdev) for a backend; the machine's RAM is the backend "pc.ram". */
export interface MemdevInfo {
  id: string;
  size: number;
  share: boolean;
}

/**
 * The backends as `info memdev` and query-memdev list them: the user's in order, then pc.ram
 * (unless -machine memory-backend made one of the user's the machine's RAM, as QEMU).
 */
export function memdevList(devs: MemoryDevices, ramSize: number): MemdevInfo[] {
  const list = devs.memdevs.map((m) => ({ id: m.id, size: m.size, share: m.file?.spec.share ?? false }));
  if (!devs.memdevs.some((m) => m.user === 'machine')) list.push({ id: 'pc.ram', size: ramSize, share: false });
  return list;
}

/** `info memdev` in QEMU's layout (hmp_info_memdev). */
export function formatMemdevs(list: MemdevInfo[]): string {
  return list
    .map(
      (m) =>
        `memory backend: ${m.id}\n  size:  ${m.size}\n  merge: true\n  dump: true\n  prealloc: false\n  share: ${m.share}\n` +
        `  reserve: true\n  policy: default\n  host nodes: \n`,
    )
    .join('');
}
