// The VGA core with Bochs VBE as QEMU's std-vga has it (hw/display/vga.c, VGACommonState):
// register files, the 16 MiB "vga.vram" RAM block logged for DIRTY_MEMORY_VGA, the
// "vga-lowmem" window at 0xa0000 and the "vga.chain4" alias of vram mapped over it in chain-4.

import {
  DIRTY_MEMORY_VGA,
  MemoryRegion,
  memoryRegionGetDirty,
  memoryRegionSetDirty,
  memoryRegionSnapshotAndClearDirty,
  memoryRegionSnapshotGetDirty,
  memoryRegionResetDirty,
  type DirtyBitmapSnapshot,
  type MemorySystem,
} from '../../memory/index.js';
import { PortioList } from '../portio.js';
import { vgaIoportRead, vgaIoportWrite } from './vga-ioport.js';
import { vgaMemReadb, vgaMemWriteb } from './vga-mem.js';
import { vbeIoportReadData, vbeIoportWriteData } from './vbe.js';
import {
  VBE_DISPI_ENABLED,
  VBE_DISPI_ID5,
  VBE_DISPI_INDEX_ENABLE,
  VBE_DISPI_INDEX_ID,
  VBE_DISPI_INDEX_NB,
  VBE_DISPI_IOPORT_INDEX,
  VGA_GFX_MISC,
  VGA_SEQ_MEMORY_MODE,
  VGA_SEQ_PLANE_WRITE,
  VGA_SR02_ALL_PLANES,
  VGA_SR04_CHN_4M,
} from './vga-regs.js';
import type { VMStateDescription } from '../../memory/index.js';

/** QEMU's default vgamem_mb for the std VGA. */
export const VGA_DEFAULT_VRAM_MB = 16;
/** Size of the legacy window at 0xa0000 (QEMU's vga-lowmem). */
export const VGA_LOWMEM_SIZE = 0x20000;

export interface VgaOptions {
  /** Video memory in MiB, rounded up to a power of two in 1..512 (QEMU's vgamem_mb). */
  vramMb?: number;
  /** Owner of the regions: the RAM block is "<owner>/vga.vram" (QEMU: the PCI address). */
  owner?: string;
}

/**
 * The std VGA's registers, palette and VBE state (QEMU's vmstate_vga_common); vga.vram
 * travels as a RAMBlock. postLoad re-maps the chain-4 window the registers select.
 */
export const VGA_VMSTATE: VMStateDescription = {
  name: 'vga',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'latch', type: 'uint32' },
    { name: 'srIndex', type: 'uint8' },
    { name: 'sr', type: 'buffer' },
    { name: 'srVbe', type: 'buffer' },
    { name: 'grIndex', type: 'uint8' },
    { name: 'gr', type: 'buffer' },
    { name: 'arIndex', type: 'uint8' },
    { name: 'ar', type: 'buffer' },
    { name: 'arFlipFlop', type: 'uint8' },
    { name: 'crIndex', type: 'uint8' },
    { name: 'cr', type: 'buffer' },
    { name: 'msr', type: 'uint8' },
    { name: 'fcr', type: 'uint8' },
    { name: 'dacState', type: 'uint8' },
    { name: 'dacSubIndex', type: 'uint8' },
    { name: 'dacReadIndex', type: 'uint8' },
    { name: 'dacWriteIndex', type: 'uint8' },
    { name: 'dacCache', type: 'buffer' },
    { name: 'palette', type: 'buffer' },
    { name: 'bankOffset', type: 'float64' },
    { name: 'vbeIndex', type: 'uint16' },
    { name: 'vbeRegs', type: 'buffer' },
    { name: 'vbeStartAddr', type: 'float64' },
    { name: 'vbeLineOffset', type: 'float64' },
    { name: 'vbeBankMask', type: 'float64' },
    { name: 'planeUpdated', type: 'uint8' },
    { name: 'st00', type: 'uint8' },
    { name: 'st01', type: 'uint8' },
    { name: 'dac8bit', type: 'bool' },
  ],
  postLoad: (vga: VGACommonState) => vga.updateMemoryAccess(),
  // vramPtr/vram32 are views of vga.vram, which travels as a RAMBlock.
  unmigrated: ['vramSize', 'vbeSize', 'chain4Base', 'vramPtr', 'vram32'],
};

export class VGACommonState {
  readonly vramSize: number;
  /** Bytes the VBE modes may use (all of vram). */
  readonly vbeSize: number;
  readonly vram: MemoryRegion;
  readonly lowmem: MemoryRegion;
  readonly vgaPorts: PortioList;
  readonly vbePorts: PortioList;
  /** vram as bytes and as little-endian dwords (one byte per plane); re-pointed if RAM moves. */
  vramPtr: Uint8Array;
  vram32: Uint32Array;

