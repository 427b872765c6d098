// CPU accesses to the legacy window 0xa0000-0xbffff (QEMU's vga_mem_readb/writeb): the memory
// map select of GR6 picks the part of the window that reaches vram, then chain-4, odd/even or
// planar addressing; planar accesses go through the 32-bit latch (one byte per plane) with the
// read modes, write modes, set/reset, rotate, function select, bit mask and map mask.

import type { VGACommonState } from './vga.js';
import {
  VGA_GFX_BIT_MASK,
  VGA_GFX_COMPARE_MASK,
  VGA_GFX_COMPARE_VALUE,
  VGA_GFX_DATA_ROTATE,
  VGA_GFX_MISC,
  VGA_GFX_MODE,
  VGA_GFX_PLANE_READ,
  VGA_GFX_SR_ENABLE,
  VGA_GFX_SR_VALUE,
  VGA_SEQ_MEMORY_MODE,
  VGA_SEQ_PLANE_WRITE,
  VGA_SR04_CHN_4M,
} from './vga-regs.js';

/** A 4-bit plane mask expanded to the latch's bytes: bit n selects byte n (plane n). */
const MASK16 = new Uint32Array(16);
for (let i = 0; i < 16; i++) {
  MASK16[i] = ((i & 1 ? 0xff : 0) | (i & 2 ? 0xff00 : 0) | (i & 4 ? 0xff0000 : 0) | (i & 8 ? 0xff000000 : 0)) >>> 0;
}

/** GR5 bit 4: host odd/even addressing. */
const GR05_HOST_ODD_EVEN = 0x10;
/** GR5 bit 3: read mode 1 (color compare). */
const GR05_READ_MODE_1 = 0x08;

/**
 * Offset of a window address in vram for the selected memory map, or -1 outside the map.
 * Map 1 (0xa0000, 64 KiB) is where the VBE bank offset applies.
 */
function vramOffset(s: VGACommonState, addr: number): number {
  addr &= 0x1ffff;
  switch ((s.gr[VGA_GFX_MISC]! >> 2) & 3) {
    case 0:
      return addr;
    case 1:
      return addr >= 0x10000 ? -1 : addr + s.bankOffset;
    case 2:
      return addr >= 0x10000 && addr < 0x18000 ? addr - 0x10000 : -1;
    default:
      return addr >= 0x18000 ? addr - 0x18000 : -1;
  }
}

export function vgaMemReadb(s: VGACommonState, windowAddr: number): number {
  let addr = vramOffset(s, windowAddr);
  if (addr < 0) return 0xff;
  if (s.srEff(VGA_SEQ_MEMORY_MODE) & VGA_SR04_CHN_4M) {
    // Chain-4: the address is the vram offset, its low two bits select the plane.
    return addr < s.vramSize ? s.vramPtr[addr]! : 0xff;
  }
  const gr = s.gr;
  if (gr[VGA_GFX_MODE]! & GR05_HOST_ODD_EVEN) {
    // Odd/even (text modes): bit 0 picks plane 0/1 or 2/3 (GR4 bit 1 picks the pair).
    const plane = (gr[VGA_GFX_PLANE_READ]! & 2) | (addr & 1);
    addr = ((addr & ~1) << 1) | plane;
    return addr < s.vramSize ? s.vramPtr[addr]! : 0xff;
  }
  // Planar: every read loads all four planes into the latch.
  if (addr * 4 >= s.vramSize) return 0xff;
  const latch = s.vram32[addr]!;
  s.latch = latch;
  if (!(gr[VGA_GFX_MODE]! & GR05_READ_MODE_1)) {
    return (latch >>> (gr[VGA_GFX_PLANE_READ]! * 8)) & 0xff;
  }
  // Read mode 1: a bit is 1 where every plane not masked out by GR7 matches GR2's color.
  let ret = (latch ^ MASK16[gr[VGA_GFX_COMPARE_VALUE]!]!) & MASK16[gr[VGA_GFX_COMPARE_MASK]!]!;
  ret |= ret >>> 16;
  ret |= ret >>> 8;
  return ~ret & 0xff;
}

export function vgaMemWriteb(s: VGACommonState, windowAddr: number, val: number): void {
  let addr = vramOffset(s, windowAddr);
  if (addr < 0) return;
  val &= 0xff;
  if (s.srEff(VGA_SEQ_MEMORY_MODE) & VGA_SR04_CHN_4M) {
    const mask = 1 << (addr & 3);
    if (s.srEff(VGA_SEQ_PLANE_WRITE) & mask && addr < s.vramSize) {
      s.vramPtr[addr] = val;
      s.planeUpdated |= mask;
      s.setDirty(addr, 1);
    }
    return;
  }
  const gr = s.gr;
  if (gr[VGA_GFX_MODE]! & GR05_HOST_ODD_EVEN) {
    const plane = (gr[VGA_GFX_PLANE_READ]! & 2) | (addr & 1);
    const mask = 1 << plane;
    if (s.srEff(VGA_SEQ_PLANE_WRITE) & mask) {
      addr = ((addr & ~1) << 1) | plane;
      if (addr >= s.vramSize) return;
      s.vramPtr[addr] = val;
      s.planeUpdated |= mask;
      s.setDirty(addr, 1);
    }
    return;
  }
  // Planar: build the 32-bit value for the four planes from the write mode.
  let v: number;
  let bitMask: number;
  const latch = s.latch;
  const mode = gr[VGA_GFX_MODE]! & 3;
  if (mode === 1) {
    // Write mode 1: the latch as loaded by the last read (video memory copies).
    v = latch;
  } else {
    if (mode === 0) {
      const b = gr[VGA_GFX_DATA_ROTATE]! & 7;
      v = ((val >>> b) | (val << (8 - b))) & 0xff;
      v = (v | (v << 8) | (v << 16) | (v << 24)) >>> 0;
      const setMask = MASK16[gr[VGA_GFX_SR_ENABLE]!]!;
      v = ((v & ~setMask) | (MASK16[gr[VGA_GFX_SR_VALUE]!]! & setMask)) >>> 0;
      bitMask = gr[VGA_GFX_BIT_MASK]!;
    } else if (mode === 2) {
      // Write mode 2: the data's low nibble is a color, one bit per plane.
      v = MASK16[val & 0x0f]!;
      bitMask = gr[VGA_GFX_BIT_MASK]!;
    } else {
      // Write mode 3: the rotated data ANDed with the bit mask selects where GR0's color goes.
      const b = gr[VGA_GFX_DATA_ROTATE]! & 7;
      bitMask = gr[VGA_GFX_BIT_MASK]! & ((val >>> b) | (val << (8 - b)));
      v = MASK16[gr[VGA_GFX_SR_VALUE]!]!;
    }
    switch (gr[VGA_GFX_DATA_ROTATE]! >> 3) {
      case 1:
        v &= latch;
        break;
      case 2:
        v |= latch;
        break;
      case 3:
        v ^= latch;
        break;
    }
    bitMask |= bitMask << 8;
    bitMask |= bitMask << 16;
    v = ((v & bitMask) | (latch & ~bitMask)) >>> 0;
  }
  // The map mask (SR2) says which planes take the value.
  const mask = s.srEff(VGA_SEQ_PLANE_WRITE);
  s.planeUpdated |= mask;
  const writeMask = MASK16[mask & 0x0f]!;
  if (addr * 4 >= s.vramSize) return;
  s.vram32[addr] = ((s.vram32[addr]! & ~writeMask) | (v & writeMask)) >>> 0;
  s.setDirty(addr * 4, 4);
}
