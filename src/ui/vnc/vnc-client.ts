// One VNC client (QEMU's VncState): the RFB 3.3/3.7/3.8 handshake with security type None,
// the client messages (pixel format, encodings, update requests, keys, pointer, cut text) and
// the framebuffer updates built from its own map of dirty tiles.

import { badPixelFormat, BGR233, decodePixelFormat, encodePixelFormat, PixelConverter, SERVER_FORMAT, type PixelFormat } from './pixel-format.js';
import { ENC_DESKTOP_SIZE, ENC_RAW, ENC_ZLIB, rectHeader, rectPixels, takeDirtyRects, TILE, ZlibStream, type Rect } from './rfb-encode.js';
import type { VncTransport } from './transport.js';

/** What a client needs from the server. */
export interface VncClientHost {
  readonly name: string;
  /** The screen as the server last took it (the shadow copy of the display surface). */
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint32Array;
  /** A key pressed or released (X11 keysym). */
  key(keysym: number, down: boolean): void;
  /** The pointer at (x, y) with `buttons` held (RFB mask: bit 0 left, 1 middle, 2 right, 3-4 wheel). */
  pointer(client: VncClient, x: number, y: number, buttons: number): void;
  /** The client wants to be the only one (ClientInit shared flag clear). */
  exclusive(client: VncClient): void;
  /** The client asked for an update: send what is dirty now. */
  updateRequested(client: VncClient): void;
  closed(client: VncClient, reason: string | null): void;
}

/** Unsent output beyond which a client that does not read is dropped (QEMU drops it too). */
const MAX_PENDING = 64 << 20;
/** Largest ClientCutText accepted (QEMU's limit). */
const MAX_CUT_TEXT = 1 << 20;
/** More dirty rectangles than this are sent as their bounding box. */
const MAX_RECTS = 2048;

type Phase = 'version' | 'security' | 'init' | 'normal' | 'closed';

export class VncClient {
  private phase: Phase = 'version';
  private inbuf: Buffer = Buffer.alloc(0);
  private minor = 8;
  pf: PixelFormat = SERVER_FORMAT;
  private conv = new PixelConverter(SERVER_FORMAT);
  private encoding = ENC_RAW;
  private desktopSize = false;
  private zlib: ZlibStream | null = null;
  /** Dirty 16-pixel tiles, one byte each, `tilesX` per row. */
  dirty = new Uint8Array(0);
  tilesX = 0;
  private width = 0;
  private height = 0;
  /** An update request is outstanding (incremental or not). */
  updatePending = false;
  /** The size changed since the last update: a DesktopSize rectangle goes first. */
  private sizeChanged = false;
  private sending = false;
  /** Counters for `info vnc` and tests. */
  readonly stats = { updates: 0, rects: 0, bytes: 0 };

  constructor(
    readonly transport: VncTransport,
    private readonly host: VncClientHost,
  ) {
    transport.onData((d) => this.received(d));
    transport.onClose(() => this.close(null));
    transport.write(Buffer.from('RFB 003.008\n', 'latin1'));
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  get ready(): boolean {
    return this.phase === 'normal';
  }

  /** The screen changed size: every tile is dirty, and the client is told the new size. */
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.tilesX = Math.ceil(width / TILE);
    this.dirty = new Uint8Array(this.tilesX * height).fill(1);
    this.sizeChanged = true;
  }

  /** Mark tiles [t0, t1) of rows [y0, y1) dirty. */
  markDirty(t0: number, t1: number, y0: number, y1: number): void {
    for (let y = y0; y < y1; y++) this.dirty.fill(1, y * this.tilesX + t0, y * this.tilesX + t1);
  }

