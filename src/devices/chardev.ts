// Character backends (QEMU's Chardev): where a serial port or debugcon sends its bytes and
// where it gets input from. Stdio and file output is buffered (chardev-output.ts) and flushed
// when the machine idles or yields, when the frontend takes input, and on every exit path.

import * as fs from 'node:fs';
import { OutputBuffer } from './chardev-output.js';

/** The frontend side of input (QEMU's can_receive / receive handlers). */
export interface CharReceiver {
  /** How many bytes the frontend can take now (0 = full; input waits in the backend). */
  canReceive(): number;
  receive(data: Uint8Array): void;
  /**
   * The focus of a mux chardev moved to (mux-in) or away from (mux-out) this frontend; a
   * socket backend's client connected (opened) or went away (closed), QEMU's CHR_EVENT_*.
   */
  event?(ev: 'mux-in' | 'mux-out' | 'opened' | 'closed'): void;
  /** The input source is exhausted (end of file on stdin): no more input will come. */
  inputEnded?(): void;
}

export interface CharBackend {
  write(data: Uint8Array): void;
  /** Connect a frontend for input (null disconnects). Input may start flowing at once. */
  setReceiver(receiver: CharReceiver | null): void;
  /** The frontend has room again (QEMU's qemu_chr_fe_accept_input): deliver waiting input. */
  acceptInput(): void;
  /** Send output held in a buffer to the host now (backends that write at once omit it). */
  flush?(): void;
  close(): void;
}

/**
 * Input held in the backend until the frontend can take it; shared by every backend that
 * produces input, so flow control behaves the same everywhere.
 */
export class InputQueue {
  private chunks: Uint8Array[] = [];
  receiver: CharReceiver | null = null;
  ended = false;
  private endTold = false;

  /** No more input will be pushed: tell the frontend once what is queued has been offered. */
  end(): void {
    this.ended = true;
    this.pump();
  }

  /** Queue input; `deliver` false keeps it queued until the next pump (flow control). */
  push(data: Uint8Array, deliver = true): void {
    if (data.length > 0) this.chunks.push(data);
    if (deliver) this.pump();
  }

  get pendingBytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /** Drop what is queued (a socket client went away: its unread input goes with it). */
  clear(): void {
    this.chunks = [];
  }

  pump(): void {
    const r = this.receiver;
    if (!r) return;
    while (this.chunks.length > 0) {
      const room = r.canReceive();
      if (room <= 0) return;
      // Take the bytes off the queue before delivering them: a frontend may ask for more
      // (acceptInput) from inside receive.
      const c = this.chunks[0]!;
      if (c.length <= room) {
        this.chunks.shift();
        r.receive(c);
      } else {
        this.chunks[0] = c.subarray(room);
        r.receive(c.subarray(0, room));
      }
    }
    if (this.ended && !this.endTold) {
      this.endTold = true;
      r.inputEnded?.();
    }
  }
}

/** Discards output, never produces input (QEMU's -serial null). */
export class NullCharBackend implements CharBackend {
  write(_data: Uint8Array): void {
    // Output is meant to vanish: that is this backend's whole purpose.
  }
  setReceiver(_receiver: CharReceiver | null): void {
    // No input source: a receiver simply never gets data.
  }
  acceptInput(): void {
    // Nothing is ever queued.
  }
  close(): void {
    // No resources held.
  }
}

/** Collects output and takes input from the test (or an embedding program). */
export class MemoryCharBackend implements CharBackend {
  private readonly out: number[] = [];
  private readonly input = new InputQueue();

  write(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.out.push(data[i]!);
  }
  setReceiver(receiver: CharReceiver | null): void {
    this.input.receiver = receiver;
    this.input.pump();
  }
  acceptInput(): void {
    this.input.pump();
  }
  close(): void {
    this.input.receiver = null;
  }

  /** Queue input for the frontend; a string is taken as latin1 bytes. */
  inject(data: Uint8Array | string): void {
    this.input.push(typeof data === 'string' ? Uint8Array.from(Buffer.from(data, 'latin1')) : data.slice());
  }
  /** The end of input (like EOF on stdin): the frontend is told once it has taken the rest. */
  endInput(): void {
    this.input.end();
  }
  /** Input bytes not yet taken by the frontend. */
  get pendingInput(): number {
    return this.input.pendingBytes;
  }
  get bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
  text(): string {
    return Buffer.from(this.out).toString('latin1');
  }
  clear(): void {
    this.out.length = 0;
  }
}

