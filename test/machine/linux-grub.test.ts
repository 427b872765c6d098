// GRUB loads Linux from a disk (issue 18's disk proof): a raw image with Debian's GRUB in the MBR
// gap and an ext2 partition holding the Debian kernel and the test's initramfs
// (test/devices/ide/grub-image.ts) boots through SeaBIOS, the IDE disk and GRUB's linux command
// to the /init script. The serial transcript up to GRUB's hand-over has QEMU 7.2's lines
// (test/golden/linux/grub-linux.out) and the script lines are QEMU's (script.txt). Translator
// only, as the other Linux tests; skipped without the kernel, busybox, GRUB or mke2fs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, type CliProcess } from '../cli/cli-process.js';
import { haveGrub, haveMke2fs, makeGrubLinuxDisk } from '../devices/ide/grub-image.js';
import { buildInitramfs } from './initramfs.js';
import { findLinuxFiles, GRUB_LINUX_ARGS, GRUB_LINUX_GOLDEN, GRUB_HANDOVER, LINUX_APPEND } from './linux-files.js';
import { BOOT_TIMEOUT_MS, expectScriptAsQemu, runCliAsync } from './linux-check.js';

/**
 * The transcript's text lines: GRUB's "Welcome to GRUB!" reaches the serial port through
 * SeaBIOS's serial console, whose screen updates (cursor moves, and where the "!" lands) follow
 * its timer, so escapes and the "!" are left out; every line of text must be there, in order.
 */
function textLines(serial: string): string[] {
  return serial
    .replace(/\x1b(\[[0-9;?]*[A-Za-z]|c)/g, '\n')
    .replace(/[\r!]/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

const files = findLinuxFiles();
const ready = files !== null && haveGrub && haveMke2fs;

describe.skipIf(!ready)('GRUB loads Linux from an IDE disk', () => {
  let cli: CliProcess;
  let disk: string;
  beforeAll(async () => {
    cli = await cliProcess();
    const initrd = path.join(cli.dir, 'initrd.cpio.gz');
    fs.writeFileSync(initrd, buildInitramfs(new Uint8Array(fs.readFileSync(files!.busybox))));
    disk = makeGrubLinuxDisk(cli.dir, files!.kernel, initrd, LINUX_APPEND)!;
  });
  afterAll(() => cli?.remove());

  it(
    'tcg: SeaBIOS and GRUB as on QEMU, then the /init script, and poweroff -f exits 0',
    async () => {
      const r = await runCliAsync(cli.cli, [...GRUB_LINUX_ARGS(disk), '--engine', 'tcg'], BOOT_TIMEOUT_MS);
      const out = r.stdout;
      const handover = out.indexOf(GRUB_HANDOVER);
      expect(handover, `no GRUB hand-over in:\n${out.slice(0, 3000)}`).toBeGreaterThan(0);
      expect(textLines(out.slice(0, handover + GRUB_HANDOVER.length))).toEqual(textLines(fs.readFileSync(GRUB_LINUX_GOLDEN, 'latin1')));
      expectScriptAsQemu(out, r.stderr);
      expect(r.status, r.stderr).toBe(0);
    },
    BOOT_TIMEOUT_MS + 60_000,
  );
});
