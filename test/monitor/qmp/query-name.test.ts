// QMP's query-name gives the -name of the guest, and an empty NameInfo without one, as QEMU 7.2.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, type CliProcess } from '../../cli/cli-process.js';
import { QmpClient, startTcg86 } from './qmp-client.js';

let cli: CliProcess;
beforeAll(async () => {
  cli = await cliProcess();
}, 60_000);
afterAll(() => cli?.remove());

describe('query-name', () => {
  it.each([
    [['-name', 'guest=vm7,debug-threads=on'], { name: 'vm7' }],
    [[], {}],
  ] as const)('with %j', async (extra, want) => {
    const sock = path.join(cli.dir, `n${extra.length}.sock`);
    const vm = startTcg86(cli.cli, ['-bios', path.join(ROOT, 'roms/demo.bin'), '-display', 'none', '-nodefaults', '-S', ...extra, '-qmp', `unix:${sock},server=on,wait=off`]);
    try {
      const q = await QmpClient.connect(sock);
      await q.negotiate();
      expect(await q.execute('query-name')).toEqual({ return: want });
      await q.execute('quit');
    } finally {
      vm.child.kill();
      await vm.exited;
    }
  }, 60_000);
});
