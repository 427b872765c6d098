// Test helper: where the Linux boot tests find Debian's i386 kernel and static busybox
// (TCG86_LINUX_DIR, default .cache/linux: the two packages unpacked there by .ci/run), the
// command line they boot with, and the script lines cut out of a serial transcript.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const LINUX_DIR = process.env.TCG86_LINUX_DIR ?? path.join(ROOT, '.cache/linux');
export const GOLDEN_SCRIPT = path.join(ROOT, 'test/golden/linux/script.txt');

export interface LinuxFiles {
  kernel: string;
  busybox: string;
}

/** The kernel (boot/vmlinuz-*) and busybox (bin/busybox) in LINUX_DIR, or null when either is missing. */
export function findLinuxFiles(dir = LINUX_DIR): LinuxFiles | null {
  const busybox = path.join(dir, 'bin/busybox');
  let kernels: string[] = [];
  try {
    kernels = fs.readdirSync(path.join(dir, 'boot')).filter((f) => f.startsWith('vmlinuz-')).sort();
  } catch {
    return null;
  }
  if (kernels.length === 0 || !fs.existsSync(busybox)) return null;
  return { kernel: path.join(dir, 'boot', kernels[kernels.length - 1]!), busybox };
}

/** The kernel command line of the tests (the issue's). */
export const LINUX_APPEND = 'console=ttyS0 quiet';

/** The same arguments for tcg86 and QEMU (the command line). */
export function linuxArgs(kernel: string, initrd: string, append = LINUX_APPEND): string[] {
  return ['-kernel', kernel, '-initrd', initrd, '-append', append, '-nographic', '-no-reboot', '-m', '256'];
}

/** The lines /init prints between its markers (markers included), without CRs or kernel log lines. */
export function scriptLines(serial: string): string[] {
  const lines = serial.replace(/\r/g, '').split('\n');
  const start = lines.findIndex((l) => l.includes('=== tcg86 linux script start ==='));
  const end = lines.findIndex((l) => l.includes('=== tcg86 linux script end ==='));
  if (start < 0 || end < start) return [];
  return lines.slice(start, end + 1).filter((l) => !/^\[\s*\d+\.\d+\]/.test(l));
}

/** The GRUB disk boot: the same arguments for tcg86 and QEMU (no NIC: QEMU's would add iPXE's banner). */
export const GRUB_LINUX_ARGS = (disk: string): string[] => ['-drive', `file=${disk},format=raw,snapshot=on`, '-nographic', '-no-reboot', '-m', '256', '-nic', 'none'];

/** QEMU's transcript of the GRUB disk boot up to GRUB's hand-over line (then Linux's timings start). */
export const GRUB_LINUX_GOLDEN = path.join(ROOT, 'test/golden/linux/grub-linux.out');
export const GRUB_HANDOVER = 'tcg86: loading Linux from (hd0,msdos1)';
