// Buffered output of the host-file character backends (stdio, file): guest bytes collect in a
// buffer and reach the host in one write when it fills, when the machine flushes (it idles,
// yields to the event loop, at least every 50 ms of host time, reads input), every 100 ms from
// a timer, or at exit. Open buffers are flushed on every way out of the process: normal exit,
// process.exit, uncaught errors, and SIGINT/SIGTERM/SIGHUP.

import * as fs from 'node:fs';

/**
 * Bytes held before a host write. A guest writes one byte per port access; a host write costs
 * about 1.6 us, so per-byte writes capped a flood at ~0.6 MB/s.
 */
export const OUTPUT_BUFFER_SIZE = 64 * 1024;

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Write all of data to fd, retrying on EAGAIN (stdout may be a non-blocking pipe). */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

export class OutputBuffer {
  private readonly buf = new Uint8Array(OUTPUT_BUFFER_SIZE);
  private used = 0;
  /** Set once a host write failed (a closed pipe): later output is dropped, as QEMU drops it. */
  private failed = false;

  /** `name` says which backend failed in the one warning a write error prints. */
  constructor(
    private readonly fd: number,
    private readonly name: string,
  ) {
    openBuffers.add(this);
    installHooks();
  }

  /** Take data (copied: frontends reuse their arrays). */
  write(data: Uint8Array): void {
    const n = data.length;
    if (n > OUTPUT_BUFFER_SIZE - this.used) {
      this.flush();
      if (n >= OUTPUT_BUFFER_SIZE) {
        this.writeOut(data);
        return;
      }
    }
    if (n === 1) this.buf[this.used++] = data[0]!;
    else {
      this.buf.set(data, this.used);
      this.used += n;
    }
  }

  /** Bytes waiting for the next host write. */
  get pending(): number {
    return this.used;
  }

  flush(): void {
    const n = this.used;
    if (n === 0) return;
    this.used = 0;
    this.writeOut(this.buf.subarray(0, n));
  }

  /** Flush and stop: the fd itself belongs to the owner. */
  close(): void {
    this.flush();
    openBuffers.delete(this);
    if (openBuffers.size === 0) removeHooks();
  }

  private writeOut(data: Uint8Array): void {
    if (this.failed) return;
    try {
      writeAllSync(this.fd, data);
    } catch (e) {
      // The guest must not bring the host down because the reader went away (EPIPE) or the
      // disk filled up: say so once and drop what follows.
      this.failed = true;
      process.stderr.write(`tcg86: ${this.name}: output dropped from now on (${(e as Error).message})\n`);
    }
  }
}

const openBuffers = new Set<OutputBuffer>();
let hooked = false;
/** Host milliseconds between timed flushes (output reaches a file while the guest runs). */
export const FLUSH_INTERVAL_MS = 100;
let flushTimer: NodeJS.Timeout | null = null;

/** Flush every open buffer (what the exit and signal hooks do). */
export function flushAllOutput(): void {
  for (const b of openBuffers) b.flush();
}

const onExit = (): void => flushAllOutput();

/**
 * Flush, then die of the same signal as before these hooks existed (the default action), so
 * the exit status a shell or a test sees does not change.
 */
const onSignal = (signal: NodeJS.Signals): void => {
  flushAllOutput();
  removeHooks();
  process.kill(process.pid, signal);
};

function installHooks(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' also runs for process.exit() and after an uncaught exception or rejection.
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  // Never keeps the process alive; it fires whenever the event loop gets a turn.
  flushTimer = setInterval(flushAllOutput, FLUSH_INTERVAL_MS);
  flushTimer.unref();
}

function removeHooks(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
  if (flushTimer) clearInterval(flushTimer);
  flushTimer = null;
}
