// The disk boot cases, shared by test/devices/ide/boot.test.ts and
// scripts/record-golden-disks.mjs (which reads this file's JSON block): a name and the drive
// options, with {disk}, {iso} and {floppy} standing for the images of disk-images.ts.

/* CASES-JSON
[
  { "name": "hd", "args": ["-drive", "file={disk},format=raw,if=ide,snapshot=on"] },
  { "name": "hd-slave", "args": ["-drive", "file={disk},format=raw,if=ide,index=1,snapshot=on"] },
  { "name": "cd", "args": ["-cdrom", "{iso}", "-boot", "d"] },
  { "name": "cd-and-hd", "args": ["-hda", "{disk}", "-snapshot", "-cdrom", "{iso}", "-boot", "order=dc"] },
  { "name": "fd", "args": ["-drive", "file={floppy},if=floppy,format=raw,snapshot=on", "-boot", "a"] },
  { "name": "fd-and-hd", "args": ["-fda", "{floppy}", "-hda", "{disk}", "-snapshot", "-boot", "order=ac"] }
]
CASES-JSON */

import * as fs from 'node:fs';
import type { BootImages } from './disk-images.js';

export interface BootCase {
  name: string;
  args: string[];
}

export function bootCases(): BootCase[] {
  const text = fs.readFileSync(import.meta.filename, 'utf8');
  return JSON.parse(/\/\* CASES-JSON\n([\s\S]*?)CASES-JSON \*\//.exec(text)![1]!) as BootCase[];
}

/** The command line both emulators run: debugcon on stdio, SeaBIOS's log on port 0x402. */
export function bootCommandLine(c: BootCase, images: BootImages, seabiosLog: string): string[] {
  return [
    '-nodefaults', '-display', 'none', '-no-reboot',
    '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-chardev', `file,id=seabios,path=${seabiosLog}`, '-device', 'isa-debugcon,iobase=0x402,chardev=seabios',
    ...c.args.map((a) => a.replace('{disk}', images.disk).replace('{iso}', images.iso).replace('{floppy}', images.floppy)),
  ];
}

/**
 * SeaBIOS's lines about the controllers and drives it found (model, ATA version, size, the
 * CHS it derived) and what it booted, compared with QEMU's; the address of SeaBIOS's drive
 * structure is masked (its heap differs where tcg86 lacks ACPI tables and kvmvapic). SeaBIOS
 * probes the two channels in parallel threads, so on QEMU the order of their lines follows
 * host timing: the detection lines are compared sorted, the boot lines in order.
 */
export function driveLines(log: string): string[] {
  const lines = log.split('\n').map((l) => l.replace(/^drive 0x[0-9a-f]+:/, 'drive <addr>:'));
  const found = lines.filter((l) => /^(ATA controller|ata\d-\d: |DVD\/CD \[|Searching bootorder for: \/pci|Searching bios-geometry|drive <addr>|Floppy|Found \d+ floppy)/i.test(l));
  return [...found.sort(), ...lines.filter((l) => l.startsWith('Booting from '))];
}
