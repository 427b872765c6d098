// What a character-cell display (curses) shows of the VGA (QEMU's vga_update_text): the text
// mode's cells read in order from the start address, the cursor cell, or a one-line message
// ("640 x 400 Graphic mode", "VGA Blank mode") on a 60x3 screen. Keeps its own copy of the
// cells, so callers redraw only the rows between the first and last cell that changed.

import { textResolution, CH_ATTR_SIZE } from './draw-text.js';
import { graphicResolution } from './draw-graphic.js';
import { GMODE_BLANK, GMODE_TEXT, type VgaDisplay } from './vga-display.js';
import { VGA_GFX_MISC, VGA_GR06_GRAPHICS_MODE } from '../vga-regs.js';

/** Attribute of the message cells: blue on black, bright (QEMU's ATTR2CHTYPE(.., BLUE, BLACK, 1)). */
export const MESSAGE_ATTR = 0x09;

export class TextScreen {
  width = 0;
  height = 0;
  /** character | attribute << 8, row after row. */
  cells = new Uint16Array(0);
  /** Cursor cell, -1 when hidden. */
  cursor = -1;
  private mode = -1;
  private lastKey = '';

  constructor(private readonly d: VgaDisplay) {}

  /**
   * Bring the cells up to date; returns the range of rows that changed ([first, last], or null),
   * and `resized` when the screen got a new size (redraw everything).
   */
  update(): { first: number; last: number; resized: boolean } | null {
    const s = this.d.vga;
    const mode = !(s.arIndex & 0x20) ? GMODE_BLANK : s.gr[VGA_GFX_MISC]! & VGA_GR06_GRAPHICS_MODE;
    let full = mode !== this.mode;
    this.mode = mode;
    if (mode === GMODE_TEXT) {
      textResolution(this.d);
      const width = this.d.res[0]!;
      const height = this.d.res[1]!;
      const size = width * height;
      if (size > CH_ATTR_SIZE || size <= 0) return null;
      if (width !== this.width || height !== this.height) {
        this.resize(width, height);
        full = true;
      }
      // The start address as the refresh reads it (without touching the refresh's own copy).
      const cr = s.cr;
      const start = s.vbeEnabled ? s.vbeStartAddr : cr[0x0d]! | (cr[0x0c]! << 8);
      const cursorOffset = ((cr[0x0e]! << 8) | cr[0x0f]!) - start;
      const visible = !(cr[0x0a]! & 0x20) && cursorOffset >= 0 && cursorOffset < size;
      const cursor = visible ? cursorOffset : -1;
      let changedCursor = cursor !== this.cursor;
      this.cursor = cursor;
      const vram = s.vramPtr;
      let first = -1;
      let last = -1;
      for (let i = 0, a = start * 4; i < size; i++, a += 4) {
        const v = a + 1 < vram.length ? vram[a]! | (vram[a + 1]! << 8) : 0;
        if (full || v !== this.cells[i]) {
          this.cells[i] = v;
          if (first < 0) first = i;
          last = i;
        }
      }
      if (full) return { first: 0, last: height - 1, resized: true };
      if (first < 0) return changedCursor ? { first: 0, last: -1, resized: false } : null;
      return { first: Math.floor(first / width), last: Math.floor(last / width), resized: false };
    }
    // Graphics and blank: a message, redrawn only when it changes.
    let msg = 'VGA Blank mode';
    if (mode !== GMODE_BLANK) {
      graphicResolution(this.d);
      msg = `${this.d.res[0]} x ${this.d.res[1]} Graphic mode`;
    }
    if (!full && msg === this.lastKey) return null;
    this.lastKey = msg;
    this.resize(60, 3);
    this.cursor = -1;
    this.cells.fill(0x20);
    const x = Math.floor((60 - msg.length) / 2);
    for (let i = 0; i < msg.length; i++) this.cells[60 + x + i] = msg.charCodeAt(i) | (MESSAGE_ATTR << 8);
    return { first: 0, last: 2, resized: true };
  }

  private resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    if (this.cells.length < width * height) this.cells = new Uint16Array(width * height);
    this.lastKey = '';
  }
}
