// The Linux proof: Debian's i386 686 kernel with an initramfs of Debian's static busybox boots
// on the real command line (-kernel/-initrd/-append through SeaBIOS and the linuxboot option
// ROM) to its /init script, whose lines match QEMU 7.2's (test/golden/linux/script.txt), and
// `poweroff -f` ends the run with status 0. Skipped when the kernel and busybox are absent.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, type CliProcess } from '../cli/cli-process.js';
import { buildInitramfs } from './initramfs.js';
import { findLinuxFiles, LINUX_DIR, linuxArgs } from './linux-files.js';
import { BOOT_TIMEOUT_MS, expectScriptAsQemu, runCliAsync } from './linux-check.js';

const files = findLinuxFiles();
if (!files) console.warn(`linux-boot: skipped: no boot/vmlinuz-* and bin/busybox in ${LINUX_DIR} (TCG86_LINUX_DIR; .ci/run fetches them with apt)`);

describe.skipIf(!files)('Linux boot (Debian i386 kernel, busybox initramfs)', () => {
  let cli: CliProcess;
  let initrd: string;
  beforeAll(async () => {
    cli = await cliProcess();
    initrd = path.join(cli.dir, 'initrd.cpio.gz');
    fs.writeFileSync(initrd, buildInitramfs(new Uint8Array(fs.readFileSync(files!.busybox))));
  });
  afterAll(() => cli?.remove());

  it(
    'tcg: boots to the /init script, prints what QEMU prints, and poweroff -f exits 0',
    async () => {
      const t0 = performance.now();
      const r = await runCliAsync(cli.cli, [...linuxArgs(files!.kernel, initrd), '--engine', 'tcg'], BOOT_TIMEOUT_MS);
      const seconds = (performance.now() - t0) / 1000;
      const out = r.stdout;
      console.log(`linux-boot: tcg86 (tcg) booted and powered off in ${seconds.toFixed(1)} s`);
      expectScriptAsQemu(out, r.stderr);
      expect(r.status, r.stderr).toBe(0);
    },
    BOOT_TIMEOUT_MS + 60_000,
  );
});