  close(reason: string | null): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.zlib?.close();
    this.transport.close();
    this.host.closed(this, reason);
  }

  private fail(reason: string): void {
    this.close(reason);
  }

  private received(data: Buffer): void {
    if (this.phase === 'closed') return;
    this.inbuf = this.inbuf.length === 0 ? data : Buffer.concat([this.inbuf, data]);
    for (;;) {
      const used = this.step(this.inbuf);
      if (used <= 0 || this.isClosed) break;
      this.inbuf = this.inbuf.subarray(used);
    }
  }

  /** Handle one message at the start of `b`; returns the bytes used, 0 when more are needed. */
  private step(b: Buffer): number {
    switch (this.phase) {
      case 'version': {
        if (b.length < 12) return 0;
        const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(b.subarray(0, 12).toString('latin1'));
        if (!m || m[1] !== '003') {
          this.fail('bad protocol version');
          return 0;
        }
        // As QEMU: 3.4 and 3.5 are 3.3; 3.7 and 3.8 are themselves; anything else is refused.
        const minor = Number(m[2]);
        this.minor = minor === 4 || minor === 5 ? 3 : minor;
        if (![3, 7, 8].includes(this.minor)) {
          this.fail(`unsupported client version 3.${minor}`);
          return 0;
        }
        if (this.minor === 3) {
          this.send(u32(1)); // security type None, chosen by the server
          this.phase = 'init';
        } else {
          this.send(Buffer.from([1, 1])); // one type: None
          this.phase = 'security';
        }
        return 12;
      }
      case 'security': {
        if (b.length < 1) return 0;
        if (b[0] !== 1) {
          if (this.minor >= 8) {
            const why = Buffer.from('Authentication failed', 'latin1');
            this.send(Buffer.concat([u32(1), u32(why.length), why]));
          }
          this.fail(`security type ${b[0]} is not offered`);
          return 0;
        }
        if (this.minor >= 8) this.send(u32(0));
        this.phase = 'init';
        return 1;
      }
      case 'init': {
        if (b.length < 1) return 0;
        if (b[0] === 0) this.host.exclusive(this);
        this.phase = 'normal';
        this.resize(this.host.width, this.host.height);
        this.sizeChanged = false;
        const name = Buffer.from(this.host.name, 'utf8');
        const init = Buffer.alloc(24);
        init.writeUInt16BE(this.width, 0);
        init.writeUInt16BE(this.height, 2);
        encodePixelFormat(SERVER_FORMAT, init, 4);
        init.writeUInt32BE(name.length, 20);
        this.send(Buffer.concat([init, name]));
        return 1;
      }
      case 'normal':
        return this.message(b);
      default:
        return 0;
    }
  }

  private message(b: Buffer): number {
    if (b.length < 1) return 0;
    switch (b[0]) {
      case 0: // SetPixelFormat
        if (b.length < 20) return 0;
        this.setPixelFormat(decodePixelFormat(b, 4));
        return 20;
      case 2: {
        // SetEncodings: the first one we know wins; DesktopSize is a capability.
        if (b.length < 4) return 0;
        const n = b.readUInt16BE(2);
        if (b.length < 4 + 4 * n) return 0;
        this.encoding = -1;
        this.desktopSize = false;
        for (let i = 0; i < n; i++) {
          const e = b.readInt32BE(4 + 4 * i);
          if ((e === ENC_RAW || e === ENC_ZLIB) && this.encoding < 0) this.encoding = e;
          if (e === ENC_DESKTOP_SIZE) this.desktopSize = true;
        }
        if (this.encoding < 0) this.encoding = ENC_RAW; // Raw is always allowed
        return 4 + 4 * n;
      }
      case 3: {
        // FramebufferUpdateRequest: a full one marks the area dirty (QEMU's VNC_STATE_UPDATE_FORCE).
        if (b.length < 10) return 0;
        const incremental = b[1] !== 0;
        if (!incremental) {
          const x = b.readUInt16BE(2);
          const y = b.readUInt16BE(4);
          const w = b.readUInt16BE(6);
          const h = b.readUInt16BE(8);
          const x1 = Math.min(x + w, this.width);
          const y1 = Math.min(y + h, this.height);
          if (x < x1 && y < y1) this.markDirty(Math.floor(x / TILE), Math.ceil(x1 / TILE), y, y1);
        }
        this.updatePending = true;
        this.host.updateRequested(this);
        return 10;
      }
      case 4: // KeyEvent
        if (b.length < 8) return 0;
        this.host.key(b.readUInt32BE(4), b[1] !== 0);
        return 8;
      case 5: // PointerEvent
        if (b.length < 6) return 0;
        this.host.pointer(this, b.readUInt16BE(2), b.readUInt16BE(4), b[1]!);
        return 6;
      case 6: {
        // ClientCutText: read and ignored (tcg86 has no clipboard agent, like QEMU without vdagent).
        if (b.length < 8) return 0;
        const n = b.readUInt32BE(4);
        if (n > MAX_CUT_TEXT) {
          this.fail(`cut text of ${n} bytes`);
          return 0;
        }
        if (b.length < 8 + n) return 0;
        return 8 + n;
      }
      default:
        this.fail(`unknown message type ${b[0]}`);
        return 0;
    }
  }

  private setPixelFormat(pf: PixelFormat): void {
    const bad = badPixelFormat(pf);
    if (bad) {
      this.fail(`pixel format not supported: ${bad}`);
      return;
    }
    if (!pf.trueColour) {
      this.pf = { ...BGR233, trueColour: false };
      this.conv = new PixelConverter(BGR233);
      this.sendColourMap();
    } else {
      this.pf = pf;
      this.conv = new PixelConverter(pf);
    }
    // Everything must be sent again in the new format.
    this.dirty.fill(1);
  }

  /** SetColourMapEntries for the fixed BGR233 map. */
  private sendColourMap(): void {
    const b = Buffer.alloc(6 + 256 * 6);
    b[0] = 1;
    b.writeUInt16BE(0, 2);
    b.writeUInt16BE(256, 4);
    for (let i = 0; i < 256; i++) {
      const r = i & 7;
      const g = (i >> 3) & 7;
      const bl = (i >> 6) & 3;
      b.writeUInt16BE(Math.round((r * 65535) / 7), 6 + i * 6);
      b.writeUInt16BE(Math.round((g * 65535) / 7), 8 + i * 6);
      b.writeUInt16BE(Math.round((bl * 65535) / 3), 10 + i * 6);
    }
    this.send(b);
  }

  /** Whether an update can go now: requested, something to say, the last one sent, and room. */
  get canUpdate(): boolean {
    return this.phase === 'normal' && this.updatePending && !this.sending && this.transport.pending < (1 << 22);
  }

  /** Send the dirty rectangles (and a size change first) if the client asked for an update. */
  async update(): Promise<void> {
    if (!this.canUpdate) return;
    if (this.transport.pending > MAX_PENDING) {
      this.fail('client is not reading its updates');
      return;
    }
    let rects = takeDirtyRects(this.dirty, this.tilesX, this.width, this.height);
    // A scattered picture: one rectangle over all of it costs less than thousands of headers.
    if (rects.length > MAX_RECTS) rects = [boundingRect(rects)];
    if (rects.length === 0 && !this.sizeChanged) return;
    this.updatePending = false;
    this.sending = true;
    const parts: Buffer[] = [];
    let n = 0;
    if (this.sizeChanged) {
      this.sizeChanged = false;
      if (this.desktopSize) {
        parts.push(rectHeader({ x: 0, y: 0, w: this.width, h: this.height }, ENC_DESKTOP_SIZE));
        n++;
      }
    }
    // Pixels are taken now, before any await, so the update is one consistent picture.
    const raws = rects.map((r) => rectPixels(this.host.pixels, this.host.width, r, this.conv));
    const encoding = this.encoding;
    for (let i = 0; i < rects.length; i++) {
      const r: Rect = rects[i]!;
      parts.push(rectHeader(r, encoding));
      if (encoding === ENC_ZLIB) {
        this.zlib ??= new ZlibStream();
        const z = await this.zlib.compress(raws[i]!);
        parts.push(u32(z.length), z);
      } else {
        parts.push(raws[i]!);
      }
      n++;
    }
    this.sending = false;
    if (this.isClosed) return;
    const head = Buffer.alloc(4);
    head.writeUInt16BE(n, 2);
    const msg = Buffer.concat([head, ...parts]);
    this.stats.updates++;
    this.stats.rects += n;
    this.stats.bytes += msg.length;
    this.send(msg);
  }

  private send(b: Buffer): void {
    if (this.phase !== 'closed') this.transport.write(b);
  }
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

function boundingRect(rects: Rect[]): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = 0;
  let y1 = 0;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.w);
    y1 = Math.max(y1, r.y + r.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
