// A PCI function (QEMU's PCIDevice, hw/pci/pci.c): its 256-byte configuration space with the
// writable (wmask) and write-1-to-clear (w1cmask) masks, its BARs as memory regions that
// move in the bus's memory or I/O space when the guest programs them, and its INTx pin.

import type { MemoryRegion, MemorySystem } from '../../memory/index.js';
import type { PCIBus } from './pci-bus.js';
import {
  PCI_BAR_UNMAPPED,
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_CACHE_LINE_SIZE,
  PCI_CLASS_DEVICE,
  PCI_CLASS_PROG,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_COMMAND_PARITY,
  PCI_COMMAND_SERR,
  PCI_CONFIG_HEADER_SIZE,
  PCI_CONFIG_SPACE_SIZE,
  PCI_DEVICE_ID,
  PCI_HEADER_TYPE,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_NUM_REGIONS,
  PCI_REVISION_ID,
  PCI_ROM_ADDRESS,
  PCI_ROM_ADDRESS_ENABLE,
  PCI_ROM_SLOT,
  PCI_STATUS,
  PCI_STATUS_INTERRUPT,
  PCI_STATUS_W1C,
  PCI_SUBDEVICE_ID_QEMU,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_SUBVENDOR_ID_REDHAT_QUMRANET,
  PCI_VENDOR_ID,
} from './pci-regs.js';

export interface PciIds {
  vendor: number;
  device: number;
  /** Class and subclass (0x0600 host bridge...). */
  classId: number;
  revision?: number;
  progIf?: number;
  headerType?: number;
  /** 1 = INTA#... 0 = none. */
  interruptPin?: number;
  /** Give QEMU's subsystem ids 1af4:1100 (QEMU does for every device it makes). */
  subsystem?: boolean;
}

/** One BAR (QEMU's PCIIORegion). */
export interface PciBar {
  size: number;
  type: number;
  region: MemoryRegion;
  /** Where it maps: the bus's memory or I/O space. */
  space: MemoryRegion;
  /** Current address or PCI_BAR_UNMAPPED. */
  addr: number;
}

export class PCIDevice {
  readonly config = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly wmask = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly w1cmask = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly bars: (PciBar | null)[] = new Array<PciBar | null>(PCI_NUM_REGIONS).fill(null);
  bus: PCIBus | null = null;
  /** INTx levels by pin (bit n = pin n asserted), QEMU's irq_state. */
  irqState = 0;

