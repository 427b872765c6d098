// The picture a display refresh draws into (QEMU's DisplaySurface): 32-bit pixels 0x00RRGGBB
// (QEMU's x8r8g8b8), one row every `width` pixels. The buffer only grows, so a refresh
// that keeps the mode allocates nothing.

export class DisplaySurface {
  width = 0;
  height = 0;
  data: Uint32Array;

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
