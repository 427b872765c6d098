// vite-node entry for scripts/record-golden-disks.mjs: write the boot test's images into a directory.
import { writeImages } from './disk-images.js';
import { makeGrubDisk } from './grub-image.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: vite-node test/devices/ide/write-images.ts DIR');
process.stdout.write(JSON.stringify({ ...writeImages(dir), grub: makeGrubDisk(dir) }) + '\n');
