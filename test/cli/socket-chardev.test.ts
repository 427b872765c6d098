// Socket chardevs as users give them: the human monitor over telnet, debugcon to a server
// socket that waits for its client (wait=on) and to a client socket (server=off), and QEMU's
// errors for a port in use or nobody listening.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, type CliProcess } from './cli-process.js';
import { freePort } from './free-port.js';
import { startTcg86 } from '../monitor/qmp/qmp-client.js';

let cli: CliProcess;
beforeAll(async () => {
  cli = await cliProcess();
}, 60_000);
afterAll(() => cli?.remove());

const DEMO = ['-bios', path.join(ROOT, 'roms/demo.bin'), '-display', 'none', '-nodefaults', '-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'];
const demoOut = fs.readFileSync(path.join(ROOT, 'test/golden/roms/demo.out'));

/** Connect (retrying until the server is up) and collect everything until the peer closes. */
async function readAll(port: number): Promise<Buffer> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const s = net.connect(port, '127.0.0.1');
        s.on('data', (d) => chunks.push(d));
        s.on('error', reject);
        s.on('close', () => resolve(Buffer.concat(chunks)));
      });
    } catch (e) {
      if (i > 200) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('socket chardevs', () => {
  it('HMP over telnet: negotiation bytes, the banner, commands, quit', async () => {
    const port = await freePort();
    const vm = startTcg86(cli.cli, ['-bios', path.join(ROOT, 'roms/qmp-guest.bin'), '-display', 'none', '-nodefaults', '-monitor', `telnet:127.0.0.1:${port},server=on,wait=off`]);
    try {
      let got = Buffer.alloc(0);
      const s = await (async () => {
        for (;;) {
          try {
            return await new Promise<net.Socket>((resolve, reject) => {
              const c = net.connect(port, '127.0.0.1');
              c.once('connect', () => resolve(c));
              c.once('error', reject);
            });
          } catch {
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      })();
      s.on('data', (d) => (got = Buffer.concat([got, d])));
      const until = async (text: string) => {
        for (let i = 0; i < 400 && !got.includes(text); i++) await new Promise((r) => setTimeout(r, 25));
        expect(got.toString('latin1')).toContain(text);
      };
      await until('(qemu) ');
      // QEMU's telnet negotiation: WILL ECHO, WILL SGA, WILL BINARY, DO BINARY.
      expect([...got.subarray(0, 12)]).toEqual([0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00]);
      expect(got.subarray(12).toString('latin1')).toBe("tcg86 monitor - type 'help' for more information\r\n(qemu) ");
      // A client's own negotiation (IAC DO ECHO) is dropped; telnet ends lines with CR NUL.
      s.write(Buffer.from([0xff, 0xfd, 0x01]));
      s.write('info status\r\0');
      await until('VM status: running\r\n(qemu) ');
      s.write('quit\r\n');
      expect(await vm.exited).toBe(0);
    } finally {
      vm.child.kill('SIGKILL');
    }
  }, 60_000);

  it('debugcon to a server socket with wait=on: the guest starts once the client is there', async () => {
    const port = await freePort();
    const vm = startTcg86(cli.cli, [...DEMO, '-debugcon', `tcp:127.0.0.1:${port},server=on`]);
    try {
      expect(await readAll(port)).toEqual(demoOut);
      expect(await vm.exited).toBe(0);
      expect(vm.stderr()).toContain('waiting for connection');
    } finally {
      vm.child.kill('SIGKILL');
    }
  }, 60_000);

  it('debugcon to a client socket (server=off) connects to the given port', async () => {
    const chunks: Buffer[] = [];
    const server = net.createServer();
    const closed = new Promise<void>((resolve) => {
      server.on('connection', (s) => {
        s.on('data', (d) => chunks.push(d));
        s.on('close', () => resolve());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const vm = startTcg86(cli.cli, [...DEMO, '-chardev', `socket,id=dc,host=127.0.0.1,port=${port}`, '-device', 'isa-debugcon,iobase=0xe9,chardev=dc']);
    expect(await vm.exited).toBe(0);
    await closed;
    server.close();
    expect(Buffer.concat(chunks)).toEqual(demoOut);
  }, 60_000);

  it('a port in use and a refused connection: one line naming the flag, status 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const used = (blocker.address() as net.AddressInfo).port;
    try {
      const a = cli.run([...DEMO, '-qmp', `tcp:127.0.0.1:${used},server=on,wait=off`], { timeoutMs: 30_000 });
      expect(a.status).toBe(1);
      expect(a.stderr.toString()).toBe(`tcg86: -qmp: Failed to bind socket to 127.0.0.1:${used}: Address already in use\n`);
    } finally {
      blocker.close();
    }
    const free = await freePort();
    const b = cli.run([...DEMO, '-serial', `tcp:127.0.0.1:${free}`], { timeoutMs: 30_000 });
    expect(b.status).toBe(1);
    expect(b.stderr.toString()).toBe(`tcg86: -serial: Failed to connect to '127.0.0.1:${free}': Connection refused\n`);
  }, 60_000);
});
