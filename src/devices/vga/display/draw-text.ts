// Text modes (QEMU's vga_draw_text): character cells from planes 0/1, glyphs from the two
// fonts in plane 2 picked by SR3 and attribute bit 3, 8-, 9- (line graphics copy column 8 for
// 0xB0-0xDF) and 16-dot cells, the CRTC cursor with QEMU's blink, the split line. Only the
// cells whose character or attribute changed since they were drawn are redrawn.

import { VGA_ATC_MODE, VGA_CRTC_H_DISP, VGA_CRTC_MAX_SCAN, VGA_CRTC_OVERFLOW, VGA_CRTC_V_DISP_END, VGA_SEQ_CLOCK_MODE } from '../vga-regs.js';
import { updatePalette16 } from './palette.js';
import type { VgaDisplay } from './vga-display.js';

/** QEMU's CH_ATTR_SIZE: at most 160x100 cells are kept (and drawn). */
export const CH_ATTR_SIZE = 160 * 100;
/** QEMU's VGA_TEXT_CURSOR_PERIOD_MS (16 state changes per frame at 60 Hz), in whole ms. */
export const CURSOR_PERIOD_MS = Math.floor((1000 * 2 * 16) / 60);

const VGA_CRTC_V_TOTAL = 0x06;
const VGA_CRTC_CURSOR_START = 0x0a;
const VGA_CRTC_CURSOR_END = 0x0b;
const VGA_CRTC_CURSOR_HI = 0x0e;
const VGA_CRTC_CURSOR_LO = 0x0f;
const VGA_SEQ_CHARACTER_MAP = 0x03;

/**
 * Cells across and down and the cell size in pixels (QEMU's vga_get_text_resolution), into
 * `d.res` (no object per refresh).
 */
export function textResolution(d: VgaDisplay): void {
  const s = d.vga;
  const cheight = (s.cr[VGA_CRTC_MAX_SCAN]! & 0x1f) + 1;
  let cw = s.srEff(VGA_SEQ_CLOCK_MODE) & 1 ? 8 : 9;
  if (s.srEff(VGA_SEQ_CLOCK_MODE) & 0x08) cw = 16; // half dot clock: no 18-pixel cells
  const width = s.cr[VGA_CRTC_H_DISP]! + 1;
  let height: number;
  if (s.cr[VGA_CRTC_V_TOTAL] === 100) {
    height = 100; // QEMU's special case for CGA 160x100x16
  } else {
    height = s.cr[VGA_CRTC_V_DISP_END]! | ((s.cr[VGA_CRTC_OVERFLOW]! & 0x02) << 7) | ((s.cr[VGA_CRTC_OVERFLOW]! & 0x40) << 3);
    height = Math.floor((height + 1) / cheight);
  }
  const r = d.res;
  r[0] = width;
  r[1] = height;
  r[2] = cw;
  r[3] = cheight;
}

