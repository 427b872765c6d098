// Firmware on the command line as QEMU finds it: SeaBIOS by default (from -L directories, then
// /usr/share/seabios), -bios NAME looked up there too, a clear error naming the seabios package
// when there is none; and -fw_cfg name=...,file=...|string=... with errors naming the flag.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { SYSTEM_FIRMWARE_DIRS } from '../../src/machine/firmware.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-fw-'));
afterAll(() => fs.rmSync(tmp, { recursive: true }));
const BASE = ['-nographic', '-serial', 'none', '-monitor', 'none'];
const systemSeabios = SYSTEM_FIRMWARE_DIRS.some((d) => fs.existsSync(path.join(d, 'bios-256k.bin')));

describe('default firmware', () => {
  it('-L DIR is searched first for bios-256k.bin and for -bios NAME', () => {
    fs.writeFileSync(path.join(tmp, 'bios-256k.bin'), new Uint8Array(65536));
    fs.writeFileSync(path.join(tmp, 'other.bin'), new Uint8Array(65536));
    expect(parseArgs([...BASE, '-L', tmp]).biosPath).toBe(path.join(tmp, 'bios-256k.bin'));
    expect(parseArgs([...BASE, '-L', tmp, '-bios', 'other.bin']).biosPath).toBe(path.join(tmp, 'other.bin'));
    // A path is taken as given; -kernel alone needs no BIOS.
    expect(parseArgs([...BASE, '-bios', 'roms/demo.bin']).biosPath).toBe('roms/demo.bin');
    expect(parseArgs([...BASE, '-kernel', 'k.elf']).biosPath).toBeNull();
  });

  it.skipIf(systemSeabios)('without SeaBIOS anywhere: an error naming the seabios package', () => {
    expect(() => parseArgs(BASE)).toThrow(UsageError);
    expect(() => parseArgs(BASE)).toThrow(/bios-256k\.bin \(SeaBIOS\).*install the Debian\/Ubuntu package 'seabios'/);
  });

  it.skipIf(!systemSeabios)('with Debian\'s seabios installed, it is the default', () => {
    expect(parseArgs(BASE).biosPath).toMatch(/bios-256k\.bin$/);
  });
});

describe('-fw_cfg', () => {
  it('takes name=,string= or name=,file= (the name may come first without name=)', () => {
    fs.writeFileSync(path.join(tmp, 'blob'), new Uint8Array([1, 2, 3]));
    const c = parseArgs([...BASE, '-bios', 'x.bin', '-fw_cfg', 'name=opt/a,string=hi', '-fw_cfg', `opt/b,file=${path.join(tmp, 'blob')}`]);
    expect(c.fwCfgFiles.map((f) => [f.name, Array.from(f.data)])).toEqual([
      ['opt/a', [0x68, 0x69]],
      ['opt/b', [1, 2, 3]],
    ]);
  });

  it('refuses bad forms with the flag named', () => {
    const run = (v: string) => () => parseArgs([...BASE, '-bios', 'x.bin', '-fw_cfg', v]);
    expect(run('name=opt/a')).toThrow(/^-fw_cfg: give exactly one of file=PATH or string=TEXT/);
    expect(run('name=opt/a,string=x,file=y')).toThrow(/^-fw_cfg: give exactly one/);
    expect(run('name=opt/a,file=/nonexistent/x')).toThrow(/^-fw_cfg: cannot read \/nonexistent\/x/);
    expect(run(`name=opt/${'x'.repeat(60)},string=1`)).toThrow(/^-fw_cfg: name .* is too long/);
    expect(run('name=opt/a,color=red')).toThrow(/^-fw_cfg: -fw_cfg has no property 'color'/);
  });
});
