// SeaBIOS boots the boot program (roms/src/disk/boot-disk.asm) from a raw IDE disk (master and
// slave), from an El Torito CD (no emulation) and from the CD with a disk beside it, on both
// engines: the program's int 13h CHS and EDD reads, its write and read back, its geometry and
// error codes print exactly what they print on QEMU 7.2 (test/golden/disks, recorded by
// scripts/record-golden-disks.mjs), SeaBIOS names the drives as on QEMU, and snapshot=on /
// -snapshot leave the image file untouched.
import { afterEach, describe, expect, it } from 'vitest';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../../src/cli/args.js';
import { MemoryCharBackend } from '../../../src/devices/chardev.js';
import { PcMachine } from '../../../src/machine/pc.js';
import { haveSeabios } from '../../machine/seabios-run.js';
import { bootCases, bootCommandLine, driveLines } from './boot-cases.js';
import { ROOT, writeImages } from './disk-images.js';

const GOLD = path.join(ROOT, 'test/golden/disks');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-boot-'));
const images = writeImages(tmp);
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const before = { disk: sha(images.disk), iso: sha(images.iso) };

let machine: PcMachine | null = null;
afterEach(() => {
  machine?.shutdown();
  machine = null;
});

describe.skipIf(!haveSeabios)('SeaBIOS boots disks and CDs as on QEMU 7.2', () => {
  const cases = bootCases().flatMap((c) => (['tcg', 'interp'] as const).map((engine) => ({ ...c, engine })));
  it.each(cases)('$name ($engine)', async (c) => {
    const out = new MemoryCharBackend();
    const log = new MemoryCharBackend();
    const args = [...bootCommandLine(c, images, path.join(tmp, 'unused.log')), '--engine', c.engine];
    machine = new PcMachine(parseArgs(args), { chardevOverride: (id, kind) => (kind === 'stdio' ? out : id === 'seabios' ? log : null) });
    const status = await machine.run(1_500_000_000);
    expect(out.text()).toBe(fs.readFileSync(path.join(GOLD, `${c.name}.out`), 'latin1'));
    expect(status).toBe(Number(fs.readFileSync(path.join(GOLD, `${c.name}.status`), 'utf8')));
    expect(driveLines(log.text())).toEqual(driveLines(fs.readFileSync(path.join(GOLD, `${c.name}.log`), 'latin1')));
    machine.shutdown();
    // The program wrote LBA 2000; snapshot mode kept it in memory.
    expect(sha(images.disk)).toBe(before.disk);
    expect(sha(images.iso)).toBe(before.iso);
  }, 240_000);
});
