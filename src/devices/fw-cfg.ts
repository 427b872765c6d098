// QEMU's fw_cfg on the pc's I/O ports (hw/nvram/fw_cfg.c): a 16-bit selector at 0x510, a byte
// data port at 0x511, and the DMA interface at 0x514 (a big-endian 64-bit register holding the
// guest-physical address of a descriptor; writing its low half starts the transfer). DMA
// reads write guest memory through the address space, as a device does, so translated code
// they overwrite is invalidated.

import { bswap, MEMTX_OK, MemoryRegion, type AddressSpace, type MemorySystem } from '../memory/index.js';
import type { VMStateDescription } from '../memory/index.js';

export const FW_CFG_SIGNATURE = 0x00;
export const FW_CFG_ID = 0x01;
export const FW_CFG_UUID = 0x02;
export const FW_CFG_RAM_SIZE = 0x03;
export const FW_CFG_NOGRAPHIC = 0x04;
export const FW_CFG_NB_CPUS = 0x05;
export const FW_CFG_NUMA = 0x0d;
export const FW_CFG_BOOT_MENU = 0x0e;
export const FW_CFG_MAX_CPUS = 0x0f;
export const FW_CFG_FILE_DIR = 0x19;
/** Files get keys from here on, in name order (QEMU's FW_CFG_FILE_FIRST). */
export const FW_CFG_FILE_FIRST = 0x20;
/** The x86 architecture keys QEMU's pc sets (FW_CFG_ARCH_LOCAL + n). */
export const FW_CFG_ACPI_TABLES = 0x8000;
export const FW_CFG_SMBIOS_ENTRIES = 0x8001;
export const FW_CFG_IRQ0_OVERRIDE = 0x8002;
export const FW_CFG_E820_TABLE = 0x8003;
export const FW_CFG_HPET = 0x8004;
/** Longest file name, with its NUL (FWCfgFile.name). */
export const FW_CFG_MAX_FILE_PATH = 56;

/** FW_CFG_ID feature bits: the traditional ports, and DMA. */
const FW_CFG_VERSION = 0x01;
const FW_CFG_VERSION_DMA = 0x02;

/** Descriptor control bits (FWCfgDmaAccess.control, big-endian). */
export const FW_CFG_DMA_CTL_ERROR = 0x01;
export const FW_CFG_DMA_CTL_READ = 0x02;
export const FW_CFG_DMA_CTL_SKIP = 0x04;
export const FW_CFG_DMA_CTL_SELECT = 0x08;
export const FW_CFG_DMA_CTL_WRITE = 0x10;
/** What a read of the DMA register returns: "QEMU CFG". */
const DMA_SIGNATURE_HI = 0x51454d55;
const DMA_SIGNATURE_LO = 0x20434647;

export interface FwCfgFile {
  name: string;
  data: Uint8Array;
}

export interface FwCfgConfig {
  ramSize: number;
  nographic: boolean;
  /** -smp: the CPUs present at boot and the APIC ID limit (FW_CFG_NB_CPUS, FW_CFG_MAX_CPUS); 1 by default. */
  cpus?: number;
  maxCpus?: number;
  /** Named files for the directory (key 0x19); the board adds QEMU's pc files here. */
  files?: FwCfgFile[];
  /** More numbered items (key, bytes), such as a direct kernel boot's FW_CFG_KERNEL_* keys. */
  items?: [number, Uint8Array][];
  /** The HPET for key 0x8004 (its capability's low half and its address); null without one. */
  hpet?: { blockId: number; address: number } | null;
}

/** fw_cfg's selector, offset and DMA address (QEMU's vmstate_fw_cfg); the items are configuration. */
export const FW_CFG_VMSTATE: VMStateDescription = {
  name: 'fw_cfg',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'curEntry', type: 'uint16' },
    { name: 'curOffset', type: 'uint32' },
    { name: 'dmaAddrHi', type: 'uint32' },
    { name: 'dmaAddrLo', type: 'uint32' },
  ],
  unmigrated: ['buf'],
};

