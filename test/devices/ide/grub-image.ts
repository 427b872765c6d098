// A raw disk with Debian's GRUB (grub-pc-bin): boot.img in the MBR, and at LBA 1 a core.img made
// by grub-mkimage with the biosdisk, serial and normal modules and an embedded configuration that
// moves the console to COM1. boot.img loads core.img from sector 1 and core.img's own block list
// covers the sectors after it, as grub-mkimage lays them out, so nothing needs patching.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const GRUB_DIR = '/usr/lib/grub/i386-pc';

export const haveGrub = fs.existsSync(path.join(GRUB_DIR, 'boot.img')) && spawnSync('grub-mkimage', ['--version']).status === 0;

const CONFIG = 'serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\nset prefix=\necho "tcg86 grub test"\n';

/** Write grub.img (4 MiB) into `dir`; null when GRUB is not installed. */
export function makeGrubDisk(dir: string): string | null {
  if (!haveGrub) return null;
  const cfg = path.join(dir, 'grub-early.cfg');
  const core = path.join(dir, 'grub-core.img');
  fs.writeFileSync(cfg, CONFIG);
  const r = spawnSync('grub-mkimage', ['-O', 'i386-pc', '-o', core, '-c', cfg, '-p', '/', 'biosdisk', 'serial', 'terminal', 'normal', 'echo', 'minicmd'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`grub-mkimage failed: ${r.stderr}`);
  const img = new Uint8Array(4 * 1024 * 1024);
  img.set(fs.readFileSync(path.join(GRUB_DIR, 'boot.img')).subarray(0, 512), 0);
  img.set(fs.readFileSync(core), 512);
  const out = path.join(dir, 'grub.img');
  fs.writeFileSync(out, img);
  return out;
}
