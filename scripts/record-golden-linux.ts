// record-golden-linux.ts: boot Debian's i386 kernel with the test's initramfs on QEMU 7.2 and
// record the lines its /init script prints into test/golden/linux/script.txt; then boot the same
// through GRUB from a disk (test/devices/ide/grub-image.ts) and record the serial transcript up
// to GRUB's hand-over into test/golden/linux/grub-linux.out.
// Run: npx vite-node scripts/record-golden-linux.ts (needs qemu-system-i386 and the kernel and
// busybox in TCG86_LINUX_DIR or .cache/linux, as .ci/run unpacks them).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildInitramfs } from '../test/machine/initramfs.js';
import { findLinuxFiles, GOLDEN_SCRIPT, GRUB_HANDOVER, GRUB_LINUX_ARGS, GRUB_LINUX_GOLDEN, LINUX_APPEND, LINUX_DIR, linuxArgs, scriptLines } from '../test/machine/linux-files.js';
import { makeGrubLinuxDisk } from '../test/devices/ide/grub-image.js';

const files = findLinuxFiles();
if (!files) {
  console.error(`record-golden-linux: no kernel (boot/vmlinuz-*) and busybox (bin/busybox) in ${LINUX_DIR}`);
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-linux-'));
const initrd = path.join(dir, 'initrd.cpio.gz');
fs.writeFileSync(initrd, buildInitramfs(new Uint8Array(fs.readFileSync(files.busybox))));
const qemu = process.env.QEMU ?? 'qemu-system-i386';
const t0 = performance.now();
const r = spawnSync(qemu, linuxArgs(files.kernel, initrd), { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit'] });
const seconds = (performance.now() - t0) / 1000;
const lines = scriptLines(r.stdout ?? '');
if (r.status !== 0 || lines.length === 0) {
  console.error(`record-golden-linux: ${qemu} exited with ${r.status ?? r.signal}; script lines: ${lines.length}`);
  process.exit(1);
}
// MemTotal differs between boots by tens of KiB (the tests allow a margin): a golden that differs
// only there is kept, so re-recording does not churn it.
const noMem = (l: string[]) => l.filter((x) => !x.startsWith('MemTotal:')).join('\n');
const before = fs.existsSync(GOLDEN_SCRIPT) ? fs.readFileSync(GOLDEN_SCRIPT, 'utf8').trimEnd().split('\n') : [];
fs.mkdirSync(path.dirname(GOLDEN_SCRIPT), { recursive: true });
if (noMem(before) !== noMem(lines)) fs.writeFileSync(GOLDEN_SCRIPT, lines.join('\n') + '\n');
console.log(`recorded ${lines.length} lines into ${path.relative(process.cwd(), GOLDEN_SCRIPT)} (QEMU ran ${seconds.toFixed(1)} s)`);

const disk = makeGrubLinuxDisk(dir, files.kernel, initrd, LINUX_APPEND);
if (!disk) {
  console.error('record-golden-linux: GRUB (grub-pc-bin) or mke2fs is missing: grub-linux.out not recorded');
  process.exit(1);
}
const g = spawnSync(qemu, GRUB_LINUX_ARGS(disk), { encoding: 'latin1', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit'] });
fs.rmSync(dir, { recursive: true, force: true });
const serial = g.stdout ?? '';
const at = serial.indexOf(GRUB_HANDOVER);
if (g.status !== 0 || at < 0 || noMem(scriptLines(serial)) !== noMem(lines)) {
  console.error(`record-golden-linux: the GRUB boot on ${qemu} exited with ${g.status ?? g.signal} or did not run the script as -kernel did`);
  process.exit(1);
}
fs.writeFileSync(GRUB_LINUX_GOLDEN, serial.slice(0, at + GRUB_HANDOVER.length), 'latin1');
console.log(`recorded ${path.relative(process.cwd(), GRUB_LINUX_GOLDEN)}`);