export class FwCfg {
  readonly ctl: MemoryRegion;
  readonly dma: MemoryRegion;
  private readonly entries = new Map<number, Uint8Array>();
  /** Reset selects the signature (QEMU's fw_cfg_reset), so a bare data read gives "QEMU". */
  private curEntry = FW_CFG_SIGNATURE;
  private curOffset = 0;
  private dmaAddrHi = 0;
  private dmaAddrLo = 0;
  private readonly buf = new Uint8Array(16);

  constructor(
    sys: MemorySystem,
    /** Where DMA descriptors and data live (the machine's memory). */
    private readonly as: AddressSpace,
    cfg: FwCfgConfig,
  ) {
    this.add(FW_CFG_SIGNATURE, new TextEncoder().encode('QEMU'));
    this.add(FW_CFG_ID, le(FW_CFG_VERSION | FW_CFG_VERSION_DMA, 4));
    this.add(FW_CFG_UUID, new Uint8Array(16));
    this.add(FW_CFG_RAM_SIZE, le(cfg.ramSize, 8));
    this.add(FW_CFG_NOGRAPHIC, le(cfg.nographic ? 1 : 0, 2));
    this.add(FW_CFG_NB_CPUS, le(cfg.cpus ?? 1, 2));
    this.add(FW_CFG_MAX_CPUS, le(cfg.maxCpus ?? cfg.cpus ?? 1, 2));
    this.add(FW_CFG_BOOT_MENU, le(0, 2));
    // NUMA: the node count, then one node per possible APIC id, then each node's memory (none).
    this.add(FW_CFG_NUMA, new Uint8Array(8 * (1 + (cfg.maxCpus ?? cfg.cpus ?? 1))));
    this.add(FW_CFG_ACPI_TABLES, le(0, 2));
    this.add(FW_CFG_SMBIOS_ENTRIES, le(0, 2));
    this.add(FW_CFG_IRQ0_OVERRIDE, le(1, 4));
    this.add(FW_CFG_E820_TABLE, le(0, 4));
    this.add(FW_CFG_HPET, hpetTable(cfg.hpet ?? null));
    for (const [key, data] of cfg.items ?? []) this.add(key, data);
    this.addFiles(cfg.files ?? []);
    // As QEMU: a 16-bit write at 0x510 selects, a byte read at 0x511 reads; nothing else is valid.
    this.ctl = MemoryRegion.io(sys, 'fwcfg', 'fwcfg', 2, {
      read: () => this.readByte(),
      write: (_addr, value) => this.select(value & 0xffff),
      valid: { minAccessSize: 1, maxAccessSize: 2, accepts: (addr, size) => (size === 1 && addr === 1) || (size === 2 && addr === 0) },
      impl: { minAccessSize: 1, maxAccessSize: 2 },
    });
    this.dma = MemoryRegion.io(sys, 'fwcfg.dma', 'fwcfg.dma', 8, {
      read: (addr) => (addr === 0 ? DMA_SIGNATURE_HI : DMA_SIGNATURE_LO),
      write: (addr, value) => {
        if (addr === 0) {
          this.dmaAddrHi = value >>> 0;
          this.dmaAddrLo = 0;
        } else {
          this.dmaAddrLo = value >>> 0;
          this.transfer();
        }
      },
      endianness: 'big',
      valid: { minAccessSize: 4, maxAccessSize: 8, accepts: (addr, size) => (size === 4 && (addr === 0 || addr === 4)) || (size === 8 && addr === 0) },
      impl: { minAccessSize: 4, maxAccessSize: 4 },
    });
    sys.vmstate.register(FW_CFG_VMSTATE, this);
  }

  private add(key: number, data: Uint8Array): void {
    this.entries.set(key, data);
  }

