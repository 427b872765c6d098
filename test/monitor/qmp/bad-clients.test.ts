// QMP under bad input, as users and broken scripts produce it: a 100 MiB line, a client that
// sends and never reads, a client that disconnects in the middle of its replies. The guest
// keeps running, a client on another QMP socket keeps getting prompt answers, and a new client
// on the same socket starts afresh (QEMU's limits give the 100 MiB line its errors).
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, type CliProcess } from '../../cli/cli-process.js';
import { QmpClient, startTcg86 } from './qmp-client.js';

let cli: CliProcess;
beforeAll(async () => {
  cli = await cliProcess();
}, 60_000);
afterAll(() => cli?.remove());

describe('QMP with bad clients', () => {
  it('a 100 MiB line, a client that never reads and one that leaves mid-reply leave the guest and other clients unaffected', async () => {
    const sock = (n: string) => path.join(cli.dir, `${n}.sock`);
    const args = ['-bios', path.join(ROOT, 'roms/qmp-guest.bin'), '-display', 'none', '-nodefaults'];
    for (const n of ['a', 'b', 'd']) args.push('-qmp', `unix:${sock(n)},server=on,wait=off`);
    args.push('-chardev', `socket,id=c,path=${sock('c')},server=on,wait=off`, '-mon', 'chardev=c,mode=control');
    const vm = startTcg86(cli.cli, args);
    try {
      const good = await QmpClient.connect(sock('b'));
      await good.negotiate();
      // The guest's loop counter at 0x500, read through human-monitor-command.
      const counter = async (): Promise<number> => {
        const t0 = Date.now();
        const r = await good.execute('human-monitor-command', { 'command-line': 'xp /1wx 0x500' }, 10_000);
        expect(Date.now() - t0, 'another client waited for the answer').toBeLessThan(10_000);
        return parseInt(/: (0x[0-9a-f]+)/.exec(r.return as string)![1]!, 16);
      };
      const polls = async (n: number): Promise<void> => {
        let last = await counter();
        for (let i = 0; i < n; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const now = await counter();
          expect(now, 'the guest runs').not.toBe(last);
          last = now;
        }
      };

      // 1. A 100 MiB string token: QEMU's 64 MiB token limit, then the lexer recovers.
      const big = await QmpClient.connect(sock('a'));
      await big.negotiate();
      big.sock.write('{"execute":"query-status","id":"' + 'A'.repeat(100 << 20) + '"}\n{"execute":"query-status","id":2}\n');
      await polls(3);
      const replies: string[] = [];
      for (;;) {
        const line = (await big.next(60_000))!;
        replies.push(line);
        if (line.includes('"id": 2')) break;
      }
      expect(replies).toEqual([
        '{"error": {"class": "GenericError", "desc": "JSON token size limit exceeded"}}',
        `{"error": {"class": "GenericError", "desc": "JSON parse error, stray 'A'"}}`,
        '{"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}',
        '{"return": {"status": "running", "singlestep": false, "running": true}, "id": 2}',
      ]);
      big.close();

      // 2. A client that sends 200k commands and reads nothing: its input waits, nobody else does.
      const mute = await QmpClient.connect(sock('c'));
      mute.sock.pause();
      mute.sock.write('{"execute":"qmp_capabilities"}\n' + '{"execute":"query-cpus-fast"}\n'.repeat(200_000));
      await polls(3);
      mute.close();

      // 3. A client that leaves while its replies are being written; the next one starts afresh.
      const leaver = await QmpClient.connect(sock('d'));
      await leaver.negotiate();
      leaver.sock.write('{"execute":"human-monitor-command","arguments":{"command-line":"info mtree"}}\n'.repeat(500));
      await leaver.next(60_000); // its replies have started
      leaver.close();
      const again = await QmpClient.connect(sock('d'));
      await again.negotiate();
      expect((await again.execute('query-status')).return).toEqual({ status: 'running', singlestep: false, running: true });
      again.close();
      await polls(2);

      expect((await good.execute('quit')).return).toEqual({});
      expect(await vm.exited).toBe(0);
    } finally {
      vm.child.kill('SIGKILL');
    }
  }, 120_000);
});
