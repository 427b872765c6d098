// Memory backends (-object memory-backend-ram) and the DIMMs that map them into the pc's
// device memory (-device pc-dimm), placed and checked as QEMU 7.2's pc_dimm_pre_plug and
// memory_device_pre_plug do: a free slot, room below maxmem, a 2 MiB-aligned first fit (or the
// given address, checked), with QEMU's error texts.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { DeviceMemoryRange } from './device-memory.js';

/** QEMU's alignment of anonymous RAM on an x86-64 host (QEMU_VMALLOC_ALIGN): DIMM placement. */
export const DIMM_ALIGN = 2 * 1024 * 1024;

export interface MemdevSpec {
  id: string;
  size: number;
  /** The -object argument, for errors. */
  text: string;
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
  /** The DIMM using it (QEMU refuses a second user). */
  user: Dimm | null;
}

export interface Dimm {
  id: string | null;
  memdev: Memdev;
  addr: number;
  slot: number;
  hotplugged: boolean;
}

const hex = (n: number) => '0x' + n.toString(16);

export class MemoryDevices {
  readonly memdevs: Memdev[] = [];
  readonly dimms: Dimm[] = [];

  constructor(
    private readonly sys: MemorySystem,
    private readonly container: MemoryRegion | null,
    private readonly range: DeviceMemoryRange | null,
    private readonly slots: number,
    /** maxmem - RAM: the most DIMM memory the machine takes. */
    private readonly room: number,
  ) {}

  addBackend(spec: MemdevSpec): Memdev {
    if (this.memdevs.some((m) => m.id === spec.id)) {
      throw new MemoryDeviceError(`attempt to add duplicate property '${spec.id}' to object (type 'container')`);
    }
    // The RAMBlock is named after the backend's id, as QEMU's.
    const region = MemoryRegion.ram(this.sys, null, spec.id, spec.size);
    const m: Memdev = { id: spec.id, size: spec.size, region, user: null };
    this.memdevs.push(m);
    return m;
  }

  /**
   * object_del: the backend goes, with its RAM. Translated code made from that RAM is dropped
   * first, so a block allocated later at the same ram_addr cannot run it.
   */
  removeBackend(id: string): void {
    const m = this.memdevs.find((x) => x.id === id);
    if (!m) throw new MemoryDeviceError(`object '${id}' not found`);
    if (m.user) throw new MemoryDeviceError(`object '${id}' is in use, can not be deleted`);
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
    const addr = this.freeAddr(spec.addr, memdev.size, fail);
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
  private freeAddr(hint: number | null, size: number, fail: (msg: string) => never): number {
    const { base, size: total } = this.range!;
    if (hint !== null && hint % DIMM_ALIGN !== 0) fail(`address must be aligned to ${hex(DIMM_ALIGN)} bytes`);
    if (size % DIMM_ALIGN !== 0) fail(`backend memory size must be multiple of ${hex(DIMM_ALIGN)}`);
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
      if (addr < d.addr + d.memdev.size && d.addr < addr + size) addr = Math.ceil((d.addr + d.memdev.size) / DIMM_ALIGN) * DIMM_ALIGN;
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
}

/** The backends as `info memdev` and query-memdev list them: the user's in order, then pc.ram. */
export function memdevList(devs: MemoryDevices, ramSize: number): MemdevInfo[] {
  return [...devs.memdevs.map((m) => ({ id: m.id, size: m.size })), { id: 'pc.ram', size: ramSize }];
}

/** `info memdev` in QEMU's layout (hmp_info_memdev). */
export function formatMemdevs(list: MemdevInfo[]): string {
  return list
    .map(
      (m) =>
        `memory backend: ${m.id}\n  size:  ${m.size}\n  merge: true\n  dump: true\n  prealloc: false\n  share: false\n` +
        `  reserve: true\n  policy: default\n  host nodes: \n`,
    )
    .join('');
}
