// One scanline of a graphics mode into the surface, as QEMU's vga-helpers.h draws it: CGA
// 2 bpp interleaved planes, 16-colour planar, 256-colour (chain-4 / mode X, pixels doubled),
// and the VBE depths. Every vram read is masked to vram's size (QEMU's vga_read_* helpers),
// so no register value reads outside it.

import type { VGACommonState } from '../vga.js';
import { VGA_ATC_PLANE_ENABLE } from '../vga-regs.js';

/** Which drawer a mode uses (QEMU's VGA_DRAW_LINE* values). */
export const DRAW_LINE2 = 0;
export const DRAW_LINE2D2 = 1;
export const DRAW_LINE4 = 2;
export const DRAW_LINE4D2 = 3;
export const DRAW_LINE8D2 = 4;
export const DRAW_LINE8 = 5;
export const DRAW_LINE15 = 6;
export const DRAW_LINE16 = 7;
export const DRAW_LINE24 = 8;
export const DRAW_LINE32 = 9;
/**
 * 15/16 bpp read from a surface shared with vram: QEMU hands vram to pixman as x1r5g5b5 /
 * r5g6b5, which widens a channel by repeating its top bits (the drawers above shift only).
 */
export const DRAW_LINE15_SHARED = 10;
export const DRAW_LINE16_SHARED = 11;

/** Bit j of a byte moved to bit 4j (one pixel per nibble). */
const EXPAND4 = new Uint32Array(256);
/** Bit pair j of a byte moved to bits 4j..4j+1. */
const EXPAND2 = new Uint32Array(256);
/** A 4-bit plane mask as bytes of a dword. */
const MASK16 = new Uint32Array(16);
for (let i = 0; i < 256; i++) {
  let v = 0;
  for (let j = 0; j < 8; j++) v |= ((i >> j) & 1) << (j * 4);
  EXPAND4[i] = v >>> 0;
  v = 0;
  for (let j = 0; j < 4; j++) v |= ((i >> (2 * j)) & 3) << (j * 4);
  EXPAND2[i] = v;
}
for (let i = 0; i < 16; i++) {
  MASK16[i] = ((i & 1 ? 0xff : 0) | (i & 2 ? 0xff00 : 0) | (i & 4 ? 0xff0000 : 0) | (i & 8 ? 0xff000000 : 0)) >>> 0;
}

/**
 * Draw `width` source pixels starting at vram byte `addr` into `d` at `o`. `pal` is the
 * palette the refresh keeps (16 or 256 entries). Returns the number of vram bytes read.
 */
