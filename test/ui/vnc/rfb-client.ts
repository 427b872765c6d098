// Test helper: a small RFB 3.8 client over TCP or WebSocket that decodes Raw and Zlib updates
// into an RGB framebuffer, the way a VNC viewer would.

import * as net from 'node:net';
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';

export interface Update {
  rects: { x: number; y: number; w: number; h: number; encoding: number }[];
}

export class RfbClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  width = 0;
  height = 0;
  name = '';
  bpp = 4;
  /** 0x00RRGGBB per pixel, as the client decoded it (32-bit formats with r/g/b shifts). */
  fb = new Uint32Array(0);
  private shifts = { r: 16, g: 8, b: 0 };
  private zdata = Buffer.alloc(0);
  private zout = 0;
  private ws = false;
  private wsOpen = false;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d) => this.onBytes(d));
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {});
  }

  static async connect(port: number, opts: { websocket?: boolean; shared?: boolean } = {}): Promise<RfbClient> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((res, rej) => {
      sock.once('connect', res);
      sock.once('error', rej);
    });
    const c = new RfbClient(sock);
    if (opts.websocket) {
      c.ws = true;
      const key = crypto.randomBytes(16).toString('base64');
      sock.write(`GET /websockify HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n`);
    }
    const version = await c.read(12);
    if (version.toString('latin1') !== 'RFB 003.008\n') throw new Error(`server version ${version.toString('latin1')}`);
    c.send(Buffer.from('RFB 003.008\n', 'latin1'));
    const n = (await c.read(1))[0]!;
    const types = await c.read(n);
    if (!types.includes(1)) throw new Error('no None security');
    c.send(Buffer.from([1]));
    const result = (await c.read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error(`security result ${result}`);
    c.send(Buffer.from([opts.shared === false ? 0 : 1]));
    const init = await c.read(24);
    c.width = init.readUInt16BE(0);
    c.height = init.readUInt16BE(2);
    c.name = (await c.read(init.readUInt32BE(20))).toString('utf8');
    c.fb = new Uint32Array(c.width * c.height);
    return c;
  }

  private onBytes(d: Buffer): void {
    if (this.ws) {
      this.wsBuf = Buffer.concat([this.wsBuf, d]);
      if (!this.wsOpen) {
        const end = this.wsBuf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!this.wsBuf.subarray(0, end).toString().startsWith('HTTP/1.1 101')) throw new Error('websocket refused');
        this.wsOpen = true;
        this.wsBuf = this.wsBuf.subarray(end + 4);
      }
      for (;;) {
        if (this.wsBuf.length < 2) break;
        let len = this.wsBuf[1]! & 0x7f;
        let at = 2;
        if (len === 126) {
          if (this.wsBuf.length < 4) break;
          len = this.wsBuf.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (this.wsBuf.length < 10) break;
          len = Number(this.wsBuf.readBigUInt64BE(2));
          at = 10;
        }
        if (this.wsBuf.length < at + len) break;
        this.buf = Buffer.concat([this.buf, this.wsBuf.subarray(at, at + len)]);
        this.wsBuf = this.wsBuf.subarray(at + len);
      }
    } else {
      this.buf = Buffer.concat([this.buf, d]);
    }
    this.wake();
  }
  private wsBuf = Buffer.alloc(0);

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Exactly n bytes, or an error if the server closes first or `timeoutMs` passes. */
  async read(n: number, timeoutMs = 10000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.buf.length < n) {
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${n} bytes`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Whether bytes arrive within ms (without consuming them). */
  async anythingWithin(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (Date.now() < end && this.buf.length === 0 && !this.closed) await new Promise((r) => setTimeout(r, 10));
    return this.buf.length > 0;
  }

  send(b: Buffer): void {
    if (!this.ws) {
      this.sock.write(b);
      return;
    }
    const mask = crypto.randomBytes(4);
    const head = b.length < 126 ? Buffer.from([0x82, 0x80 | b.length]) : Buffer.from([0x82, 0x80 | 126, b.length >> 8, b.length & 0xff]);
    const payload = Buffer.from(b.map((v, i) => v ^ mask[i & 3]!));
    this.sock.write(Buffer.concat([head, mask, payload]));
  }

  /** 32-bit true colour with the given shifts (noVNC uses r=0 g=8 b=16). */
  setPixelFormat32(r: number, g: number, b: number): void {
    const m = Buffer.alloc(20);
    m[0] = 0;
    m[4] = 32;
    m[5] = 24;
    m[7] = 1;
    m.writeUInt16BE(255, 8);
    m.writeUInt16BE(255, 10);
    m.writeUInt16BE(255, 12);
    m[14] = r;
    m[15] = g;
    m[16] = b;
    this.shifts = { r, g, b };
    this.send(m);
  }

  setEncodings(encs: number[]): void {
    const m = Buffer.alloc(4 + 4 * encs.length);
    m[0] = 2;
    m.writeUInt16BE(encs.length, 2);
    encs.forEach((e, i) => m.writeInt32BE(e, 4 + 4 * i));
    this.send(m);
  }

  request(incremental: boolean, x = 0, y = 0, w = this.width, h = this.height): void {
    const m = Buffer.alloc(10);
    m[0] = 3;
    m[1] = incremental ? 1 : 0;
    m.writeUInt16BE(x, 2);
    m.writeUInt16BE(y, 4);
    m.writeUInt16BE(w, 6);
    m.writeUInt16BE(h, 8);
    this.send(m);
  }

  key(keysym: number, down: boolean): void {
    const m = Buffer.alloc(8);
    m[0] = 4;
    m[1] = down ? 1 : 0;
    m.writeUInt32BE(keysym, 4);
    this.send(m);
  }

  pointer(x: number, y: number, mask: number): void {
    const m = Buffer.alloc(6);
    m[0] = 5;
    m[1] = mask;
    m.writeUInt16BE(x, 2);
    m.writeUInt16BE(y, 4);
    this.send(m);
  }

  /** Read one FramebufferUpdate and apply it to fb. */
  async readUpdate(timeoutMs = 10000): Promise<Update> {
    const head = await this.read(4, timeoutMs);
    if (head[0] !== 0) throw new Error(`message type ${head[0]}`);
    const n = head.readUInt16BE(2);
    const rects: Update['rects'] = [];
    for (let i = 0; i < n; i++) {
      const h = await this.read(12);
      const r = { x: h.readUInt16BE(0), y: h.readUInt16BE(2), w: h.readUInt16BE(4), h: h.readUInt16BE(6), encoding: h.readInt32BE(8) };
      rects.push(r);
      if (r.encoding === -223) {
        this.width = r.w;
        this.height = r.h;
        this.fb = new Uint32Array(r.w * r.h);
        continue;
      }
      let pixels: Buffer;
      if (r.encoding === 0) pixels = await this.read(r.w * r.h * this.bpp);
      else if (r.encoding === 6) {
        const len = (await this.read(4)).readUInt32BE(0);
        this.zdata = Buffer.concat([this.zdata, await this.read(len)]);
        const all = zlib.inflateSync(this.zdata, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
        pixels = all.subarray(this.zout);
        this.zout = all.length;
      } else throw new Error(`encoding ${r.encoding}`);
      for (let y = 0; y < r.h; y++) {
        for (let x = 0; x < r.w; x++) {
          const v = pixels.readUInt32LE((y * r.w + x) * 4);
          const s = this.shifts;
          this.fb[(r.y + y) * this.width + r.x + x] = (((v >>> s.r) & 255) << 16) | (((v >>> s.g) & 255) << 8) | ((v >>> s.b) & 255);
        }
      }
    }
    return { rects };
  }

  close(): void {
    this.sock.destroy();
  }
}
