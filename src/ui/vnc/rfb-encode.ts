// FramebufferUpdate rectangles: which parts of a client's dirty-tile map to send, and their
// bytes in the Raw (0) or Zlib (6) encoding. Zlib keeps one deflate stream per client, flushed
// at each rectangle, as RFB requires (the same approach as ws's permessage-deflate).

import * as zlib from 'node:zlib';
import type { PixelConverter } from './pixel-format.js';

export const ENC_RAW = 0;
export const ENC_ZLIB = 6;
export const ENC_DESKTOP_SIZE = -223;

/** Width of a dirty tile in pixels (QEMU's VNC_DIRTY_PIXELS_PER_BIT). */
export const TILE = 16;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Rectangles covering the dirty tiles (`tilesX` per row, `height` rows) and clearing them:
 * each run of dirty tiles in a row grows downwards while the rows below have the same run
 * dirty (as QEMU's vnc_update_client).
 */
export function takeDirtyRects(dirty: Uint8Array, tilesX: number, width: number, height: number): Rect[] {
  const rects: Rect[] = [];
  for (let y = 0; y < height; y++) {
    const row = y * tilesX;
    let t = 0;
    while (t < tilesX) {
      if (!dirty[row + t]) {
        t++;
        continue;
      }
      const t0 = t;
      while (t < tilesX && dirty[row + t]) dirty[row + t++] = 0;
      let h = 1;
      while (y + h < height) {
        const r = (y + h) * tilesX;
        let all = true;
        for (let k = t0; k < t; k++) if (!dirty[r + k]) all = false;
        // The run below must be exactly this run, so that rectangles stay disjoint and minimal.
        if (!all || (t0 > 0 && dirty[r + t0 - 1]) || (t < tilesX && dirty[r + t])) break;
        for (let k = t0; k < t; k++) dirty[r + k] = 0;
        h++;
      }
      const x = t0 * TILE;
      rects.push({ x, y, w: Math.min(t * TILE, width) - x, h });
    }
  }
  return rects;
}

/** The pixels of `r` in the client's format, row after row. */
export function rectPixels(src: Uint32Array, stride: number, r: Rect, conv: PixelConverter): Buffer {
  const out = Buffer.allocUnsafe(r.w * r.h * conv.bytesPerPixel);
  let at = 0;
  for (let y = r.y; y < r.y + r.h; y++) at = conv.convert(src, y * stride + r.x, r.w, out, at);
  return out;
}

export function rectHeader(r: Rect, encoding: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(r.x, 0);
  b.writeUInt16BE(r.y, 2);
  b.writeUInt16BE(r.w, 4);
  b.writeUInt16BE(r.h, 6);
  b.writeInt32BE(encoding, 8);
  return b;
}

/** One client's zlib stream: compress() gives the bytes of a rectangle, flushed. */
export class ZlibStream {
  private readonly deflate = zlib.createDeflate({ level: 6 });
  private chunks: Buffer[] = [];

  constructor() {
    this.deflate.on('data', (c: Buffer) => this.chunks.push(c));
  }

  compress(data: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.deflate.write(data);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  close(): void {
    this.deflate.destroy();
  }
}
