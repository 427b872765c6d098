// Test helper: tcg86's command line with -vnc as a child process, started on a free display
// and run until its screen ROM has printed "ready" on debugcon.

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { CliProcess } from '../../cli/cli-process.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A TCP port nobody listens on now (the kernel picks it), with `offset` free above it too. */
export async function freePort(offset = 0): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => res(p));
      });
    });
    if (port + offset <= 65535) return port;
  }
}

export interface VncChild {
  child: ChildProcess;
  port: number;
  /** What the child printed on stdout so far (a -monitor stdio's answers). */
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * Run `rom` with `-vnc 127.0.0.1:N` (plus `vncOpts`, e.g. ",websocket=PORT") until it printed
 * "ready"; `monitor` puts the monitor on stdin/stdout.
 */
export async function vncChild(cli: CliProcess, rom: string, engine: 'tcg' | 'interp', vncOpts = '', monitor = false): Promise<VncChild> {
  const port = await freePort();
  const dcon = path.join(cli.dir, `${rom}-${engine}-${port}.dcon`);
  const child = spawn(
    process.execPath,
    [cli.cli, '-bios', path.join(ROOT, 'roms', `${rom}.bin`), '-vnc', `127.0.0.1:${port - 5900}${vncOpts}`, '-serial', 'none', '-monitor', monitor ? 'stdio' : 'none', '-debugcon', `file:${dcon}`, '--engine', engine],
    { stdio: [monitor ? 'pipe' : 'ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  for (let k = 0; k < 600; k++) {
    if (fs.existsSync(dcon) && fs.readFileSync(dcon, 'latin1').includes('ready')) break;
    if (child.exitCode !== null) throw new Error(`tcg86 exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    stdout: () => stdout,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}