export function drawText(d: VgaDisplay, fullUpdate: boolean): void {
  const s = d.vga;
  const vram = s.vramPtr;
  const nowMs = Math.floor(d.clock.nowNs / 1e6);

  // The two fonts' offsets in vram (plane 2), from the character map select.
  const cm = s.sr[VGA_SEQ_CHARACTER_MAP]!;
  const font0 = (((cm >> 4) & 1) | ((cm << 1) & 6)) * 8192 * 4 + 2;
  const font1 = (((cm >> 5) & 1) | ((cm >> 1) & 6)) * 8192 * 4 + 2;
  if (font0 !== d.fontOffsets[0] || font1 !== d.fontOffsets[1]) {
    d.fontOffsets[0] = font0;
    d.fontOffsets[1] = font1;
    fullUpdate = true;
  }
  if (s.planeUpdated & (1 << 2) || s.hasChain4Alias) {
    // Plane 2 written since the last refresh: the font may have changed.
    s.planeUpdated = 0;
    fullUpdate = true;
  }
  if (d.updateBasicParams()) fullUpdate = true;
  const lineOffset = d.lineOffset;

  textResolution(d);
  const width = d.res[0]!;
  const height = d.res[1]!;
  const cw = d.res[2]!;
  const cheight = d.res[3]!;
  // QEMU skips transient sizes too small or too large to keep.
  if (height * width <= 1 || height * width > CH_ATTR_SIZE) return;

  if (width !== d.lastWidth || height !== d.lastHeight || cw !== d.lastCw || cheight !== d.lastCh || d.lastDepth !== 0) {
    d.lastScrWidth = width * cw;
    d.lastScrHeight = height * cheight;
    d.surface.resize(d.lastScrWidth, d.lastScrHeight);
    d.lastDepth = 0;
    d.lastWidth = width;
    d.lastHeight = height;
    d.lastCh = cheight;
    d.lastCw = cw;
    fullUpdate = true;
  }
  if (updatePalette16(s, d.lastPalette)) fullUpdate = true;
  const palette = d.lastPalette;

  const cursorStart = s.cr[VGA_CRTC_CURSOR_START]!;
  const cursorEnd = s.cr[VGA_CRTC_CURSOR_END]!;
  const cursorOffset = (((s.cr[VGA_CRTC_CURSOR_HI]! << 8) | s.cr[VGA_CRTC_CURSOR_LO]!) - d.startAddr) >>> 0;
  const last = d.lastChAttr;
  if (cursorOffset !== d.cursorOffset || cursorStart !== d.cursorStart || cursorEnd !== d.cursorEnd) {
    // The cursor moved or changed shape: redraw the cells under the old and the new one.
    if (d.cursorOffset < CH_ATTR_SIZE) last[d.cursorOffset] = -1;
    if (cursorOffset < CH_ATTR_SIZE) last[cursorOffset] = -1;
    d.cursorOffset = cursorOffset;
    d.cursorStart = cursorStart;
    d.cursorEnd = cursorEnd;
  }
  const cursorAddr = ((d.startAddr + cursorOffset) * 4) >>> 0;
  if (nowMs >= d.cursorBlinkTime) {
    d.cursorBlinkTime = nowMs + (CURSOR_PERIOD_MS >> 1);
    d.cursorVisiblePhase = !d.cursorVisiblePhase;
  }
  // QEMU redraws the cursor's cell on every refresh; its pixels change only with the phase.
  const cursorCellStale = d.cursorVisiblePhase !== d.cursorPhaseDrawn;
  d.cursorPhaseDrawn = d.cursorVisiblePhase;
  if (fullUpdate) d.stats.fullRedraws++;

  const surf = d.surface.data;
  const stride = d.surface.width;
  const dup9Enabled = (s.ar[VGA_ATC_MODE]! & 0x04) !== 0;
  let cells = 0;
  let scanned = 0;
  const notify = d.surface.listeners.length > 0;
  let chIndex = 0;
  let line = 0;
  let offset = (d.startAddr * 4) >>> 0;
  let rowPix = 0;
  for (let cy = 0; cy < height; cy++) {
    let src = offset;
    let o = rowPix;
    for (let cx = 0; cx < width; cx++, src += 4, o += cw, chIndex++) {
      if (src + 2 > s.vramSize) break;
      const chAttr = vram[src]! | (vram[src + 1]! << 8);
      scanned += 2;
      const isCursor = src === cursorAddr;
      if (!fullUpdate && chAttr === last[chIndex] && !(isCursor && cursorCellStale)) continue;
      last[chIndex] = chAttr;
      cells++;
      const ch = chAttr & 0xff;
      const cattr = chAttr >> 8;
      const font = ((cattr >> 3) & 1 ? font1 : font0) + 32 * 4 * ch;
      const bg = palette[cattr >> 4]!;
      const fg = palette[cattr & 0x0f]!;
      const dup9 = cw === 9 && ch >= 0xb0 && ch <= 0xdf && dup9Enabled;
      drawGlyph(surf, o, stride, vram, font, cheight, fg, bg, cw, dup9);
      if (notify) d.surface.update(cx * cw, cy * cheight, cw, cheight);
      if (isCursor && !(cursorStart & 0x20) && d.cursorVisiblePhase) {
        const lineStart = cursorStart & 0x1f;
        let lineLast = cursorEnd & 0x1f;
        if (lineLast > cheight - 1) lineLast = cheight - 1;
        if (lineLast >= lineStart && lineStart < cheight) {
          drawGlyph(surf, o + stride * lineStart, stride, null, 0, lineLast - lineStart + 1, fg, bg, cw, true);
        }
      }
    }
    // Cells past vram's end (QEMU stops the row there) still count in the kept copy.
    chIndex = (cy + 1) * width;
    rowPix += stride * cheight;
    const line1 = line + cheight;
    offset = (offset + lineOffset) >>> 0;
    if (line < d.lineCompare && line1 >= d.lineCompare) offset = 0;
    line = line1;
  }
  d.stats.textCellsRedrawn += cells;
  d.stats.vramBytesScanned += scanned;
}

/**
 * One character cell: `h` rows of the glyph at vram[font] (a row every 4 bytes, plane 2), or a
 * solid block (the cursor) when `vram` is null. 9-dot cells repeat column 8 when `dup9`.
 */
function drawGlyph(
  d: Uint32Array,
  o: number,
  stride: number,
  vram: Uint8Array | null,
  font: number,
  h: number,
  fg: number,
  bg: number,
  cw: number,
  dup9: boolean,
): void {
  for (let row = 0; row < h; row++, o += stride, font += 4) {
    const bits = vram === null ? 0xff : vram[font]!;
    if (cw === 16) {
      for (let b = 7, k = o; b >= 0; b--, k += 2) {
        const c = (bits >> b) & 1 ? fg : bg;
        d[k] = c;
        d[k + 1] = c;
      }
    } else {
      for (let b = 7, k = o; b >= 0; b--, k++) d[k] = (bits >> b) & 1 ? fg : bg;
      if (cw === 9) d[o + 8] = dup9 ? d[o + 7]! : bg;
    }
  }
}
