// Migration URIs as QEMU spells them: tcp:HOST:PORT, file:PATH, exec:CMD (and defer for
// -incoming). Parsing only; the channels open them.

import { MigrationError } from './bytes.js';

export type MigrationUri =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'file'; path: string }
  | { kind: 'exec'; command: string };

export function parseMigrationUri(text: string): MigrationUri {
  if (text.startsWith('tcp:')) {
    const rest = text.slice(4);
    const colon = rest.lastIndexOf(':');
    const host = (colon >= 0 ? rest.slice(0, colon) : '').replace(/^\[(.*)\]$/, '$1');
    const port = Number(colon >= 0 ? rest.slice(colon + 1) : NaN);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || colon < 0) {
      throw new MigrationError(`'${text}': expected tcp:HOST:PORT with a port number 0-65535`);
    }
    return { kind: 'tcp', host: host || '0.0.0.0', port };
  }
  if (text.startsWith('file:')) {
    if (text.length === 5) throw new MigrationError("'file:' needs a path (file:PATH)");
    return { kind: 'file', path: text.slice(5) };
  }
  if (text.startsWith('exec:')) {
    if (text.length === 5) throw new MigrationError("'exec:' needs a command (exec:CMD)");
    return { kind: 'exec', command: text.slice(5) };
  }
  throw new MigrationError(`unknown migration protocol: '${text}' (use tcp:HOST:PORT, file:PATH or exec:CMD)`);
}
