// QEMU's socket chardev (-chardev socket, tcp:/unix:/telnet: device strings): a TCP or Unix
// socket, listening (server=on) or connecting (server=off). One client at a time, as QEMU: a
// second connection waits, unanswered, until the first one leaves. Input arrives from the
// event loop, between guest slices, like stdin's.

import * as fs from 'node:fs';
import * as net from 'node:net';
import { InputQueue, type CharBackend, type CharReceiver } from './chardev.js';

export type SocketAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export interface SocketOptions {
  server: boolean;
  /** server=on,wait=on: startup waits for the first client (QEMU's default for a server). */
  wait: boolean;
  /** telnet=on: send QEMU's option negotiation on connect and strip IAC sequences from input. */
  telnet: boolean;
}

/** Output a client has not read yet beyond which it is dropped (it stopped reading: tcg86's bound). */
export const SOCKET_BACKLOG_LIMIT = 64 * 1024 * 1024;
/** Output backlog above which input from the client waits (it must read its replies first). */
const INPUT_PAUSE_BACKLOG = 1024 * 1024;
/** Input queued in the backend above which the socket stops reading. */
const INPUT_QUEUE_LIMIT = 1024 * 1024;

/** What QEMU's tcp_chr_telnet_init sends: WILL ECHO, WILL SGA, WILL BINARY, DO BINARY. */
const TELNET_INIT = Uint8Array.of(0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00);

export function formatSocketAddress(a: SocketAddress): string {
  return a.kind === 'tcp' ? `${a.host}:${a.port}` : a.path;
}

export class SocketCharBackend implements CharBackend {
  private readonly input = new InputQueue();
  private server: net.Server | null = null;
  private client: net.Socket | null = null;
  /** Connections that arrived while a client was active (QEMU leaves them in the backlog). */
  private readonly waiting: net.Socket[] = [];
  private closed = false;
  /** Telnet parser state: 0 data, 1 after IAC, 2 after IAC WILL/WONT/DO/DONT, 3 in SB, 4 IAC in SB. */
  private telnetState = 0;
  private readonly ready: Promise<void>;
  /** Called once per client connection (tests and the monitor's host-can-act check use it). */
  onConnect: (() => void) | null = null;

  constructor(
    readonly address: SocketAddress,
    readonly opts: SocketOptions,
  ) {
    this.ready = opts.server ? this.listen() : this.connect();
    // Errors are reported through whenReady(); keep an unobserved rejection from killing the process.
    this.ready.catch(() => {});
  }

  /** Resolves once the socket listens (and, with wait=on, a client came) or is connected. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** A client is connected now. */
  get connected(): boolean {
    return this.client !== null;
  }

  /** The server still takes clients: a monitor on it can act for as long as it listens. */
  get listening(): boolean {
    return this.server !== null && !this.closed;
  }