/** Output to a file (QEMU's -serial file:F); truncates unless `append`. No input. */
export class FileCharBackend implements CharBackend {
  private fd: number;
  private readonly out: OutputBuffer;

  constructor(readonly path: string, opts: { append?: boolean } = {}) {
    this.fd = fs.openSync(path, opts.append ? 'a' : 'w');
    this.out = new OutputBuffer(this.fd, `chardev file ${path}`);
  }
  write(data: Uint8Array): void {
    if (this.fd < 0) throw new Error(`chardev file ${this.path}: write after close`);
    this.out.write(data);
  }
  flush(): void {
    this.out.flush();
  }
  setReceiver(_receiver: CharReceiver | null): void {
    // A file backend is output-only, like QEMU's (its "in" path is a separate option).
  }
  acceptInput(): void {
    // No input is ever queued.
  }
  close(): void {
    if (this.fd < 0) return;
    this.out.close();
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** Is fd 0 something we can read input from without blocking the process forever? */
function stdinIsReadable(): boolean {
  try {
    const st = fs.fstatSync(0);
    // A TTY, a pipe/socket or a file of commands gives input; /dev/null gives none.
    return process.stdin.isTTY === true || st.isFIFO() || st.isSocket() || st.isFile();
  } catch {
    return false; // stdin is closed
  }
}

/**
 * The buffer in front of fd 1, shared by every stdio backend so that bytes from several
 * frontends (a serial port and debugcon both on stdio) keep the order the guest wrote them in.
 */
let stdout: { buf: OutputBuffer; users: number } | null = null;

function openStdout(): OutputBuffer {
  stdout ??= { buf: new OutputBuffer(1, 'chardev stdio'), users: 0 };
  stdout.users++;
  return stdout.buf;
}

function closeStdout(): void {
  if (!stdout || --stdout.users > 0) return;
  stdout.buf.close();
  stdout = null;
}

/**
 * Output to the process's stdout (buffered, see chardev-output.ts); input from stdin when it
 * is a TTY or a pipe. Reading starts only once a frontend connects, and stdin never keeps the
 * process alive (the machine decides when to exit).
 */
export class StdioCharBackend implements CharBackend {
  private readonly input = new InputQueue();
  private listening = false;
  private rawSet = false;
  private out: OutputBuffer | null = openStdout();
  private readonly onData = (chunk: Buffer): void => {
    this.input.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    // Whatever the frontend answered (a monitor reply, a guest echo) goes out now.
    this.flush();
  };

  /** `raw`: put a TTY in raw mode (keys go to the guest, not to the line editor). */
  constructor(private readonly opts: { raw?: boolean; input?: boolean } = {}) {}

  write(data: Uint8Array): void {
    this.out?.write(data);
  }
  flush(): void {
    this.out?.flush();
  }
  setReceiver(receiver: CharReceiver | null): void {
    this.input.receiver = receiver;
    if (receiver && !this.listening && !this.input.ended) {
      if (this.opts.input !== false && stdinIsReadable()) this.listen();
      else this.input.end(); // nothing will ever come
    }
    this.input.pump();
  }
  acceptInput(): void {
    // The guest reads its input: a prompt it printed must be visible before it waits for more.
    this.flush();
    this.input.pump();
  }
  private listen(): void {
    const stdin = process.stdin;
    if (this.opts.raw && stdin.isTTY) {
      stdin.setRawMode(true);
      this.rawSet = true;
    }
    stdin.on('data', this.onData);
    // A closed or broken stdin just ends input.
    const ended = (): void => {
      this.stopListening();
      this.input.end();
    };
    stdin.on('error', ended);
    stdin.on('end', ended);
    stdin.resume();
    stdin.unref?.();
    this.listening = true;
  }
  private stopListening(): void {
    if (!this.listening) return;
    const stdin = process.stdin;
    stdin.off('data', this.onData);
    stdin.pause();
    if (this.rawSet && stdin.isTTY) stdin.setRawMode(false);
    this.rawSet = false;
    this.listening = false;
  }
  close(): void {
    this.stopListening();
    this.input.receiver = null;
    if (this.out) closeStdout();
    this.out = null;
  }
}
