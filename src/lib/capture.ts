// A character backend for embedders: keeps what the guest wrote (as bytes or text) and tells
// listeners about each write, so output can be read as a string or consumed as a stream.

import { Readable } from 'node:stream';
import type { CharBackend, CharReceiver } from '../devices/chardev.js';
import { MemoryCharBackend } from '../devices/chardev.js';

export class CaptureCharBackend implements CharBackend {
  private readonly mem = new MemoryCharBackend();
  private readonly listeners = new Set<(data: Uint8Array) => void>();

  write(data: Uint8Array): void {
    this.mem.write(data);
    if (this.listeners.size === 0) return;
    const copy = data.slice(); // frontends reuse their arrays
    for (const l of this.listeners) l(copy);
  }
  setReceiver(receiver: CharReceiver | null): void {
    this.mem.setReceiver(receiver);
  }
  acceptInput(): void {
    this.mem.acceptInput();
  }
  close(): void {
    this.mem.close();
    for (const l of this.listeners) l(new Uint8Array(0));
    this.listeners.clear();
  }

  /** Everything written so far. */
  get bytes(): Uint8Array {
    return this.mem.bytes;
  }
  /** Everything written so far, as latin1 text (one character per byte). */
  text(): string {
    return this.mem.text();
  }
  /** Send input to the frontend (a serial port's receiver, the monitor). */
  input(data: Uint8Array | string): void {
    this.mem.inject(data);
  }
  /** No more input will come (as end of file on stdin). */
  endInput(): void {
    this.mem.endInput();
  }
  /** Call `fn` with each chunk the guest writes from now on; returns a function that stops it. */
  onData(fn: (data: Uint8Array) => void): () => void {
    const l = (d: Uint8Array) => {
      if (d.length > 0) fn(d);
    };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  /** A readable stream of what the guest writes from now on; it ends when the machine closes. */
  stream(): Readable {
    const r = new Readable({ read() {} });
    const l = (d: Uint8Array) => {
      if (d.length === 0) r.push(null);
      else r.push(Buffer.from(d));
    };
    this.listeners.add(l);
    return r;
  }
}
