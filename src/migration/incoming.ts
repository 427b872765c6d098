// The destination side (QEMU's -incoming / migrate_incoming): open the channel, feed the
// stream loader, and report success (the guest may run) or the one-line reason it refused.

import type { MemorySystem } from '../memory/index.js';
import { MigrationError } from './bytes.js';
import { ACK_OK, openIncoming, type IncomingChannel } from './channel.js';
import { StreamLoader } from './loader.js';
import { parseMigrationUri } from './uri.js';

export interface IncomingHooks {
  /** After RAM and devices were written: drop caches built from the old state. */
  afterApply(): void;
  /** The stream was loaded; the guest may run. */
  loaded(): void;
  /** The stream was refused (or the channel failed): one line saying why. */
  failed(reason: string): void;
}

/** Start listening or reading; throws MigrationError for a bad URI. */
export function startIncoming(sys: MemorySystem, uriText: string, hooks: IncomingHooks): IncomingChannel {
  const uri = parseMigrationUri(uriText);
  const loader = new StreamLoader(sys, () => hooks.afterApply());
  let over = false;
  let channel: IncomingChannel | null = null;
  const refuse = (reason: string) => {
    if (over) return;
    over = true;
    channel?.reply(`ERR ${reason}\n`);
    channel?.close();
    hooks.failed(reason);
  };
  const guard = (fn: () => void) => {
    if (over) return;
    try {
      fn();
    } catch (e) {
      if (!(e instanceof MigrationError)) throw e;
      refuse(e.message);
      return;
    }
    if (loader.done && !over) {
      over = true;
      channel?.reply(ACK_OK);
      hooks.loaded();
    }
  };
  channel = openIncoming(uri, {
    onData: (chunk) => guard(() => loader.feed(chunk)),
    onEnd: () => guard(() => loader.finish()),
    onError: (reason) => refuse(reason),
  });
  return channel;
}
