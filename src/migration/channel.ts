// The byte channels a migration stream travels on (QEMU's QIOChannel socket/file/command).
// The source writes with backpressure (callers look at `backlog` and wait for drain instead
// of stalling the guest); over TCP the destination answers one line at the end (QEMU's
// return path, reduced to "OK" or the reason it refused), so a refusal fails the source.

import * as fs from 'node:fs';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { MigrationError } from './bytes.js';
import type { MigrationUri } from './uri.js';

export const ACK_OK = 'OK\n';

export class OutgoingChannel {
  private readonly sink: Writable;
  private failure: string | null = null;
  private finished = false;
  private onFail: ((reason: string) => void) | null = null;
  private reply = '';
  private replyWaiter: ((line: string | null) => void) | null = null;
  private closed = false;

  private constructor(
    sink: Writable,
    private readonly socket: net.Socket | null,
    private readonly exitCode: Promise<number | null> | null,
  ) {
    this.sink = sink;
    // On a socket, an error is followed by 'close', which also knows the destination's reply
    // (a refusal line that arrived just before a reset says more than ECONNRESET).
    let sockError: string | null = null;
    sink.on('error', (e: Error) => {
      if (socket) sockError = `write error: ${e.message}`;
      else this.fail(`write error: ${e.message}`);
    });
    if (socket) {
      socket.on('data', (d: Buffer) => {
        this.reply += d.toString('latin1');
        const nl = this.reply.indexOf('\n');
        if (nl >= 0 && this.replyWaiter) this.replyWaiter(this.reply.slice(0, nl + 1));
      });
      socket.on('close', () => {
        this.closed = true;
        if (this.replyWaiter) this.replyWaiter(null);
        else if (!this.finished) {
          const nl = this.reply.indexOf('\n');
          this.fail(nl >= 0 ? `the destination refused the stream: ${this.reply.slice(0, nl)}` : (sockError ?? 'the destination closed the connection'));
        }
      });
    }
  }

  /** Open the channel; resolves when writing may start. */
  static open(uri: MigrationUri): Promise<OutgoingChannel> {
    return new Promise((resolve, reject) => {
      if (uri.kind === 'tcp') {
        const s = net.connect({ host: uri.host, port: uri.port });
        s.once('error', (e) => reject(new MigrationError(`cannot connect to ${uri.host}:${uri.port}: ${e.message}`)));
        s.once('connect', () => {
          s.removeAllListeners('error');
          s.setNoDelay(true);
          resolve(new OutgoingChannel(s, s, null));
        });
      } else if (uri.kind === 'file') {
        const f = fs.createWriteStream(uri.path);
        f.once('error', (e) => reject(new MigrationError(`cannot write ${uri.path}: ${e.message}`)));
        f.once('open', () => {
          f.removeAllListeners('error');
          resolve(new OutgoingChannel(f, null, null));
        });
      } else {
        const child = spawn('/bin/sh', ['-c', uri.command], { stdio: ['pipe', 'inherit', 'inherit'] });
        const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
        child.once('error', (e) => reject(new MigrationError(`cannot run '${uri.command}': ${e.message}`)));
        child.once('spawn', () => resolve(new OutgoingChannel(child.stdin, null, exit)));
      }
    });
  }

  /** Told once, with the reason, when the channel breaks. */
  set onFailure(cb: (reason: string) => void) {
    this.onFail = cb;
    if (this.failure) cb(this.failure);
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.onFail?.(reason);
  }

  get failed(): string | null {
    return this.failure;
  }

  /** Bytes handed over but not yet taken by the OS. */
  get backlog(): number {
    return this.sink.writableLength;
  }

  write(chunk: Uint8Array): void {
    if (this.failure || this.finished) return;
    this.sink.write(chunk);
  }

  /** Called when the backlog has drained. */
  onDrain(cb: () => void): void {
    this.sink.once('drain', cb);
  }

  /** End the stream; resolves when the data is out (and, over TCP, the destination accepted it). */
  finish(): Promise<void> {
    this.finished = true;
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(new MigrationError(this.failure));
      const failed = (r: string) => reject(new MigrationError(r));
      this.onFail = failed;
      if (this.socket) {
        this.replyWaiter = (line) => {
          this.replyWaiter = null;
          if (line === ACK_OK) resolve();
          else if (line === null) failed('the destination closed the connection before accepting the stream');
          else failed(`the destination refused the stream: ${line.trim()}`);
        };
        const nl = this.reply.indexOf('\n');
        if (nl >= 0) this.replyWaiter(this.reply.slice(0, nl + 1));
        else if (this.closed) this.replyWaiter(null);
        this.sink.end();
        return;
      }
      this.sink.end(() => {
        if (!this.exitCode) return resolve();
        void this.exitCode.then((code) => (code === 0 ? resolve() : failed(`the exec command exited with status ${code}`)));
      });
    });
  }

  close(): void {
    this.finished = true;
    this.sink.destroy();
    this.socket?.destroy();
  }
}

/** The destination's side: bytes arrive through onData, the end through onEnd. */
export interface IncomingChannel {
  /** Send the verdict back (TCP only) and close. */
  reply(line: string): void;
  close(): void;
}

export interface IncomingHandlers {
  /** The channel is up (a TCP peer connected, a file opened). */
  onStart?(): void;
  onData(chunk: Uint8Array): void;
  onEnd(): void;
  onError(reason: string): void;
}

/** Listen on / open an incoming URI and pass its bytes on. */
export function openIncoming(uri: MigrationUri, h: IncomingHandlers): IncomingChannel {
  if (uri.kind === 'tcp') {
    let conn: net.Socket | null = null;
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      if (conn) {
        s.destroy();
        return;
      }
      conn = s;
      server.close();
      h.onStart?.();
      s.on('data', (d: Buffer) => h.onData(d));
      s.on('end', () => h.onEnd());
      s.on('error', (e) => h.onError(`connection error: ${e.message}`));
    });
    server.on('error', (e) => h.onError(`cannot listen on ${uri.host}:${uri.port}: ${e.message}`));
    server.listen(uri.port, uri.host);
    return {
      reply(line) {
        if (conn && !conn.destroyed) conn.end(line);
      },
      close() {
        server.close();
        // Keep reading (and dropping) what the source still sends until it closes: closing
        // with unread data would reset the connection and lose the reply line.
        const c = conn;
        if (!c) return;
        c.removeAllListeners('data');
        c.on('data', () => {});
        c.on('end', () => c.destroy());
        setTimeout(() => c.destroy(), 2000).unref();
      },
    };
  }
  if (uri.kind === 'file') {
    const f = fs.createReadStream(uri.path);
    f.on('open', () => h.onStart?.());
    f.on('data', (d) => h.onData(d as Buffer));
    f.on('end', () => h.onEnd());
    f.on('error', (e) => h.onError(`cannot read ${uri.path}: ${e.message}`));
    return { reply() {}, close: () => f.destroy() };
  }
  const child = spawn('/bin/sh', ['-c', uri.command], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.on('spawn', () => h.onStart?.());
  child.on('error', (e) => h.onError(`cannot run '${uri.command}': ${e.message}`));
  child.stdout.on('data', (d: Buffer) => h.onData(d));
  child.stdout.on('end', () => h.onEnd());
  return { reply() {}, close: () => child.kill() };
}
