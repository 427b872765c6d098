// Colours as QEMU's vga.c computes them: the 6-bit DAC entries widened to 8 bits by c6_to_8,
// the 16-entry palette through the attribute controller (update_palette16) and the 256-entry
// one straight from the DAC (update_palette256), 8-bit when VBE asked for an 8-bit DAC.

import type { VGACommonState } from '../vga.js';
import { VGA_ATC_COLOR_PAGE, VGA_ATC_MODE } from '../vga-regs.js';

/** QEMU's c6_to_8: a 6-bit DAC value to 8 bits, the low bit copied into the two new ones. */
export function c6To8(v: number): number {
  v &= 0x3f;
  const b = v & 1;
  return (v << 2) | (b << 1) | b;
}

/** QEMU's rgb_to_pixel32. */
export function rgbToPixel32(r: number, g: number, b: number): number {
  return ((r << 16) | (g << 8) | b) >>> 0;
}

/**
 * The 16 colours of text and planar modes: attribute palette entry, colour select (AR14, its
 * bits 0-1 replacing entry bits 4-5 when AR10 bit 7 is set), then the DAC. Returns true when
 * a colour changed (the refresh then redraws everything).
 */
export function updatePalette16(s: VGACommonState, palette: Uint32Array): boolean {
  let changed = false;
  const ar = s.ar;
  for (let i = 0; i < 16; i++) {
    let v = ar[i]!;
    if (ar[VGA_ATC_MODE]! & 0x80) v = ((ar[VGA_ATC_COLOR_PAGE]! & 0xf) << 4) | (v & 0xf);
    else v = ((ar[VGA_ATC_COLOR_PAGE]! & 0xc) << 4) | (v & 0x3f);
    v *= 3;
    const col = rgbToPixel32(c6To8(s.palette[v]!), c6To8(s.palette[v + 1]!), c6To8(s.palette[v + 2]!));
    if (col !== palette[i]) {
      changed = true;
      palette[i] = col;
    }
  }
  return changed;
}

/** The 256 DAC colours (mode 13h, VBE 8 bpp). True when a colour changed. */
export function updatePalette256(s: VGACommonState, palette: Uint32Array): boolean {
  let changed = false;
  const p = s.palette;
  const wide = s.dac8bit;
  for (let i = 0, v = 0; i < 256; i++, v += 3) {
    const col = wide ? rgbToPixel32(p[v]!, p[v + 1]!, p[v + 2]!) : rgbToPixel32(c6To8(p[v]!), c6To8(p[v + 1]!), c6To8(p[v + 2]!));
    if (col !== palette[i]) {
      changed = true;
      palette[i] = col;
    }
  }
  return changed;
}
