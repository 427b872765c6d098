// The busybox shell as a person uses it: tmux runs the real command line (-nographic, the serial
// port and the monitor on the terminal), the test waits for the prompt after the /init script,
// types `echo hello; uname -m`, reads `hello` and `i686` back from the pane, and Ctrl-A x quits.
// Skipped without tmux or without the kernel and busybox (see linux-files.ts).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, type CliProcess } from '../cli/cli-process.js';
import { buildInitramfs } from './initramfs.js';
import { BOOT_TIMEOUT_MS } from './linux-check.js';
import { findLinuxFiles, linuxArgs } from './linux-files.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const files = findLinuxFiles();
const SOCKET = `tcg86-linux-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The pane's text (with its scrollback) once `test` accepts it, polling every 250 ms. */
async function paneWhen(test: (text: string) => boolean, what: string, timeoutMs: number): Promise<string> {
  const end = performance.now() + timeoutMs;
  let text = '';
  while (performance.now() < end) {
    text = tmux('capture-pane', '-t', 'linux', '-p', '-J', '-S', '-200').stdout;
    if (test(text)) return text;
    await sleep(250);
  }
  throw new Error(`the terminal never showed ${what}; it shows:\n${text}`);
}

describe.skipIf(!HAS_TMUX || !files)('the busybox shell on the serial console (tmux)', () => {
  let cli: CliProcess;
  let initrd: string;
  beforeAll(async () => {
    cli = await cliProcess();
    initrd = path.join(cli.dir, 'initrd.cpio.gz');
    fs.writeFileSync(initrd, buildInitramfs(new Uint8Array(fs.readFileSync(files!.busybox))));
  });
  afterAll(() => {
    tmux('kill-server');
    cli?.remove();
  });

  it(
    'types `echo hello; uname -m` at the prompt, reads hello and i686, and Ctrl-A x quits',
    async () => {
      // `mode=shell` reaches /init as an environment variable: it runs a shell instead of powering off.
      const args = linuxArgs(files!.kernel, initrd, 'console=ttyS0 quiet mode=shell').map((a) => `'${a}'`).join(' ');
      const r = tmux('new-session', '-d', '-s', 'linux', '-x', '120', '-y', '40', `${process.execPath} ${cli.cli} ${args}; echo "exit $?"; sleep 60`);
      expect(r.status).toBe(0);
      const prompt = /=== tcg86 linux script end ===[\s\S]*# $/m;
      await paneWhen((t) => prompt.test(t.trimEnd() + ' '), 'the shell prompt', BOOT_TIMEOUT_MS);
      tmux('send-keys', '-t', 'linux', '-l', 'echo hello; uname -m');
      tmux('send-keys', '-t', 'linux', 'Enter');
      const answer = await paneWhen((t) => /^i686$/m.test(t), 'i686', 60_000);
      const after = answer.slice(answer.lastIndexOf('echo hello; uname -m')).split('\n').map((l) => l.trimEnd());
      expect(after.slice(1, 3)).toEqual(['hello', 'i686']);
      tmux('send-keys', '-t', 'linux', 'C-a');
      tmux('send-keys', '-t', 'linux', 'x');
      const done = await paneWhen((t) => /^exit \d+$/m.test(t), 'the end of the run', 60_000);
      expect(done).toContain('tcg86: Terminated');
      expect(done).toMatch(/^exit 0$/m);
    },
    BOOT_TIMEOUT_MS + 180_000,
  );
});