  // ---- registers (QEMU's VGACommonState fields) ----
  latch = 0;
  srIndex = 0;
  readonly sr = new Uint8Array(256);
  /** The sequencer as the memory logic sees it while VBE is enabled (chain-4 forced on). */
  readonly srVbe = new Uint8Array(256);
  grIndex = 0;
  readonly gr = new Uint8Array(256);
  arIndex = 0;
  readonly ar = new Uint8Array(21);
  arFlipFlop = 0;
  crIndex = 0;
  readonly cr = new Uint8Array(256);
  msr = 0;
  fcr = 0;
  st00 = 0;
  st01 = 0;
  dacState = 0;
  dacSubIndex = 0;
  dacReadIndex = 0;
  dacWriteIndex = 0;
  readonly dacCache = new Uint8Array(3);
  dac8bit = false;
  readonly palette = new Uint8Array(768);
  bankOffset = 0;
  vbeIndex = 0;
  readonly vbeRegs = new Uint16Array(VBE_DISPI_INDEX_NB);
  vbeStartAddr = 0;
  vbeLineOffset = 0;
  vbeBankMask = 0;
  /** Planes written since the display last looked (QEMU: used to detect font changes). */
  planeUpdated = 0;

  /** Where vga-lowmem and the chain-4 alias live (QEMU's legacy_address_space). */
  private legacyAddressSpace: MemoryRegion | null = null;
  private chain4Alias: MemoryRegion | null = null;
  private chain4Base = -1;

