// Graphics modes (QEMU's vga_draw_graphic): the geometry from the CRTC or the VBE registers,
// CGA scanline interleave, multi-scan and double scan, the split line, and a redraw of only
// the scanlines whose vram bytes touch a page the VGA dirty client saw written since the last
// refresh. The dirty bits are taken (and cleared) over the visible part of vram only.

import {
  VBE_DISPI_INDEX_BPP,
  VBE_DISPI_INDEX_XRES,
  VBE_DISPI_INDEX_YRES,
  VGA_CRTC_H_DISP,
  VGA_CRTC_MAX_SCAN,
  VGA_CRTC_MODE,
  VGA_CRTC_OVERFLOW,
  VGA_CRTC_V_DISP_END,
  VGA_GFX_MODE,
  VGA_SEQ_CLOCK_MODE,
} from '../vga-regs.js';
import {
  DRAW_LINE15,
  DRAW_LINE15_SHARED,
  DRAW_LINE16,
  DRAW_LINE16_SHARED,
  DRAW_LINE2,
  DRAW_LINE24,
  DRAW_LINE2D2,
  DRAW_LINE32,
  DRAW_LINE4,
  DRAW_LINE4D2,
  DRAW_LINE8,
  DRAW_LINE8D2,
  drawLine,
} from './draw-line.js';
import { updatePalette16, updatePalette256 } from './palette.js';
import type { VgaDisplay } from './vga-display.js';

/** Width and height in pixels (QEMU's vga_get_resolution), into `d.res`. */
export function graphicResolution(d: VgaDisplay): void {
  const s = d.vga;
  const r = d.res;
  if (s.vbeEnabled) {
    r[0] = s.vbeRegs[VBE_DISPI_INDEX_XRES]!;
    r[1] = s.vbeRegs[VBE_DISPI_INDEX_YRES]!;
    return;
  }
  const cr = s.cr;
  const height = cr[VGA_CRTC_V_DISP_END]! | ((cr[VGA_CRTC_OVERFLOW]! & 0x02) << 7) | ((cr[VGA_CRTC_OVERFLOW]! & 0x40) << 3);
  r[0] = (cr[VGA_CRTC_H_DISP]! + 1) * 8;
  r[1] = height + 1;
}

/** VBE's depth, 0 for the VGA modes (QEMU's vga_get_bpp). */
export function graphicBpp(d: VgaDisplay): number {
  return d.vga.vbeEnabled ? d.vga.vbeRegs[VBE_DISPI_INDEX_BPP]! : 0;
}