  private listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Half-open: a client that sends its commands and then shuts its side down (a script
      // piped into socat) still gets the replies; the server closes once they are written.
      const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (sock) => this.accept(sock));
      this.server = server;
      const a = this.address;
      server.once('error', (e: NodeJS.ErrnoException) => {
        this.server = null;
        reject(new Error(`Failed to bind socket to ${formatSocketAddress(a)}: ${describeErrno(e)}`));
      });
      const listening = (): void => {
        server.on('error', () => {}); // later errors (EMFILE on accept) leave the server as it is
        // The machine's run loop keeps the process alive; while startup waits for the first
        // client (wait=on), the listening server must.
        if (!this.opts.wait) {
          server.unref();
          resolve();
        } else this.onConnect = () => {
          this.onConnect = null;
          server.unref();
          resolve();
        };
      };
      if (a.kind === 'unix') {
        // As QEMU: a stale socket file from an earlier run is replaced.
        try {
          if (fs.statSync(a.path).isSocket()) fs.unlinkSync(a.path);
        } catch {
          // Absent: nothing to remove.
        }
        server.listen(a.path, listening);
      } else {
        server.listen({ host: a.host, port: a.port, exclusive: true }, listening);
      }
    });
  }

  private connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const a = this.address;
      const sock = a.kind === 'tcp' ? net.connect({ host: a.host, port: a.port }) : net.connect(a.path);
      sock.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`Failed to connect to '${formatSocketAddress(a)}': ${describeErrno(e)}`)));
      sock.once('connect', () => {
        sock.removeAllListeners('error');
        this.attach(sock);
        resolve();
      });
    });
  }

  private accept(sock: net.Socket): void {
    if (this.closed) {
      sock.destroy();
      return;
    }
    if (this.client) {
      this.waiting.push(sock);
      sock.on('error', () => {});
      sock.on('close', () => {
        const k = this.waiting.indexOf(sock);
        if (k >= 0) this.waiting.splice(k, 1);
      });
      return;
    }
    this.attach(sock);
  }

  private attach(sock: net.Socket): void {
    this.client = sock;
    this.telnetState = 0;
    sock.setNoDelay(true);
    sock.unref();
    sock.on('data', (chunk: Buffer) => {
      if (this.client !== sock) return;
      const bytes = this.opts.telnet ? this.stripTelnet(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
      // A client that leaves its replies unread gets no more commands run until it reads.
      this.input.push(bytes, sock.writableLength <= INPUT_PAUSE_BACKLOG);
      if (this.input.pendingBytes > INPUT_QUEUE_LIMIT) sock.pause();
    });
    sock.on('drain', () => {
      if (this.client === sock) this.acceptInput();
    });
    sock.on('end', () => this.endWhenAnswered(sock));
    // A reset or a broken pipe is the client going away, nothing more.
    sock.on('error', () => {});
    sock.on('close', () => this.detach(sock));
    if (this.opts.telnet) sock.write(TELNET_INIT);
    this.input.receiver?.event?.('opened');
    sock.resume();
    this.onConnect?.();
  }

  /** The client sent all it will: close our side once the frontend has taken and answered it. */
  private endWhenAnswered(sock: net.Socket): void {
    if (this.client !== sock) return;
    if (this.input.pendingBytes > 0) {
      setTimeout(() => this.endWhenAnswered(sock), 10);
      return;
    }
    // The monitors run what they received from the event loop (setImmediate): let them.
    setTimeout(() => {
      if (this.client === sock) sock.end();
    }, 20);
  }

  private detach(sock: net.Socket): void {
    if (this.client !== sock) return;
    this.client = null;
    this.input.clear();
    this.input.receiver?.event?.('closed');
    const next = this.waiting.shift();
    if (next && !this.closed) this.attach(next);
  }

  /** Telnet: drop option negotiation (IAC WILL/WONT/DO/DONT x, IAC SB ... IAC SE), keep IAC IAC as 0xff. */
  private stripTelnet(chunk: Buffer): Uint8Array {
    const out: number[] = [];
    for (const b of chunk) {
      switch (this.telnetState) {
        case 0:
          if (b === 0xff) this.telnetState = 1;
          else out.push(b);
          break;
        case 1:
          if (b === 0xff) {
            out.push(0xff);
            this.telnetState = 0;
          } else if (b >= 0xfb && b <= 0xfe) this.telnetState = 2;
          else this.telnetState = b === 0xfa ? 3 : 0;
          break;
        case 2:
          this.telnetState = 0;
          break;
        case 3:
          if (b === 0xff) this.telnetState = 4;
          break;
        default:
          this.telnetState = b === 0xf0 ? 0 : 3;
      }
    }
    return Uint8Array.from(out);
  }

  write(data: Uint8Array): void {
    const sock = this.client;
    // Without a client the bytes go nowhere, as QEMU drops a disconnected socket's output.
    if (!sock || sock.destroyed) return;
    if (sock.writableLength + data.length > SOCKET_BACKLOG_LIMIT) {
      // The client has stopped reading; holding its output would grow without bound.
      sock.destroy();
      return;
    }
    // Copy: the frontend may reuse its buffer once write returns.
    sock.write(Buffer.from(data));
  }

  setReceiver(receiver: CharReceiver | null): void {
    this.input.receiver = receiver;
    if (receiver && this.client) receiver.event?.('opened');
    this.input.pump();
  }

  acceptInput(): void {
    const sock = this.client;
    if (sock && sock.writableLength > INPUT_PAUSE_BACKLOG) return; // 'drain' pumps again
    this.input.pump();
    if (sock && sock.isPaused() && this.input.pendingBytes <= INPUT_QUEUE_LIMIT) sock.resume();
  }

  /** Output still waiting for the client to read it. */
  get backlog(): number {
    return this.client?.writableLength ?? 0;
  }

  /** Resolves when the client's output is sent and the connection closed (after close()). */
  whenClosed(): Promise<void> {
    return this.closing;
  }
  private closing: Promise<void> = Promise.resolve();

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.input.receiver = null;
    // end() sends what is queued before the FIN (a reply to quit still reaches the client).
    const client = this.client;
    if (client && !client.destroyed && !client.writableFinished) {
      this.closing = new Promise<void>((resolve) => {
        // 'finish': every byte is with the kernel; the peer need not close its side.
        client.once('finish', () => resolve());
        client.once('close', () => resolve());
        if (!client.writableEnded) client.end();
      });
    }
    for (const s of this.waiting) s.destroy();
    this.waiting.length = 0;
    this.server?.close();
    this.server = null;
    if (this.address.kind === 'unix' && this.opts.server) {
      try {
        fs.unlinkSync(this.address.path);
      } catch {
        // Already gone.
      }
    }
  }
}

/** Node's error as QEMU's strerror text ("Address already in use"). */
export function describeErrno(e: NodeJS.ErrnoException): string {
  return ERRNO_TEXT[e.code ?? ''] ?? e.message;
}

const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  ECONNREFUSED: 'Connection refused',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  ENAMETOOLONG: 'File name too long',
  EPERM: 'Operation not permitted',
  ENOTFOUND: 'Name or service not known',
};