  constructor(
    readonly sys: MemorySystem,
    /** QEMU's type name as `info pci`/mtree name it (for messages). */
    readonly name: string,
    readonly devfn: number,
    ids: PciIds,
  ) {
    const c = this.config;
    setWord(c, PCI_VENDOR_ID, ids.vendor);
    setWord(c, PCI_DEVICE_ID, ids.device);
    c[PCI_REVISION_ID] = ids.revision ?? 0;
    c[PCI_CLASS_PROG] = ids.progIf ?? 0;
    setWord(c, PCI_CLASS_DEVICE, ids.classId);
    c[PCI_HEADER_TYPE] = ids.headerType ?? 0;
    c[PCI_INTERRUPT_PIN] = ids.interruptPin ?? 0;
    if (ids.subsystem !== false) {
      setWord(c, PCI_SUBSYSTEM_VENDOR_ID, PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
      setWord(c, PCI_SUBSYSTEM_ID, PCI_SUBDEVICE_ID_QEMU);
    }
    // QEMU's pci_init_wmask / pci_init_w1cmask for a type 0 header.
    this.wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    this.wmask[PCI_INTERRUPT_LINE] = 0xff;
    setWord(
      this.wmask,
      PCI_COMMAND,
      PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_SERR | PCI_COMMAND_PARITY,
    );
    this.wmask.fill(0xff, PCI_CONFIG_HEADER_SIZE);
    setWord(this.w1cmask, PCI_STATUS, PCI_STATUS_W1C);
  }

  get slot(): number {
    return this.devfn >> 3;
  }

  get fn(): number {
    return this.devfn & 7;
  }

  /** Offset of BAR n's register (the ROM BAR is at 0x30). */
  static barOffset(n: number): number {
    return n === PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + n * 4;
  }

  /**
   * Declare BAR n (QEMU's pci_register_bar): `region`'s size must be a power of two; the
   * register's low bits give the type; the address bits are writable.
   */
  registerBar(n: number, type: number, region: MemoryRegion): void {
    const bus = this.bus;
    if (!bus) throw new Error(`${this.name}: register BARs after plugging the device into a bus`);
    const size = region.size;
    if (size < 1 || (size & (size - 1)) !== 0 || size > 2 ** 31) throw new Error(`${this.name}: BAR ${n} size ${size} is not a power of two`);
    const isIo = (type & PCI_BASE_ADDRESS_SPACE_IO) !== 0;
    this.bars[n] = { size, type, region, space: isIo ? bus.ioSpace : bus.memSpace, addr: PCI_BAR_UNMAPPED };
    const off = PCIDevice.barOffset(n);
    setLong(this.config, off, type);
    let wmask = ~(size - 1) >>> 0;
    if (n === PCI_ROM_SLOT) wmask |= PCI_ROM_ADDRESS_ENABLE;
    setLong(this.wmask, off, wmask);
  }

  /** Guest reads (QEMU's pci_default_read_config): little-endian bytes of the space. */
  readConfig(addr: number, len: number): number {
    let v = 0;
    for (let k = len - 1; k >= 0; k--) v = v * 256 + this.config[addr + k]!;
    return v;
  }

  writeConfig(addr: number, value: number, len: number): void {
    this.defaultWriteConfig(addr, value, len);
  }

  /**
   * QEMU's pci_default_write_config: bits outside wmask keep their value, w1c bits written
   * as 1 clear; the BARs move when a BAR or the command register changes.
   */
  defaultWriteConfig(addr: number, value: number, len: number): void {
    const c = this.config;
    const wasIntxDisabled = this.intxDisabled;
    for (let k = 0; k < len; k++) {
      const a = addr + k;
      const b = (value >>> (8 * k)) & 0xff;
      const wm = this.wmask[a]!;
      c[a] = (c[a]! & ~wm) | (b & wm);
      c[a] = c[a]! & ~(b & this.w1cmask[a]!);
    }
    if (overlaps(addr, len, PCI_BASE_ADDRESS_0, 24) || overlaps(addr, len, PCI_ROM_ADDRESS, 4) || overlaps(addr, len, PCI_COMMAND, 2)) {
      this.updateMappings();
    }
    if (overlaps(addr, len, PCI_COMMAND, 2) && wasIntxDisabled !== this.intxDisabled) this.updateIrqDisabled(wasIntxDisabled);
  }

  get intxDisabled(): boolean {
    return (word(this.config, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) !== 0;
  }

  /** Where BAR n decodes now (QEMU's pci_bar_address), or PCI_BAR_UNMAPPED. */
  barAddress(n: number): number {
    const bar = this.bars[n]!;
    const cmd = word(this.config, PCI_COMMAND);
    const size = bar.size;
    let raw = long(this.config, PCIDevice.barOffset(n));
    if (bar.type & PCI_BASE_ADDRESS_SPACE_IO) {
      if (!(cmd & PCI_COMMAND_IO)) return PCI_BAR_UNMAPPED;
      const addr = raw - (raw % size);
      const last = addr + size - 1;
      if (last <= addr || last >= 0xffffffff || addr === 0) return PCI_BAR_UNMAPPED;
      return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) return PCI_BAR_UNMAPPED;
    if (n === PCI_ROM_SLOT && !(raw & PCI_ROM_ADDRESS_ENABLE)) return PCI_BAR_UNMAPPED;
    if (bar.type & PCI_BASE_ADDRESS_MEM_TYPE_64) raw += long(this.config, PCIDevice.barOffset(n) + 4) * 2 ** 32;
    const addr = raw - (raw % size);
    const last = addr + size - 1;
    if (last <= addr || addr === 0) return PCI_BAR_UNMAPPED;
    if (!(bar.type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= 0xffffffff) return PCI_BAR_UNMAPPED;
    // The memory core addresses at most 2^52 bytes; a 64-bit BAR beyond that stays unmapped.
    if (last >= 2 ** 52) return PCI_BAR_UNMAPPED;
    return addr;
  }

  /** Move every BAR to where its register and the command say (QEMU's pci_update_mappings). */
  updateMappings(): void {
    this.sys.transaction(() => {
      for (let n = 0; n < PCI_NUM_REGIONS; n++) {
        const bar = this.bars[n];
        if (!bar) continue;
        const addr = this.barAddress(n);
        if (addr === bar.addr) continue;
        if (bar.addr !== PCI_BAR_UNMAPPED) bar.space.removeSubregion(bar.region);
        bar.addr = addr;
        // Priority 1 over the PCI space's other contents, as QEMU maps BARs.
        if (addr !== PCI_BAR_UNMAPPED) bar.space.addSubregionOverlap(addr, bar.region, 1);
      }
    });
  }

  /** Drive INTx on the device's pin (QEMU's pci_set_irq). */
  setIrq(level: boolean): void {
    const pin = this.config[PCI_INTERRUPT_PIN]! - 1;
    if (pin < 0 || pin > 3) return;
    const was = (this.irqState >> pin) & 1;
    const now = level ? 1 : 0;
    if (was === now) return;
    this.irqState ^= 1 << pin;
    const c = this.config;
    if (this.irqState) c[PCI_STATUS] = c[PCI_STATUS]! | PCI_STATUS_INTERRUPT;
    else c[PCI_STATUS] = c[PCI_STATUS]! & ~PCI_STATUS_INTERRUPT;
    if (this.intxDisabled) return;
    this.bus?.changeIrqLevel(this, pin, now - was);
  }

  private updateIrqDisabled(wasDisabled: boolean): void {
    for (let pin = 0; pin < 4; pin++) {
      if (!((this.irqState >> pin) & 1)) continue;
      this.bus?.changeIrqLevel(this, pin, wasDisabled ? 1 : -1);
    }
  }

  /**
   * Bus reset (QEMU's pci_do_device_reset): command and status cleared, interrupt line,
   * cache line size and BARs back to their types, BARs unmapped, INTx deasserted.
   */
  reset(): void {
    for (let pin = 0; pin < 4; pin++) {
      if ((this.irqState >> pin) & 1 && !this.intxDisabled) this.bus?.changeIrqLevel(this, pin, -1);
    }
    this.irqState = 0;
    const c = this.config;
    const clear = (at: number, n: number) => {
      for (let k = 0; k < n; k++) c[at + k] = c[at + k]! & ~(this.wmask[at + k]! | this.w1cmask[at + k]!);
    };
    clear(PCI_COMMAND, 2);
    clear(PCI_STATUS, 2);
    c[PCI_STATUS] = c[PCI_STATUS]! & ~PCI_STATUS_INTERRUPT;
    clear(PCI_INTERRUPT_LINE, 1);
    c[PCI_CACHE_LINE_SIZE] = 0;
    for (let n = 0; n < PCI_NUM_REGIONS; n++) {
      const bar = this.bars[n];
      if (!bar) continue;
      const off = PCIDevice.barOffset(n);
      setLong(c, off, bar.type);
      if (bar.type & PCI_BASE_ADDRESS_MEM_TYPE_64 && !(bar.type & PCI_BASE_ADDRESS_SPACE_IO)) setLong(c, off + 4, 0);
    }
    this.updateMappings();
  }
}

export function overlaps(addr: number, len: number, start: number, n: number): boolean {
  return addr < start + n && start < addr + len;
}

export function word(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

export function long(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export function setWord(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

export function setLong(b: Uint8Array, at: number, v: number): void {
  setWord(b, at, v & 0xffff);
  setWord(b, at + 2, v >>> 16);
}
