// record-golden-disks.mjs: boot the disk images of test/devices/ide/disk-images.ts on QEMU 7.2
// (SeaBIOS, -nodefaults) for each case of test/devices/ide/boot-cases.ts and record
// test/golden/disks/NAME.out (the boot program's debugcon output), NAME.status and NAME.log
// (SeaBIOS's debug log; the test compares its drive and boot lines), and grub.out (GRUB's serial
// console to its prompt, when grub-pc-bin is installed). Needs qemu-system-i386 and Debian's seabios.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const gold = path.join(root, 'test/golden/disks');
const qemu = process.env.QEMU ?? 'qemu-system-i386';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-disks-'));
const vn = spawnSync(path.join(root, 'node_modules/.bin/vite-node'), [path.join(root, 'test/devices/ide/write-images.ts'), tmp], { encoding: 'utf8' });
if (vn.status !== 0) throw new Error(`writing the images failed: ${vn.stderr}`);
const images = JSON.parse(vn.stdout.trim().split('\n').pop());
const casesText = fs.readFileSync(path.join(root, 'test/devices/ide/boot-cases.ts'), 'utf8');
const cases = JSON.parse(/\/\* CASES-JSON\n([\s\S]*?)CASES-JSON \*\//.exec(casesText)[1]);
fs.mkdirSync(gold, { recursive: true });
for (const c of cases) {
  const log = path.join(tmp, `${c.name}.seabios`);
  const args = [
    '-nodefaults', '-display', 'none', '-no-reboot',
    '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-chardev', `file,id=seabios,path=${log}`, '-device', 'isa-debugcon,iobase=0x402,chardev=seabios',
    ...c.args.map((a) => a.replace('{disk}', images.disk).replace('{iso}', images.iso).replace('{floppy}', images.floppy)),
  ];
  const r = spawnSync(qemu, args, { encoding: 'latin1', timeout: 30_000 });
  if (r.error) throw r.error;
  fs.writeFileSync(path.join(gold, `${c.name}.out`), r.stdout, 'latin1');
  fs.writeFileSync(path.join(gold, `${c.name}.status`), `${r.status}\n`);
  fs.copyFileSync(log, path.join(gold, `${c.name}.log`));
  console.log(`record-golden-disks: ${c.name}: status ${r.status}, ${r.stdout.length} bytes`);
}
// GRUB (when grub-pc-bin is installed): the serial transcript up to its first prompt, with
// -icount so that no host-timing line slips in.
if (images.grub) {
  const args = ['-nographic', '-nodefaults', '-serial', 'stdio', '-icount', 'shift=3', '-drive', `file=${images.grub},format=raw,snapshot=on`];
  const out = await new Promise((resolve, reject) => {
    const child = spawn(qemu, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let text = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('GRUB did not reach its prompt within 30 s'));
    }, 30_000);
    child.stdout.on('data', (d) => {
      text += d.toString('latin1');
      const end = text.indexOf('grub> ');
      if (end >= 0) {
        clearTimeout(timer);
        child.kill();
        resolve(text.slice(0, end + 6));
      }
    });
  });
  fs.writeFileSync(path.join(gold, 'grub.out'), out, 'latin1');
  console.log(`record-golden-disks: grub: ${out.length} bytes to the prompt`);
}
fs.rmSync(tmp, { recursive: true, force: true });
