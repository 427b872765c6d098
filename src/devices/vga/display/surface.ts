// The picture a display refresh draws into (QEMU's DisplaySurface): 32-bit pixels 0x00RRGGBB
// (QEMU's x8r8g8b8), one row every `width` pixels. The buffer only grows, so a refresh
// that keeps the mode allocates nothing. Listeners (QEMU's DisplayChangeListener: a VNC server)
// hear which rectangles a refresh redrew and when the size changed.

export interface DisplayChangeListener {
  /** Pixels of [x, x+w) x [y, y+h) were redrawn (QEMU's dpy_gfx_update). */
  gfxUpdate(x: number, y: number, w: number, h: number): void;
  /** The surface has a new size (QEMU's dpy_gfx_switch). */
  gfxSwitch(width: number, height: number): void;
}

export class DisplaySurface {
  width = 0;
  height = 0;
  data: Uint32Array;
  readonly listeners: DisplayChangeListener[] = [];

  constructor(width: number, height: number) {
    this.data = new Uint32Array(width * height);
    this.width = width;
    this.height = height;
  }

  /**
   * Give the surface a new size, black (QEMU's qemu_console_resize makes a new surface);
   * the same size keeps the pixels.
   */
  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    const n = width * height;
    if (n > this.data.length) this.data = new Uint32Array(n);
    else this.data.fill(0, 0, n);
    this.width = width;
    this.height = height;
    for (const l of this.listeners) l.gfxSwitch(width, height);
  }

  /** Tell the listeners that a rectangle was redrawn. */
  update(x: number, y: number, w: number, h: number): void {
    for (const l of this.listeners) l.gfxUpdate(x, y, w, h);
  }

  /** The pixels as RGB bytes, row after row (what PPM and PNG screendumps hold). */
  toRgb(): Uint8Array {
    const n = this.width * this.height;
    const out = new Uint8Array(n * 3);
    const d = this.data;
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const p = d[i]!;
      out[o] = (p >>> 16) & 0xff;
      out[o + 1] = (p >>> 8) & 0xff;
      out[o + 2] = p & 0xff;
    }
    return out;
  }
}
