// Test helper: a QMP client over a socket, as a script would write one (raw lines out, one
// JSON reply or event per line in), and a tcg86 child process to talk to.
import * as net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';

export class QmpClient {
  private buf = '';
  private closed = false;
  private readonly waiters: (() => void)[] = [];
  readonly lines: string[] = [];

  private constructor(readonly sock: net.Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(this.buf.slice(0, nl).replace(/\r$/, ''));
        this.buf = this.buf.slice(nl + 1);
      }
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Connect, retrying while the server is not up yet. */
  static async connect(where: string | number, timeoutMs = 20_000): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const s = await new Promise<net.Socket>((resolve, reject) => {
          const c = typeof where === 'number' ? net.connect(where, '127.0.0.1') : net.connect(where);
          c.once('connect', () => resolve(c));
          c.once('error', reject);
        });
        return new QmpClient(s);
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** The next line (JSON text), or null once the server closed the connection. */
  async next(timeoutMs = 20_000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no QMP line within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.lines.shift()!;
  }

  /** Send a command and return its reply (events before it are skipped). */
  async execute(cmd: string, args?: object, timeoutMs?: number): Promise<Record<string, unknown>> {
    this.sock.write(JSON.stringify(args ? { execute: cmd, arguments: args } : { execute: cmd }) + '\n');
    for (;;) {
      const line = await this.next(timeoutMs);
      if (line === null) throw new Error(`connection closed waiting for the reply to ${cmd}`);
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (!('event' in msg)) return msg;
    }
  }

  /** Read the greeting and negotiate. */
  async negotiate(): Promise<void> {
    // A loaded machine (the whole suite on two cores) may take a while to greet.
    const greeting = JSON.parse((await this.next(60_000))!) as { QMP?: unknown };
    if (!greeting.QMP) throw new Error('no QMP greeting');
    await this.execute('qmp_capabilities');
  }

  close(): void {
    this.sock.destroy();
  }
}

/** tcg86 (the bundled CLI) as a child; resolves its exit status. */
export function startTcg86(cli: string, args: string[], cwd?: string): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => err };
}