export function drawLine(kind: number, s: VGACommonState, pal: Uint32Array, d: Uint32Array, o: number, addr: number, width: number): number {
  const mask = s.vbeSize - 1;
  const v8 = s.vramPtr;
  const v32 = s.vram32;
  switch (kind) {
    case DRAW_LINE2:
    case DRAW_LINE2D2: {
      const planeMask = MASK16[s.ar[VGA_ATC_PLANE_ENABLE]! & 0xf]!;
      const n = width >> 3;
      const dbl = kind === DRAW_LINE2D2;
      for (let x = 0; x < n; x++) {
        const data = v32[(addr & mask) >>> 2]! & planeMask;
        let v = EXPAND2[data & 0xff]! | (EXPAND2[(data >>> 16) & 0xff]! << 2);
        o = put4(d, o, pal, v, dbl);
        v = EXPAND2[(data >>> 8) & 0xff]! | (EXPAND2[data >>> 24]! << 2);
        o = put4(d, o, pal, v, dbl);
        addr += 4;
      }
      return n * 4;
    }
    case DRAW_LINE4:
    case DRAW_LINE4D2: {
      const planeMask = MASK16[s.ar[VGA_ATC_PLANE_ENABLE]! & 0xf]!;
      const n = width >> 3;
      const dbl = kind === DRAW_LINE4D2;
      for (let x = 0; x < n; x++) {
        const data = v32[(addr & mask) >>> 2]! & planeMask;
        const v =
          (EXPAND4[data & 0xff]! | (EXPAND4[(data >>> 8) & 0xff]! << 1) | (EXPAND4[(data >>> 16) & 0xff]! << 2) | (EXPAND4[data >>> 24]! << 3)) >>> 0;
        o = put4(d, o, pal, v >>> 16, dbl);
        o = put4(d, o, pal, v & 0xffff, dbl);
        addr += 4;
      }
      return n * 4;
    }
    case DRAW_LINE8D2: {
      // Four bytes (chain-4: four pixels; mode X: one pixel of each plane) make eight pixels.
      const n = width >> 3;
      for (let x = 0; x < n; x++) {
        for (let k = 0; k < 4; k++) {
          const c = pal[v8[(addr + k) & mask]!]!;
          d[o++] = c;
          d[o++] = c;
        }
        addr += 4;
      }
      return n * 4;
    }
    case DRAW_LINE8:
      for (let x = 0; x < width; x++) d[o++] = pal[v8[(addr + x) & mask]!]!;
      return width;
    case DRAW_LINE15:
    case DRAW_LINE15_SHARED:
    case DRAW_LINE16:
    case DRAW_LINE16_SHARED:
      for (let x = 0; x < width; x++, addr += 2) {
        const a = addr & mask & ~1;
        const v = v8[a]! | (v8[a + 1]! << 8);
        d[o++] = pixel16(kind, v);
      }
      return width * 2;
    case DRAW_LINE24:
      for (let x = 0; x < width; x++, addr += 3) {
        d[o++] = ((v8[(addr + 2) & mask]! << 16) | (v8[(addr + 1) & mask]! << 8) | v8[addr & mask]!) >>> 0;
      }
      return width * 3;
    default:
      if ((addr & 3) === 0 && addr + width * 4 <= mask + 1) {
        // Aligned and inside vram: one dword per pixel (little-endian B, G, R, X).
        for (let x = 0, i = addr >>> 2; x < width; x++, i++) d[o++] = v32[i]! & 0xffffff;
        return width * 4;
      }
      for (let x = 0; x < width; x++, addr += 4) {
        d[o++] = ((v8[(addr + 2) & mask]! << 16) | (v8[(addr + 1) & mask]! << 8) | v8[addr & mask]!) >>> 0;
      }
      return width * 4;
  }
}

/** Four pixels held in the nibbles of v (the first in bits 12-15), each doubled if asked. */
function put4(d: Uint32Array, o: number, pal: Uint32Array, v: number, dbl: boolean): number {
  for (let sh = 12; sh >= 0; sh -= 4) {
    const c = pal[(v >>> sh) & 0xf]!;
    d[o++] = c;
    if (dbl) d[o++] = c;
  }
  return o;
}

function pixel16(kind: number, v: number): number {
  let r: number;
  let g: number;
  let b: number;
  switch (kind) {
    case DRAW_LINE15:
      r = (v >> 7) & 0xf8;
      g = (v >> 2) & 0xf8;
      b = (v << 3) & 0xf8;
      break;
    case DRAW_LINE16:
      r = (v >> 8) & 0xf8;
      g = (v >> 3) & 0xfc;
      b = (v << 3) & 0xf8;
      break;
    case DRAW_LINE15_SHARED:
      r = (v >> 10) & 0x1f;
      g = (v >> 5) & 0x1f;
      b = v & 0x1f;
      r = (r << 3) | (r >> 2);
      g = (g << 3) | (g >> 2);
      b = (b << 3) | (b >> 2);
      break;
    default:
      r = (v >> 11) & 0x1f;
      g = (v >> 5) & 0x3f;
      b = v & 0x1f;
      r = (r << 3) | (r >> 2);
      g = (g << 2) | (g >> 4);
      b = (b << 3) | (b >> 2);
      break;
  }
  return (r << 16) | (g << 8) | b;
}
