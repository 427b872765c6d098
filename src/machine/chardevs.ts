// Opens the character backends a configuration names (stdio, file, null; the display's
// virtual console is a sink since tcg86 has no display) and closes them at exit.

import { FileCharBackend, NullCharBackend, StdioCharBackend, type CharBackend } from '../devices/chardev.js';
import type { MachineConfig } from './config.js';

/** A backend that cannot be opened (a bad path): a usage error naming the flag. */
export class ChardevError extends Error {}

export class Chardevs {
  private readonly byId = new Map<string, CharBackend>();

  add(id: string, backend: CharBackend): void {
    this.byId.set(id, backend);
  }

  get(id: string): CharBackend {
    const b = this.byId.get(id);
    if (!b) throw new Error(`chardev '${id}' was not opened`);
    return b;
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
    const replaced = override?.(spec.id, b.kind);
    if (replaced) {
      out.add(spec.id, replaced);
      continue;
    }
    switch (b.kind) {
      case 'stdio':
        out.add(spec.id, new StdioCharBackend({ raw: process.stdin.isTTY === true }));
        break;
      case 'file':
        try {
          out.add(spec.id, new FileCharBackend(b.path));
        } catch (e) {
          throw new ChardevError(`${spec.flag ?? '-chardev'}: cannot open ${b.path} (${(e as Error).message})`);
        }
        break;
      case 'null':
      case 'vc':
        out.add(spec.id, new NullCharBackend());
        break;
    }
  }
  return out;
}
