// Opens the character backends a configuration names (stdio, file, null; the display's
// virtual console is a sink since tcg86 has no display), puts a mux in front of the ones
// shared with the monitor (mux=on, mon:stdio), and closes them at exit.

import { FileCharBackend, NullCharBackend, StdioCharBackend, type CharBackend } from '../devices/chardev.js';
import { MuxChardev } from '../devices/chardev-mux.js';
import { SocketCharBackend } from '../devices/chardev-socket.js';
import type { MachineConfig } from './config.js';

/** A backend that cannot be opened (a bad path): a usage error naming the flag. */
export class ChardevError extends Error {}

export class Chardevs {
  private readonly byId = new Map<string, CharBackend>();
  private readonly muxById = new Map<string, MuxChardev>();
  /** The flag that defined each chardev, for errors found after opening (a port in use). */
  readonly flags = new Map<string, string>();

  add(id: string, backend: CharBackend, mux = false): void {
    this.byId.set(id, backend);
    if (mux) this.muxById.set(id, new MuxChardev(backend));
  }

  /** The backend a frontend talks to: on a mux, each call attaches one more frontend. */
  get(id: string): CharBackend {
    const mux = this.muxById.get(id);
    if (mux) return mux.attach();
    const b = this.byId.get(id);
    if (!b) throw new Error(`chardev '${id}' was not opened`);
    return b;
  }

  /** Every frontend is attached: give each mux's focused frontend the console. */
  startMuxes(onTerminate: () => void): void {
    for (const mux of this.muxById.values()) {
      mux.onTerminate = onTerminate;
      mux.start();
    }
  }

  /**
   * Resolves when every socket listens (or, with wait=on, has its first client); rejects with
   * a ChardevError naming the flag when one cannot bind or connect.
   */
  async ready(): Promise<void> {
    for (const [id, b] of this.byId) {
      if (!(b instanceof SocketCharBackend)) continue;
      try {
        if (b.opts.wait && b.opts.server) process.stderr.write(`tcg86: chardev '${id}': waiting for connection on ${b.address.kind}:${b.address.kind === 'tcp' ? `${b.address.host}:${b.address.port}` : b.address.path},server=on\n`);
        await b.whenReady();
      } catch (e) {
        throw new ChardevError(`${this.flags.get(id) ?? '-chardev'}: ${(e as Error).message}`);
      }
    }
  }

  /** A socket server a monitor sits on keeps taking clients: the host can still act. */
  listening(id: string): boolean {
    const b = this.byId.get(id);
    return b instanceof SocketCharBackend && b.listening;
  }

  /** Send buffered output to the host (the machine idles, yields or is about to report). */
  flushAll(): void {
    for (const b of this.byId.values()) b.flush?.();
  }

  closeAll(): void {
    for (const b of this.byId.values()) b.close();
  }

  /** After closeAll: resolves when every socket has sent what it held, or after `timeoutMs`. */
  closed(timeoutMs: number): Promise<void> {
    const sockets = [...this.byId.values()].filter((b): b is SocketCharBackend => b instanceof SocketCharBackend);
    if (sockets.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void Promise.all(sockets.map((s) => s.whenClosed())).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export function openChardevs(
  config: MachineConfig,
  override?: (id: string, kind: string) => CharBackend | null,
): Chardevs {
  const out = new Chardevs();
  for (const spec of config.chardevs.values()) {
    const b = spec.backend;
    const mux = spec.mux === true;
    if (spec.flag) out.flags.set(spec.id, spec.flag);
    const replaced = override?.(spec.id, b.kind);
    if (replaced) {
      out.add(spec.id, replaced, mux);
      continue;
    }
    switch (b.kind) {
      case 'stdio':
        out.add(spec.id, new StdioCharBackend({ raw: process.stdin.isTTY === true }), mux);
        break;
      case 'file':
        try {
          out.add(spec.id, new FileCharBackend(b.path), mux);
        } catch (e) {
          throw new ChardevError(`${spec.flag ?? '-chardev'}: cannot open ${b.path} (${(e as Error).message})`);
        }
        break;
      case 'socket':
        out.add(spec.id, new SocketCharBackend(b.address, b.opts), mux);
        break;
      case 'null':
      case 'vc':
        out.add(spec.id, new NullCharBackend(), mux);
        break;
    }
  }
  return out;
}
