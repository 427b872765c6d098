// A real VNC client from Debian against tcg86's server: vncsnapshot's picture of tcg86's screen
// must be the same file as its picture of QEMU 7.2's -vnc screen for the same ROM
// (test/golden/vnc, recorded by scripts/record-golden-vnc.sh): identical pixels give identical
// JPEG bytes. .ci/run installs vncsnapshot.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, type CliProcess } from '../../cli/cli-process.js';
import { ROOT, vncChild } from './vnc-clients.js';

const GOLDEN = path.join(ROOT, 'test/golden/vnc');
const haveVncsnapshot = spawnSync('sh', ['-c', 'command -v vncsnapshot']).status === 0;
if (!haveVncsnapshot) console.warn('vncsnapshot.test: vncsnapshot is not installed (apt-get install vncsnapshot); skipped');

describe.skipIf(!haveVncsnapshot)('vncsnapshot of tcg86 equals vncsnapshot of QEMU 7.2', () => {
  let cli: CliProcess;
  beforeAll(async () => {
    cli = await cliProcess();
  }, 120_000);
  afterAll(() => cli?.remove());

  const names = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.jpg')).map((f) => f.slice(0, -4));
  const cases = [...names.map((n) => [n, 'tcg'] as const), [names[0]!, 'interp'] as const];
  it.each(cases)('%s (%s)', async (name, engine) => {
    const vm = await vncChild(cli, name, engine);
    try {
      const out = path.join(cli.dir, `${name}-${engine}.jpg`);
      execFileSync('vncsnapshot', ['-quiet', '-quality', '50', '-allowblank', `127.0.0.1:${vm.port - 5900}`, out], { timeout: 30_000, stdio: 'ignore' });
      expect(fs.readFileSync(out).equals(fs.readFileSync(path.join(GOLDEN, `${name}.jpg`))), 'same JPEG bytes as QEMU').toBe(true);
    } finally {
      await vm.stop();
    }
  }, 60_000);
});
