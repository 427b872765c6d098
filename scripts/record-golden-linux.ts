// record-golden-linux.ts: boot Debian's i386 kernel with the test's initramfs on QEMU 7.2 and
// record the lines its /init script prints into test/golden/linux/script.txt.
// Run: npx vite-node scripts/record-golden-linux.ts (needs qemu-system-i386 and the kernel and
// busybox in TCG86_LINUX_DIR or .cache/linux, as .ci/run unpacks them).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildInitramfs } from '../test/machine/initramfs.js';
import { findLinuxFiles, GOLDEN_SCRIPT, LINUX_DIR, linuxArgs, scriptLines } from '../test/machine/linux-files.js';

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
fs.rmSync(dir, { recursive: true, force: true });
const lines = scriptLines(r.stdout ?? '');
if (r.status !== 0 || lines.length === 0) {
  console.error(`record-golden-linux: ${qemu} exited with ${r.status ?? r.signal}; script lines: ${lines.length}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(GOLDEN_SCRIPT), { recursive: true });
fs.writeFileSync(GOLDEN_SCRIPT, lines.join('\n') + '\n');
console.log(`recorded ${lines.length} lines into ${path.relative(process.cwd(), GOLDEN_SCRIPT)} (QEMU ran ${seconds.toFixed(1)} s)`);
