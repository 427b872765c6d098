// The byte pipe a VNC client talks through: a plain TCP/Unix socket, or a WebSocket
// (RFC 6455, as QEMU's websocket=on for noVNC) carrying RFB bytes in binary frames.

import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';

export interface VncTransport {
  /** host:port of the peer, for logs and `info vnc`. */
  readonly peer: string;
  /** The client came through the WebSocket listener. */
  readonly websocket: boolean;
  onData(cb: (data: Buffer) => void): void;
  onClose(cb: () => void): void;
  write(data: Buffer): void;
  /** Bytes written but not yet taken by the kernel (a client that does not read). */
  readonly pending: number;
  close(): void;
}

const peerOf = (s: Socket): string => (s.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : 'unix');

export function socketTransport(sock: Socket): VncTransport {
  return {
    peer: peerOf(sock),
    websocket: false,
    onData: (cb) => void sock.on('data', cb),
    onClose: (cb) => {
      sock.on('close', cb);
      sock.on('error', () => sock.destroy());
    },
    write: (data) => void sock.write(data),
    get pending() {
      return sock.writableLength;
    },
    close: () => sock.destroy(),
  };
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Largest HTTP upgrade request accepted. */
const MAX_HANDSHAKE = 16384;
/** Largest WebSocket message accepted from a client (RFB client messages are small). */
const MAX_MESSAGE = 1 << 20;

/**
 * A WebSocket server side over `sock`: reads the HTTP upgrade, answers it, then unwraps the
 * client's masked frames. `fail(reason)` is called (and the socket closed) on a bad request.
 */
export function websocketTransport(sock: Socket, fail: (reason: string) => void): VncTransport {
  let dataCb: (data: Buffer) => void = () => {};
  let closeCb: () => void = () => {};
  let buf: Buffer = Buffer.alloc(0);
  let open = false;
  let fragments: Buffer[] = [];
  const early: Buffer[] = [];
  const drop = (reason: string) => {
    fail(reason);
    sock.destroy();
  };
  const frame = (opcode: number, payload: Buffer): Buffer => {
    const n = payload.length;
    const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (n >= 126) {
      head[0] = 0x80 | opcode;
      if (n < 65536) {
        head[1] = 126;
        head.writeUInt16BE(n, 2);
      } else {
        head[1] = 127;
        head.writeBigUInt64BE(BigInt(n), 2);
      }
    }
    return Buffer.concat([head, payload]);
  };
  const handshake = (): void => {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_HANDSHAKE) drop('WebSocket handshake too long');
      return;
    }
    const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
    buf = buf.subarray(end + 4);
    const headers = new Map<string, string>();
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
    }
    const key = headers.get('sec-websocket-key');
    if (!/^GET /.test(lines[0] ?? '') || headers.get('upgrade')?.toLowerCase() !== 'websocket' || !key) {
      sock.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      drop('not a WebSocket upgrade request');
      return;
    }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    const protocols = (headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    sock.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n` +
        (protocols.includes('binary') ? 'Sec-WebSocket-Protocol: binary\r\n' : '') +
        '\r\n',
    );
    open = true;
    for (const b of early.splice(0)) sock.write(frame(0x2, b));
  };
  const frames = (): void => {
    for (;;) {
      if (buf.length < 2) return;
      const fin = (buf[0]! & 0x80) !== 0;
      const opcode = buf[0]! & 0x0f;
      const masked = (buf[1]! & 0x80) !== 0;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) return drop('WebSocket frame too large');
        len = Number(big);
        at = 10;
      }
      if (!masked) return drop('unmasked WebSocket frame from a client');
      if (len > MAX_MESSAGE) return drop('WebSocket frame too large');
      if (buf.length < at + 4 + len) return;
      const mask = buf.subarray(at, at + 4);
      const payload = Buffer.alloc(len);
      for (let i = 0; i < len; i++) payload[i] = buf[at + 4 + i]! ^ mask[i & 3]!;
      buf = buf.subarray(at + 4 + len);
      if (opcode === 0x8) {
        sock.end(frame(0x8, Buffer.alloc(0)));
        return;
      }
      if (opcode === 0x9) {
        sock.write(frame(0xa, payload));
        continue;
      }
      if (opcode === 0xa) continue;
      if (opcode !== 0x0 && opcode !== 0x1 && opcode !== 0x2) return drop(`WebSocket opcode ${opcode}`);
      fragments.push(payload);
      if (fragments.reduce((n, f) => n + f.length, 0) > MAX_MESSAGE) return drop('WebSocket message too large');
      if (fin) {
        const msg = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments);
        fragments = [];
        dataCb(msg);
      }
    }
  };
  sock.on('data', (d: Buffer) => {
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    if (!open) handshake();
    if (open) frames();
  });
  sock.on('close', () => closeCb());
  sock.on('error', () => sock.destroy());
  return {
    peer: peerOf(sock),
    websocket: true,
    onData: (cb) => (dataCb = cb),
    onClose: (cb) => (closeCb = cb),
    write: (data) => {
      if (sock.destroyed) return;
      if (open) sock.write(frame(0x2, data));
      else early.push(data); // the server speaks first: hold it until the upgrade is answered
    },
    get pending() {
      return sock.writableLength;
    },
    close: () => sock.destroy(),
  };
}
