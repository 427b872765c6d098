// -hda..-hdd, -cdrom, -fda/-fdb, -drive and -snapshot as QEMU reads them: the slot each drive
// takes, the defaults (if=ide, next free index, media=disk), and QEMU's errors for bad
// combinations; a bad image file is refused before anything starts, naming the file.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/args.js';
import { MachineError, PcMachine } from '../../src/machine/pc.js';

const BASE = ['-bios', 'x.bin', '-nographic', '-serial', 'none', '-monitor', 'none'];
const slots = (args: string[]) => parseArgs([...BASE, ...args]).drives.map((d) => `${d.interface}${d.index}:${d.media}${d.readonly ? ',ro' : ''}${d.snapshot ? ',snap' : ''}:${d.file}`);

describe('drive options', () => {
  it('shorthands take their fixed slots; -drive takes the next free index', () => {
    expect(slots(['-hda', 'a', '-hdb', 'b', '-hdd', 'd', '-cdrom', 'c'])).toEqual(['ide0:disk:a', 'ide1:disk:b', 'ide3:disk:d', 'ide2:cdrom,ro:c']);
    expect(slots(['-hda', 'a', '-drive', 'file=x,format=raw', '-drive', 'file=y,if=ide,media=cdrom'])).toEqual(['ide0:disk:a', 'ide1:disk:x', 'ide2:cdrom,ro:y']);
    expect(slots(['-drive', 'file=x,bus=1,unit=1', '-fda', 'f', '-fdb', 'g'])).toEqual(['ide3:disk:x', 'floppy0:disk:f', 'floppy1:disk:g']);
  });
  it('snapshot=on and -snapshot (which covers drives given before and after it)', () => {
    expect(slots(['-drive', 'file=x,format=raw,snapshot=on', '-hdb', 'y'])).toEqual(['ide0:disk,snap:x', 'ide1:disk:y']);
    expect(slots(['-hda', 'x', '-snapshot', '-hdb', 'y'])).toEqual(['ide0:disk,snap:x', 'ide1:disk,snap:y']);
  });
  it("QEMU's errors for bad combinations, naming the option", () => {
    const err = (args: string[]) => () => parseArgs([...BASE, ...args]);
    expect(err(['-hda', 'a', '-drive', 'file=b,index=0'])).toThrow(/^-drive: drive with bus=0, unit=0 \(index=0\) exists$/);
    expect(err(['-drive', 'file=b,index=5'])).toThrow(/^-drive: machine type does not support if=ide,bus=2,unit=1$/);
    expect(err(['-drive', 'file=b,if=scsi'])).toThrow(/^-drive: machine type does not support if=scsi/);
    expect(err(['-drive', 'file=b,media=floppy'])).toThrow(/^-drive: 'floppy' invalid media$/);
    expect(err(['-drive', 'file=b,foo=1'])).toThrow(/^-drive: Invalid parameter 'foo'$/);
    expect(err(['-drive', 'file=b,format=qcow2'])).toThrow(/^-drive: format 'qcow2' is not supported/);
    expect(err(['-drive', 'file=b,readonly=on'])).toThrow(/^-drive: Block node is read-only/);
    expect(err(['-drive', 'file=b,readonly=maybe'])).toThrow(/^-drive: Parameter 'readonly' expects 'on' or 'off'$/);
    expect(err(['-drive', 'if=ide'])).toThrow(/^-drive: a drive without a medium needs file=PATH/);
    expect(err(['-drive', 'file=b,if=floppy,media=cdrom'])).toThrow(/^-drive: a floppy drive cannot hold a CD-ROM/);
    expect(err(['-hda'])).toThrow(/^-hda: requires an argument$/);
  });
  it('a bad image stops the start with one line naming the option and the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-drive-'));
    const odd = path.join(dir, 'odd.img');
    fs.writeFileSync(odd, new Uint8Array(1000));
    const bios = path.join(dir, 'rom.bin');
    fs.writeFileSync(bios, new Uint8Array(65536));
    const start = (args: string[]) => () => new PcMachine(parseArgs(['-bios', bios, '-nographic', '-serial', 'none', '-monitor', 'none', ...args])).shutdown();
    expect(start(['-hda', dir])).toThrow(MachineError);
    expect(start(['-hda', dir])).toThrow(`-hda ${dir}: 'file' driver requires '${dir}' to be a regular file (it is a directory)`);
    expect(start(['-hdb', odd])).toThrow(`-hdb ${odd}: the image is 1000 bytes, not a multiple of 512 (whole sectors)`);
    const small = path.join(dir, 'small.img');
    fs.writeFileSync(small, new Uint8Array(1024));
    expect(start(['-fda', small])).toThrow(/^-fda .*small\.img: 1024 bytes is not a floppy format tcg86 knows \(1\.44M \(1474560 bytes\), /);
    expect(start(['-cdrom', path.join(dir, 'none.iso')])).toThrow(/^-cdrom .*none\.iso: Could not open '.*none\.iso': No such file or directory$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
