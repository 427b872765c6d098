// Opens the character backends a configuration names (stdio, file, null; the display's
// virtual console is a sink since tcg86 has no display), puts a mux in front of the ones
// shared with the monitor (mux=on, mon:stdio), and closes them at exit.

import { FileCharBackend, NullCharBackend, StdioCharBackend, type CharBackend } from '../devices/chardev.js';
import { MuxChardev } from '../devices/chardev-mux.js';
import type { MachineConfig } from './config.js';

/** A backend that cannot be opened (a bad path): a usage error naming the flag. */
export class ChardevError extends Error {}

export class Chardevs {
  private readonly byId = new Map<string, CharBackend>();
  private readonly muxById = new Map<string, MuxChardev>();

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

  /** Send buffered output to the host (the machine idles, yields or is about to report). */
  flushAll(): void {
    for (const b of this.byId.values()) b.flush?.();
  }

  closeAll(): void {
    for (const b of this.byId.values()) b.close();
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
      case 'null':
      case 'vc':
        out.add(spec.id, new NullCharBackend(), mux);
        break;
    }
  }
  return out;
}
