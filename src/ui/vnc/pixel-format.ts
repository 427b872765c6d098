// RFB pixel formats: the 16-byte PIXEL_FORMAT, and the conversion of the display surface's
// 0x00RRGGBB pixels to what the client asked for (8, 16 or 32 bits per pixel, any shifts,
// either byte order; a colour-map client gets QEMU's fixed BGR233 map).

export interface PixelFormat {
  bitsPerPixel: number;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/** What tcg86 offers in ServerInit: 32-bit little-endian x8r8g8b8, as QEMU's surface. */
export const SERVER_FORMAT: PixelFormat = {
  bitsPerPixel: 32, depth: 24, bigEndian: false, trueColour: true,
  redMax: 255, greenMax: 255, blueMax: 255, redShift: 16, greenShift: 8, blueShift: 0,
};

/** A colour-map client gets 3-3-2 bits of red, green and blue (QEMU's set_pixel_format). */
export const BGR233: PixelFormat = {
  bitsPerPixel: 8, depth: 8, bigEndian: false, trueColour: true,
  redMax: 7, greenMax: 7, blueMax: 3, redShift: 0, greenShift: 3, blueShift: 6,
};

export function encodePixelFormat(pf: PixelFormat, out: Buffer, at: number): void {
  out[at] = pf.bitsPerPixel;
  out[at + 1] = pf.depth;
  out[at + 2] = pf.bigEndian ? 1 : 0;
  out[at + 3] = pf.trueColour ? 1 : 0;
  out.writeUInt16BE(pf.redMax, at + 4);
  out.writeUInt16BE(pf.greenMax, at + 6);
  out.writeUInt16BE(pf.blueMax, at + 8);
  out[at + 10] = pf.redShift;
  out[at + 11] = pf.greenShift;
  out[at + 12] = pf.blueShift;
  out.fill(0, at + 13, at + 16);
}

export function decodePixelFormat(buf: Buffer, at: number): PixelFormat {
  return {
    bitsPerPixel: buf[at]!,
    depth: buf[at + 1]!,
    bigEndian: buf[at + 2] !== 0,
    trueColour: buf[at + 3] !== 0,
    redMax: buf.readUInt16BE(at + 4),
    greenMax: buf.readUInt16BE(at + 6),
    blueMax: buf.readUInt16BE(at + 8),
    redShift: buf[at + 10]!,
    greenShift: buf[at + 11]!,
    blueShift: buf[at + 12]!,
  };
}

/** Why a format cannot be used, or null when it can. */
export function badPixelFormat(pf: PixelFormat): string | null {
  if (![8, 16, 32].includes(pf.bitsPerPixel)) return `${pf.bitsPerPixel} bits per pixel`;
  if (!pf.trueColour) return null; // answered with BGR233
  for (const [max, shift] of [[pf.redMax, pf.redShift], [pf.greenMax, pf.greenShift], [pf.blueMax, pf.blueShift]] as const) {
    if (max === 0 || (max & (max + 1)) !== 0) return `colour maximum ${max} is not 2^n-1`;
    if (shift >= pf.bitsPerPixel) return `shift ${shift} past the pixel`;
  }
  return null;
}

/** Bits of a 2^n-1 maximum. */
const bitsOf = (max: number): number => 32 - Math.clz32(max);

/** Converts surface pixels to one client format; made once per SetPixelFormat. */
export class PixelConverter {
  readonly bytesPerPixel: number;
  /** 0: generic; 1: the surface's own layout (copy); 2: r/b swapped (noVNC's RGBX). */
  private readonly fast: number;
  private readonly rDrop: number;
  private readonly gDrop: number;
  private readonly bDrop: number;

  constructor(readonly pf: PixelFormat) {
    this.bytesPerPixel = pf.bitsPerPixel >> 3;
    this.rDrop = 8 - bitsOf(pf.redMax);
    this.gDrop = 8 - bitsOf(pf.greenMax);
    this.bDrop = 8 - bitsOf(pf.blueMax);
    const is32 = pf.bitsPerPixel === 32 && !pf.bigEndian && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255 && pf.greenShift === 8;
    this.fast = is32 && pf.redShift === 16 && pf.blueShift === 0 ? 1 : is32 && pf.redShift === 0 && pf.blueShift === 16 ? 2 : 0;
  }

  /** Writes `w` pixels of `src` from `from` into `out` at byte `at`; returns the next byte offset. */
  convert(src: Uint32Array, from: number, w: number, out: Buffer, at: number): number {
    const pf = this.pf;
    if (this.fast !== 0) {
      for (let i = 0; i < w; i++, at += 4) {
        let p = src[from + i]!;
        if (this.fast === 2) p = ((p & 0xff) << 16) | (p & 0xff00) | ((p >>> 16) & 0xff);
        // The unused top byte is sent as 0xFF: noVNC 1.3's Raw decoder takes it as alpha.
        out.writeUInt32LE((p | 0xff000000) >>> 0, at);
      }
      return at;
    }
    const bpp = this.bytesPerPixel;
    for (let i = 0; i < w; i++, at += bpp) {
      const p = src[from + i]!;
      const v =
        ((((p >>> 16) & 0xff) >>> this.rDrop) << pf.redShift) |
        ((((p >>> 8) & 0xff) >>> this.gDrop) << pf.greenShift) |
        (((p & 0xff) >>> this.bDrop) << pf.blueShift);
      if (bpp === 1) out[at] = v;
      else if (bpp === 2) {
        if (pf.bigEndian) out.writeUInt16BE(v & 0xffff, at);
        else out.writeUInt16LE(v & 0xffff, at);
      } else if (pf.bigEndian) out.writeUInt32BE(v >>> 0, at);
      else out.writeUInt32LE(v >>> 0, at);
    }
    return at;
  }
}
