// The std VGA's display refresh (QEMU's vga_update_display and the VGACommonState fields it
// keeps between refreshes): text, graphics or blank, redrawn on a timer on the virtual clock
// (30 Hz of guest time by default, so the same ROM gives the same frames), into a surface
// that screendumps read. Counters say how much each refresh had to redraw.

import { Timer, type VirtualClock } from '../../clock.js';
import type { DirtyBitmapSnapshot } from '../../../memory/index.js';
import type { VGACommonState } from '../vga.js';
import {
  VGA_CRTC_LINE_COMPARE,
  VGA_CRTC_MAX_SCAN,
  VGA_CRTC_OFFSET,
  VGA_CRTC_OVERFLOW,
  VGA_GFX_MISC,
  VGA_GR06_GRAPHICS_MODE,
} from '../vga-regs.js';
import { drawGraphic } from './draw-graphic.js';
import { CH_ATTR_SIZE, drawText } from './draw-text.js';
import { DisplaySurface } from './surface.js';

export const GMODE_TEXT = 0;
export const GMODE_GRAPH = 1;
export const GMODE_BLANK = 2;

/** Refreshes per second of guest time unless told otherwise. */
export const DEFAULT_REFRESH_HZ = 30;

const VGA_CRTC_START_HI = 0x0c;
const VGA_CRTC_START_LO = 0x0d;

export interface DisplayStats {
  refreshes: number;
  /** Refreshes that redrew the whole screen (mode, geometry, start, pitch, palette, split or font change). */
  fullRedraws: number;
  scanlinesRedrawn: number;
  textCellsRedrawn: number;
  /** vram bytes read to draw scanlines, and character/attribute bytes compared in text modes. */
  vramBytesScanned: number;
}

export interface VgaDisplayOptions {
  /** Refreshes per second of guest time (0: only on demand, e.g. screendump). */
  refreshHz?: number;
}

export class VgaDisplay {
  readonly surface = new DisplaySurface(640, 480);
  readonly stats: DisplayStats = { refreshes: 0, fullRedraws: 0, scanlinesRedrawn: 0, textCellsRedrawn: 0, vramBytesScanned: 0 };
  readonly timer: Timer;
  readonly periodNs: number;

  // ---- what QEMU's VGACommonState keeps for its display ----
  graphicMode = -1;
  shiftControl = 0;
  doubleScan = 0;
  lineOffset = 0;
  lineCompare = 0;
  startAddr = 0;
  lastCw = 0;
  lastCh = 0;
  lastWidth = 0;
  lastHeight = 0;
  lastScrWidth = 0;
  lastScrHeight = 0;
  lastLineOffset = 0;
  lastDepth = 0;
  lastShared = false;
  cursorStart = 0;
  cursorEnd = 0;
  cursorOffset = 0;
  cursorBlinkTime = 0;
  cursorVisiblePhase = false;
  /** The blink phase the cursor's cell was last drawn with. */
  cursorPhaseDrawn = false;
  readonly fontOffsets = new Int32Array(2);
  /** Scratch for the resolution helpers: width, height (and cell width, height in text). */
  readonly res = new Int32Array(4);
  readonly lastPalette = new Uint32Array(256);
  /** The character/attribute pairs as last drawn (-1: redraw). */
  readonly lastChAttr = new Int32Array(CH_ATTR_SIZE);
  /** The last dirty snapshot, refilled by the next refresh. */
  snap: DirtyBitmapSnapshot | null = null;
  private lineAddr = new Uint32Array(1024);

  constructor(
    readonly vga: VGACommonState,
    readonly clock: VirtualClock,
    opts: VgaDisplayOptions = {},
  ) {
    const hz = opts.refreshHz ?? DEFAULT_REFRESH_HZ;
    this.periodNs = hz > 0 ? Math.round(1e9 / hz) : 0;
    this.timer = new Timer(clock, () => {
      this.update();
      this.timer.modNs(this.timer.expireNs + this.periodNs);
    });
    // The refresh never wakes a halted guest: only device timers do (QEMU refreshes on the
    // host's clock, outside guest time).
    this.timer.background = true;
    this.reset();
  }

  /** Machine reset (the display part of QEMU's vga_common_reset); restarts the timer. */
  reset(): void {
    this.graphicMode = -1;
    this.shiftControl = 0;
    this.doubleScan = 0;
    this.lineOffset = 0;
    this.lineCompare = 0;
    this.startAddr = 0;
    this.lastCw = 0;
    this.lastCh = 0;
    this.lastWidth = 0;
    this.lastHeight = 0;
    this.lastScrWidth = 0;
    this.lastScrHeight = 0;
    this.cursorStart = 0;
    this.cursorEnd = 0;
    this.cursorOffset = 0;
    this.lastPalette.fill(0);
    this.lastChAttr.fill(0);
    if (this.periodNs > 0) this.timer.modNs(this.clock.nowNs + this.periodNs);
  }

  /** One refresh (QEMU's vga_update_display). */
  update(): void {
    const s = this.vga;
    this.stats.refreshes++;
    let full = false;
    // Palette address source clear (AR index bit 5): the screen is blanked.
    const mode = !(s.arIndex & 0x20) ? GMODE_BLANK : s.gr[VGA_GFX_MISC]! & VGA_GR06_GRAPHICS_MODE;
    if (mode !== this.graphicMode) {
      this.graphicMode = mode;
      this.cursorBlinkTime = Math.floor(this.clock.nowNs / 1e6);
      full = true;
    }
    if (mode === GMODE_TEXT) drawText(this, full);
    else if (mode === GMODE_GRAPH) drawGraphic(this, full);
    else this.drawBlank(full);
  }

  /** QEMU's vga_draw_blank: black at the last size, once. */
  private drawBlank(full: boolean): void {
    if (!full || this.lastScrWidth <= 0 || this.lastScrHeight <= 0) return;
    this.surface.data.fill(0, 0, this.surface.width * this.surface.height);
    this.surface.update(0, 0, this.surface.width, this.surface.height);
    this.stats.fullRedraws++;
  }

  /** Start address, pitch and split line; true when one changed (QEMU's update_basic_params). */
  updateBasicParams(): boolean {
    const s = this.vga;
    let lineOffset: number;
    let startAddr: number;
    let lineCompare: number;
    if (s.vbeEnabled) {
      lineOffset = s.vbeLineOffset;
      startAddr = s.vbeStartAddr;
      lineCompare = 65535;
    } else {
      const cr = s.cr;
      lineOffset = cr[VGA_CRTC_OFFSET]! << 3;
      startAddr = cr[VGA_CRTC_START_LO]! | (cr[VGA_CRTC_START_HI]! << 8);
      lineCompare = cr[VGA_CRTC_LINE_COMPARE]! | ((cr[VGA_CRTC_OVERFLOW]! & 0x10) << 4) | ((cr[VGA_CRTC_MAX_SCAN]! & 0x40) << 3);
    }
    if (lineOffset === this.lineOffset && startAddr === this.startAddr && lineCompare === this.lineCompare) return false;
    this.lineOffset = lineOffset;
    this.startAddr = startAddr;
    this.lineCompare = lineCompare;
    return true;
  }

  /** Scratch for the scanlines' vram addresses (grown, never per refresh once sized). */
  lineAddrs(height: number): Uint32Array {
    if (this.lineAddr.length < height) this.lineAddr = new Uint32Array(height);
    return this.lineAddr;
  }
}