  /**
   * The file directory (key 0x19): a big-endian count, then per file its big-endian size and
   * key and a 56-byte name; files are sorted by name and numbered from 0x20 in that order.
   */
  private addFiles(files: FwCfgFile[]): void {
    const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dir = new Uint8Array(4 + 64 * sorted.length);
    const view = new DataView(dir.buffer);
    view.setUint32(0, sorted.length);
    sorted.forEach((f, i) => {
      const name = new TextEncoder().encode(f.name);
      if (name.length >= FW_CFG_MAX_FILE_PATH) throw new RangeError(`fw_cfg: file name '${f.name}' is too long`);
      if (i > 0 && sorted[i - 1]!.name === f.name) throw new RangeError(`fw_cfg: duplicate file '${f.name}'`);
      const key = FW_CFG_FILE_FIRST + i;
      const at = 4 + 64 * i;
      view.setUint32(at, f.data.length);
      view.setUint16(at + 4, key);
      dir.set(name, at + 8);
      this.add(key, f.data);
    });
    this.add(FW_CFG_FILE_DIR, dir);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(0x510, this.ctl);
    ioRoot.addSubregion(0x514, this.dma);
  }

  reset(): void {
    this.select(FW_CFG_SIGNATURE);
    this.dmaAddrHi = 0;
    this.dmaAddrLo = 0;
  }

  /** A key without data reads as zeros, as an invalid key does in QEMU. */
  private select(key: number): void {
    this.curOffset = 0;
    this.curEntry = key;
  }

  private readByte(): number {
    const e = this.entries.get(this.curEntry);
    if (!e || this.curOffset >= e.length) return 0;
    return e[this.curOffset++]!;
  }

  /**
   * Run the descriptor at the DMA address (QEMU's fw_cfg_dma_transfer): select, then read,
   * skip or write `length` bytes; reads past the item's end give zeros; the control word is
   * written back as 0, or with the error bit.
   */
  private transfer(): void {
    const desc = this.dmaAddrHi * 2 ** 32 + this.dmaAddrLo;
    this.dmaAddrHi = 0;
    this.dmaAddrLo = 0;
    const b = this.buf;
    if (this.as.read(desc, b) !== MEMTX_OK) {
      this.as.stl(desc, bswap(FW_CFG_DMA_CTL_ERROR, 4));
      return;
    }
    let control = be32(b, 0);
    let length = be32(b, 4);
    let address = be32(b, 8) * 2 ** 32 + be32(b, 12);
    if (control & FW_CFG_DMA_CTL_SELECT) this.select(control >>> 16);
    // Read wins over write, write over skip; a descriptor with none of them moves nothing.
    const read = (control & FW_CFG_DMA_CTL_READ) !== 0;
    const write = !read && (control & FW_CFG_DMA_CTL_WRITE) !== 0;
    if (!read && !write && !(control & FW_CFG_DMA_CTL_SKIP)) length = 0;
    control = 0;
    const e = this.entries.get(this.curEntry);
    while (length > 0 && !(control & FW_CFG_DMA_CTL_ERROR)) {
      let len: number;
      if (!e || this.curOffset >= e.length) {
        len = length;
        if (read && this.as.write(address, new Uint8Array(len)) !== MEMTX_OK) control |= FW_CFG_DMA_CTL_ERROR;
        if (write) control |= FW_CFG_DMA_CTL_ERROR;
      } else {
        len = Math.min(length, e.length - this.curOffset);
        if (read && this.as.write(address, e.subarray(this.curOffset, this.curOffset + len)) !== MEMTX_OK) control |= FW_CFG_DMA_CTL_ERROR;
        if (write) control |= FW_CFG_DMA_CTL_ERROR; // no entry of ours is writable
        this.curOffset += len;
      }
      address += len;
      length -= len;
    }
    this.as.stl(desc, bswap(control, 4)); // the control word is big-endian in guest memory
  }
}

/**
 * QEMU's struct hpet_fw_config: a count, then 8 packed entries (event_timer_block_id, 64-bit
 * address, min_tick, page_prot). QEMU's count starts at 0xff and becomes the number of HPETs
 * when one is created, so a machine without one says 0xff.
 */
function hpetTable(hpet: { blockId: number; address: number } | null): Uint8Array {
  const out = new Uint8Array(1 + 8 * 15);
  out[0] = hpet ? 1 : 0xff;
  if (hpet) {
    out.set(le(hpet.blockId, 4), 1);
    out.set(le(hpet.address, 8), 5);
  }
  return out;
}

function le(v: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = Math.floor(v / 2 ** (8 * k)) & 0xff;
  return out;
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