export function drawGraphic(d: VgaDisplay, fullUpdate: boolean): void {
  const s = d.vga;
  const cr = s.cr;
  if (d.updateBasicParams()) fullUpdate = true;
  graphicResolution(d);
  const width = d.res[0]!;
  const height = d.res[1]!;
  let dispWidth = width;
  const depth = graphicBpp(d);

  // QEMU shares vram with the display for VBE modes whose frame does not wrap past vram's end
  // (not at 15 bpp, not in the VGA modes); that changes only how 15/16 bpp widen to 8 bits.
  const frameEnd = d.startAddr * 4 + d.lineOffset * height + Math.floor((width * depth) / 8) - d.lineOffset;
  const shared = !(frameEnd > s.vbeSize || depth === 0 || depth === 15) && depth >= 15;

  const shiftControl = (s.gr[VGA_GFX_MODE]! >> 5) & 3;
  const doubleScan = cr[VGA_CRTC_MAX_SCAN]! >> 7;
  // With CGA addressing (CR17 bit 0 clear) QEMU ignores the character height.
  const multiScan = cr[VGA_CRTC_MODE]! & 1 ? (((cr[VGA_CRTC_MAX_SCAN]! & 0x1f) + 1) << doubleScan) - 1 : doubleScan;
  if (shiftControl !== d.shiftControl || doubleScan !== d.doubleScan) {
    fullUpdate = true;
    d.shiftControl = shiftControl;
    d.doubleScan = doubleScan;
  }
  if (shiftControl <= 1 && s.srEff(VGA_SEQ_CLOCK_MODE) & 8) dispWidth <<= 1;

  if (d.lineOffset !== d.lastLineOffset || dispWidth !== d.lastWidth || height !== d.lastHeight || d.lastDepth !== depth || shared !== d.lastShared) {
    d.surface.resize(dispWidth, height);
    d.lastScrWidth = dispWidth;
    d.lastScrHeight = height;
    d.lastWidth = dispWidth;
    d.lastHeight = height;
    d.lastLineOffset = d.lineOffset;
    d.lastDepth = depth;
    d.lastShared = shared;
    fullUpdate = true;
  }

  let kind: number;
  let bits: number;
  if (shiftControl === 0) {
    if (updatePalette16(s, d.lastPalette)) fullUpdate = true;
    kind = s.srEff(VGA_SEQ_CLOCK_MODE) & 8 ? DRAW_LINE4D2 : DRAW_LINE4;
    bits = 4;
  } else if (shiftControl === 1) {
    if (updatePalette16(s, d.lastPalette)) fullUpdate = true;
    kind = s.srEff(VGA_SEQ_CLOCK_MODE) & 8 ? DRAW_LINE2D2 : DRAW_LINE2;
    bits = 4;
  } else {
    switch (depth) {
      case 8:
        if (updatePalette256(s, d.lastPalette)) fullUpdate = true;
        kind = DRAW_LINE8;
        bits = 8;
        break;
      case 15:
        kind = shared ? DRAW_LINE15_SHARED : DRAW_LINE15;
        bits = 16;
        break;
      case 16:
        kind = shared ? DRAW_LINE16_SHARED : DRAW_LINE16;
        bits = 16;
        break;
      case 24:
        kind = DRAW_LINE24;
        bits = 24;
        break;
      case 32:
        kind = DRAW_LINE32;
        bits = 32;
        break;
      default:
        if (updatePalette256(s, d.lastPalette)) fullUpdate = true;
        kind = DRAW_LINE8D2;
        bits = 4;
        break;
    }
  }

  const lineOffset = d.lineOffset;
  const bwidth = Math.ceil((width * bits) / 8);
  const mode = cr[VGA_CRTC_MODE]!;
  const lineAddr = d.lineAddrs(height);

  // Pass 1: where each scanline starts in vram (CGA interleave, multi-scan, split line).
  let addr1 = (d.startAddr * 4) >>> 0;
  let y1 = 0;
  let multiRun = multiScan;
  const mask = s.vbeSize - 1;
  let lo = Infinity;
  let hi = 0;
  let wraps = false;
  for (let y = 0; y < height; y++) {
    let addr = addr1;
    if (!(mode & 1)) {
      // CGA compatibility: scanline bit 0 replaces address bit 13 (or 15).
      const shift = 14 + ((mode >> 6) & 1);
      addr = ((addr & ~(1 << shift)) | ((y1 & 1) << shift)) >>> 0;
    }
    if (!(mode & 2)) addr = ((addr & ~0x8000) | ((y1 & 2) << 14)) >>> 0;
    lineAddr[y] = addr;
    const p0 = addr & mask;
    const p1 = (addr + bwidth - 1) & mask;
    if (p1 < p0 || addr + bwidth > s.vbeSize) wraps = true;
    if (p0 < lo) lo = p0;
    if (p1 + 1 > hi) hi = p1 + 1;
    if (!multiRun) {
      const m = (mode & 3) ^ 3;
      if ((y1 & m) === m) addr1 = (addr1 + lineOffset) >>> 0;
      y1++;
      multiRun = multiScan;
    } else {
      multiRun--;
    }
    // The line compare acts on displayed lines.
    if (y === d.lineCompare) addr1 = 0;
  }
  if (wraps) {
    lo = 0;
    hi = s.vbeSize;
  }
  // Take and clear the VGA bits of the visible bytes only (a full redraw needs no answer from
  // them, but clearing them spares the next refresh lines it has just drawn).
  const snap = height > 0 && hi > lo ? (d.snap = s.snapshotAndClearDirty(lo, hi - lo, d.snap ?? undefined)) : null;

  // Pass 2: draw the lines that changed (none when no visible page was written).
  if (!fullUpdate && (snap === null || !snap.anyDirty)) return;
  const surf = d.surface.data;
  const stride = d.surface.width;
  const ramBase = s.vram.ramBlock!.offset;
  let lines = 0;
  let scanned = 0;
  // Runs of redrawn lines for the surface's listeners (none: no calls).
  const notify = d.surface.listeners.length > 0;
  let runStart = -1;
  for (let y = 0; y < height; y++) {
    const addr = lineAddr[y]!;
    let update = fullUpdate;
    if (!update && snap !== null) {
      const p0 = addr & mask;
      const p1 = (addr + bwidth - 1) & mask;
      if (p1 < p0) {
        update = snap.getDirty(ramBase + p0, s.vbeSize - p0) || snap.getDirty(ramBase, p1 + 1);
      } else {
        update = snap.getDirty(ramBase + p0, p1 - p0 + 1);
      }
    }
    if (!update) {
      if (runStart >= 0) {
        d.surface.update(0, runStart, width, y - runStart);
        runStart = -1;
      }
      continue;
    }
    scanned += drawLine(kind, s, d.lastPalette, surf, y * stride, addr, width);
    lines++;
    if (notify && runStart < 0) runStart = y;
  }
  if (runStart >= 0) d.surface.update(0, runStart, width, height - runStart);
  if (fullUpdate) d.stats.fullRedraws++;
  d.stats.scanlinesRedrawn += lines;
  d.stats.vramBytesScanned += scanned;
}