  constructor(
    readonly sys: MemorySystem,
    opts: VgaOptions = {},
  ) {
    const owner = opts.owner ?? null;
    let mb = Math.min(512, Math.max(1, opts.vramMb ?? VGA_DEFAULT_VRAM_MB));
    mb = 2 ** Math.ceil(Math.log2(mb));
    this.vramSize = mb * 1024 * 1024;
    this.vbeSize = this.vramSize;
    this.vram = MemoryRegion.ram(sys, owner, 'vga.vram', this.vramSize);
    // A display finds what changed through the VGA client (QEMU's vga_dirty_log_start).
    this.vram.setLog(true, DIRTY_MEMORY_VGA);
    this.vramPtr = this.vram.ramBlock!.host;
    this.vram32 = dwords(this.vramPtr);
    sys.ramList.onBackingChanged(() => {
      this.vramPtr = this.vram.ramBlock!.host;
      this.vram32 = dwords(this.vramPtr);
    });
    this.lowmem = MemoryRegion.io(sys, owner, 'vga-lowmem', VGA_LOWMEM_SIZE, {
      read: (addr) => vgaMemReadb(this, addr),
      write: (addr, value) => vgaMemWriteb(this, addr, value),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    const ioRead = (port: number) => vgaIoportRead(this, port);
    const ioWrite = (port: number, value: number) => vgaIoportWrite(this, port, value);
    // QEMU's vga_portio_list: 0x3b4-5, 0x3ba, 0x3c0-f, 0x3d4-5, 0x3da, byte wide.
    this.vgaPorts = new PortioList(
      sys,
      owner,
      'vga',
      [0x04, 0x0a, 0x10, 0x24, 0x2a].map((offset, i) => ({
        offset,
        len: [2, 1, 16, 2, 1][i]!,
        size: 1 as const,
        read: ioRead,
        write: ioWrite,
      })),
      0x3b0,
    );
    // QEMU's vbe_portio_list: index at 0x1ce, data at 0x1cf (x86 only) and 0x1d0, word wide.
    const dataRead = () => vbeIoportReadData(this);
    const dataWrite = (_port: number, value: number) => vbeIoportWriteData(this, value);
    this.vbePorts = new PortioList(
      sys,
      owner,
      'vbe',
      [
        { offset: 0, len: 1, size: 2, read: () => this.vbeIndex, write: (_p, v) => (this.vbeIndex = v & 0xffff) },
        { offset: 1, len: 1, size: 2, read: dataRead, write: dataWrite },
        { offset: 2, len: 1, size: 2, read: dataRead, write: dataWrite },
      ],
      VBE_DISPI_IOPORT_INDEX,
    );
    this.reset();
    sys.vmstate.register(VGA_VMSTATE, this);
  }

  /**
   * Put the window into `legacy` (the PCI memory space, above RAM and under the chain-4
   * alias) and the ports into `ioRoot` (QEMU's vga_init).
   */
  map(legacy: MemoryRegion, ioRoot: MemoryRegion): void {
    this.sys.transaction(() => {
      this.legacyAddressSpace = legacy;
      legacy.addSubregionOverlap(0xa0000, this.lowmem, 1);
      this.vgaPorts.map(ioRoot);
      this.vbePorts.map(ioRoot);
      this.updateMemoryAccess();
    });
  }

  /** Whether vram is mapped straight into the window (QEMU's has_chain4_alias). */
  get hasChain4Alias(): boolean {
    return this.chain4Base >= 0;
  }

  get vbeEnabled(): boolean {
    return (this.vbeRegs[VBE_DISPI_INDEX_ENABLE]! & VBE_DISPI_ENABLED) !== 0;
  }

  /** A sequencer register as the memory logic uses it (QEMU's sr()). */
  srEff(index: number): number {
    return this.vbeEnabled ? this.srVbe[index]! : this.sr[index]!;
  }

  /**
   * Map vram straight into the window while chain-4 writes all planes (QEMU's
   * vga_update_memory_access): the CPU then reads and writes it as RAM through its TLB, and
   * only the rest of the window goes through vga-lowmem.
   */
  updateMemoryAccess(): void {
    const legacy = this.legacyAddressSpace;
    if (!legacy) return;
    let base = -1;
    let offset = 0;
    let size = 0;
    if ((this.srEff(VGA_SEQ_PLANE_WRITE) & VGA_SR02_ALL_PLANES) === VGA_SR02_ALL_PLANES && this.srEff(VGA_SEQ_MEMORY_MODE) & VGA_SR04_CHN_4M) {
      switch ((this.gr[VGA_GFX_MISC]! >> 2) & 3) {
        case 0:
          base = 0xa0000;
          size = 0x20000;
          break;
        case 1:
          base = 0xa0000;
          size = 0x10000;
          offset = this.bankOffset;
          break;
        case 2:
          base = 0xb0000;
          size = 0x8000;
          break;
        default:
          base = 0xb8000;
          size = 0x8000;
          break;
      }
    }
    const alias = this.chain4Alias;
    const mapped = alias !== null && alias.container !== null;
    if (!mapped && base < 0) return;
    // QEMU deletes and re-adds the alias on every call; an unchanged mapping is left alone
    // here, which gives the same memory map without rendering it again.
    if (mapped && base === this.chain4Base && alias.aliasOffset === offset && alias.size === size) return;
    this.sys.transaction(() => {
      if (mapped) {
        legacy.removeSubregion(alias);
        this.chain4Base = -1;
        this.planeUpdated = 0xf;
      }
      if (base < 0) return;
      if (!alias) {
        this.chain4Alias = MemoryRegion.alias(this.sys, this.vram.owner, 'vga.chain4', this.vram, offset, size);
      } else {
        alias.setAliasOffset(offset);
        alias.setSize(size);
      }
      legacy.addSubregionOverlap(base, this.chain4Alias!, 2);
      this.chain4Base = base;
    });
  }

  /** Machine reset (QEMU's vga_common_reset): registers cleared, vram kept. */
  reset(): void {
    this.srIndex = 0;
    this.sr.fill(0);
    this.srVbe.fill(0);
    this.grIndex = 0;
    this.gr.fill(0);
    this.arIndex = 0;
    this.ar.fill(0);
    this.arFlipFlop = 0;
    this.crIndex = 0;
    this.cr.fill(0);
    this.msr = 0;
    this.fcr = 0;
    this.st00 = 0;
    this.st01 = 0;
    this.dacState = 0;
    this.dacSubIndex = 0;
    this.dacReadIndex = 0;
    this.dacWriteIndex = 0;
    this.dacCache.fill(0);
    this.dac8bit = false;
    this.palette.fill(0);
    this.bankOffset = 0;
    this.vbeIndex = 0;
    this.vbeRegs.fill(0);
    this.vbeRegs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    this.vbeStartAddr = 0;
    this.vbeLineOffset = 0;
    this.vbeBankMask = (this.vramSize >>> 16) - 1;
    this.planeUpdated = 0;
    this.updateMemoryAccess();
  }

  // ---- what a display needs: dirty vram between two refreshes ----

  /** vram bytes [offset, offset+length) changed: mark them for every dirty client. */
  setDirty(offset: number, length: number): void {
    memoryRegionSetDirty(this.vram, offset, length);
  }

  /** Has any page of [offset, offset+length) of vram been written since it was last cleared? */
  getDirty(offset: number, length: number): boolean {
    return memoryRegionGetDirty(this.vram, offset, length, DIRTY_MEMORY_VGA);
  }

  /**
   * Take and clear the VGA dirty bits of a vram range in one step (QEMU's
   * memory_region_snapshot_and_clear_dirty); ask the snapshot with snapshotGetDirty.
   */
  snapshotAndClearDirty(offset: number, length: number, reuse?: DirtyBitmapSnapshot): DirtyBitmapSnapshot {
    return memoryRegionSnapshotAndClearDirty(this.vram, offset, length, DIRTY_MEMORY_VGA, reuse);
  }

  snapshotGetDirty(snap: DirtyBitmapSnapshot, offset: number, length: number): boolean {
    return memoryRegionSnapshotGetDirty(this.vram, snap, offset, length);
  }

  /** Test and clear the VGA dirty bits of a vram range (QEMU's memory_region_reset_dirty). */
  testAndClearDirty(offset: number, length: number): boolean {
    return memoryRegionResetDirty(this.vram, offset, length, DIRTY_MEMORY_VGA);
  }
}

function dwords(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
}
