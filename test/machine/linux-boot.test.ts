// The Linux proof: Debian's i386 686 kernel with an initramfs of Debian's static busybox boots
// on the real command line (-kernel/-initrd/-append through SeaBIOS and the linuxboot option
// ROM) to its /init script, whose lines match QEMU 7.2's (test/golden/linux/script.txt), and
// `poweroff -f` ends the run with status 0. Skipped when the kernel and busybox are absent.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, type CliProcess } from '../cli/cli-process.js';
import { buildInitramfs } from './initramfs.js';
import { findLinuxFiles, GOLDEN_SCRIPT, LINUX_DIR, linuxArgs, scriptLines } from './linux-files.js';

const files = findLinuxFiles();
if (!files) console.warn(`linux-boot: skipped: no boot/vmlinuz-* and bin/busybox in ${LINUX_DIR} (TCG86_LINUX_DIR; .ci/run fetches them with apt)`);
/** The boot takes minutes on a loaded machine: the translator engine only (see DESIGN.md). */
const BOOT_TIMEOUT_MS = 20 * 60_000;

/**
 * MemTotal is compared with a margin: QEMU's own value varies by tens of KiB between boots (with
 * the machine's ACPI and SMBIOS tables SeaBIOS reserves what it does on QEMU; 32 KiB apart seen).
 */
const MEMTOTAL_MARGIN_KB = 128;

/**
 * The CLI as a child process without blocking this worker (a boot takes minutes; spawnSync would
 * starve vitest's worker RPC): stdout, stderr and the exit status, or null after `timeoutMs`.
 */
function runAsync(cliPath: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status });
    });
  });
}

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
      const r = await runAsync(cli.cli, [...linuxArgs(files!.kernel, initrd), '--engine', 'tcg'], BOOT_TIMEOUT_MS);
      const seconds = (performance.now() - t0) / 1000;
      const out = r.stdout;
      console.log(`linux-boot: tcg86 (tcg) booted and powered off in ${seconds.toFixed(1)} s`);
      const got = scriptLines(out);
      const want = fs.readFileSync(GOLDEN_SCRIPT, 'utf8').trimEnd().split('\n');
      expect(got.length, `script lines in:\n${out.slice(-3000)}\nstderr: ${r.stderr}`).toBe(want.length);
      const memKb = (lines: string[]) => Number(/^MemTotal:\s+(\d+) kB$/.exec(lines.find((l) => l.startsWith('MemTotal:')) ?? '')?.[1]);
      expect(Math.abs(memKb(got) - memKb(want))).toBeLessThanOrEqual(MEMTOTAL_MARGIN_KB);
      const rest = (lines: string[]) => lines.filter((l) => !l.startsWith('MemTotal:'));
      expect(rest(got)).toEqual(rest(want));
      expect(r.status, r.stderr).toBe(0);
    },
    BOOT_TIMEOUT_MS + 60_000,
  );
});
