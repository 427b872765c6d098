// Raw disks with Debian's GRUB (grub-pc-bin): boot.img in the MBR, and at LBA 1 a core.img made
// by grub-mkimage with an embedded configuration that moves the console to COM1. boot.img loads
// core.img from sector 1 and core.img's own block list covers the sectors after it, as
// grub-mkimage lays them out, so nothing needs patching. makeGrubDisk stops at GRUB's prompt;
// makeGrubLinuxDisk adds an ext2 partition (made by mke2fs -d, no mounting) with a kernel and an
// initrd that the embedded configuration boots.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const GRUB_DIR = '/usr/lib/grub/i386-pc';

export const haveGrub = fs.existsSync(path.join(GRUB_DIR, 'boot.img')) && spawnSync('grub-mkimage', ['--version']).status === 0;

const CONFIG = 'serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\nset prefix=\necho "tcg86 grub test"\n';

export const haveMke2fs = spawnSync('mke2fs', ['-V']).status === 0;

/** The partition with /boot starts at 1 MiB, as partitioning tools place it. */
const PART_START_LBA = 2048;

function grubMkimage(dir: string, config: string, modules: string[]): Uint8Array {
  const cfg = path.join(dir, 'grub-early.cfg');
  const core = path.join(dir, 'grub-core.img');
  fs.writeFileSync(cfg, config);
  const r = spawnSync('grub-mkimage', ['-O', 'i386-pc', '-o', core, '-c', cfg, '-p', '/', ...modules], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`grub-mkimage failed: ${r.stderr}`);
  return new Uint8Array(fs.readFileSync(core));
}

/**
 * Write grub-linux.img into `dir`: GRUB in the MBR gap, one ext2 partition (type 0x83, active)
 * with /boot/vmlinuz and /boot/initrd.gz, and a configuration that loads both with `append` and
 * boots. Null when GRUB or mke2fs is not installed.
 */
export function makeGrubLinuxDisk(dir: string, kernel: string, initrd: string, append: string): string | null {
  if (!haveGrub || !haveMke2fs) return null;
  const tree = path.join(dir, 'grub-root');
  fs.mkdirSync(path.join(tree, 'boot'), { recursive: true });
  fs.copyFileSync(kernel, path.join(tree, 'boot/vmlinuz'));
  fs.copyFileSync(initrd, path.join(tree, 'boot/initrd.gz'));
  const part = path.join(dir, 'grub-part.img');
  const mib = Math.ceil((fs.statSync(kernel).size + fs.statSync(initrd).size) / (1 << 20)) + 4;
  fs.rmSync(part, { force: true });
  const r = spawnSync('mke2fs', ['-q', '-F', '-t', 'ext2', '-b', '1024', '-L', 'tcg86', '-d', tree, part, `${mib}M`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mke2fs failed: ${r.stderr}`);
  const config = 'serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\nset root=(hd0,msdos1)\n' +
    'echo "tcg86: loading Linux from (hd0,msdos1)"\n' + `linux /boot/vmlinuz ${append}\ninitrd /boot/initrd.gz\nboot\n`;
  const core = grubMkimage(dir, config, ['biosdisk', 'part_msdos', 'ext2', 'linux', 'serial', 'terminal', 'echo', 'normal']);
  const partData = fs.readFileSync(part);
  const img = new Uint8Array(PART_START_LBA * 512 + partData.length);
  img.set(fs.readFileSync(path.join(GRUB_DIR, 'boot.img')).subarray(0, 440), 0);
  // The partition table: one active Linux partition by LBA (CHS fields say "use LBA").
  const entry = new DataView(img.buffer, 446, 16);
  entry.setUint8(0, 0x80);
  [1, 2, 3, 5, 6, 7].forEach((o, i) => entry.setUint8(o, [0xfe, 0xff, 0xff, 0xfe, 0xff, 0xff][i]!));
  entry.setUint8(4, 0x83);
  entry.setUint32(8, PART_START_LBA, true);
  entry.setUint32(12, partData.length / 512, true);
  img[510] = 0x55;
  img[511] = 0xaa;
  if (core.length > (PART_START_LBA - 1) * 512) throw new Error('grub core.img does not fit before the partition');
  img.set(core, 512);
  img.set(partData, PART_START_LBA * 512);
  const out = path.join(dir, 'grub-linux.img');
  fs.writeFileSync(out, img);
  return out;
}

/** Write grub.img (4 MiB) into `dir`; null when GRUB is not installed. */
export function makeGrubDisk(dir: string): string | null {
  if (!haveGrub) return null;
  const core = grubMkimage(dir, CONFIG, ['biosdisk', 'serial', 'terminal', 'normal', 'echo', 'minicmd']);
  const img = new Uint8Array(4 * 1024 * 1024);
  img.set(fs.readFileSync(path.join(GRUB_DIR, 'boot.img')).subarray(0, 512), 0);
  img.set(core, 512);
  const out = path.join(dir, 'grub.img');
  fs.writeFileSync(out, img);
  return out;
}
