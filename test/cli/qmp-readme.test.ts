// README's "Scripting tcg86 with QMP" block, run as written with Debian's socat (only the port
// and the path of the CLI bundle change): the greeting, the replies, STOP, then SHUTDOWN and
// quit's reply, and both processes exit 0.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, type CliProcess } from './cli-process.js';
import { freePort } from './free-port.js';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
let cli: CliProcess;
beforeAll(async () => {
  cli = await cliProcess();
}, 60_000);
afterAll(() => cli?.remove());

describe.skipIf(!hasSocat)('README QMP example with socat', () => {
  it('runs as written', async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Scripting tcg86 with QMP'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    expect(block).toContain('socat - tcp:127.0.0.1:4444');
    const port = await freePort();
    const script = block.replaceAll('node dist/tcg86.js', `"${process.execPath}" "${cli.cli}"`).replaceAll('4444', String(port)) + '\nwait\n';
    const r = spawnSync('bash', ['-c', script], { cwd: ROOT, timeout: 60_000, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split(/\r?\n/).map((l) => l.replace(/"timestamp": \{[^}]*\}/, '"timestamp": T'));
    expect(lines[0]).toMatch(/^\{"QMP": \{"version": \{"qemu": \{"micro": 0, "minor": 2, "major": 7\}, "package": "tcg86 [0-9.]+"\}, "capabilities": \["oob"\]\}\}$/);
    expect(lines.slice(1, 4)).toEqual(['{"return": {}}', '{"timestamp": T, "event": "STOP"}', '{"return": {}}']);
    expect(lines[4]).toMatch(/^\{"return": "0000000000000500: 0x[0-9a-f]{8}\\r\\n"\}$/);
    expect(lines.slice(5)).toEqual([
      '{"return": {"status": "paused", "singlestep": false, "running": false}}',
      '{"timestamp": T, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}',
      '{"return": {}}',
    ]);
  }, 90_000);
});
