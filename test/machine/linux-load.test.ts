// The Linux boot protocol loader (src/machine/linux-boot.ts) on synthetic bzImages: where QEMU
// 7.2's x86_load_linux puts each piece, the header fields it writes, and the refusals.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { MachineError, PcMachine } from '../../src/machine/pc.js';
import {
  FW_CFG_CMDLINE_ADDR,
  FW_CFG_CMDLINE_DATA,
  FW_CFG_INITRD_ADDR,
  FW_CFG_INITRD_DATA,
  FW_CFG_INITRD_SIZE,
  FW_CFG_KERNEL_ADDR,
  FW_CFG_KERNEL_DATA,
  FW_CFG_SETUP_DATA,
  FW_CFG_SETUP_SIZE,
  hasLinuxHeader,
  LinuxBootError,
  loadLinux,
  type LinuxLoadOptions,
} from '../../src/machine/linux-boot.js';

const MiB = 1024 * 1024;

/** A bzImage: `setupSects` sectors of setup after the boot sector, then `protBytes` of kernel. */
function bzImage(o: { protocol?: number; setupSects?: number; protBytes?: number; loadflags?: number; initrdMax?: number; cmdlineMax?: number } = {}): Uint8Array {
  const setupSects = o.setupSects ?? 4;
  const prot = o.protBytes ?? 0x4000;
  const img = new Uint8Array((setupSects + 1) * 512 + prot);
  const v = new DataView(img.buffer);
  img[0x1f1] = setupSects;
  v.setUint32(0x1f4, prot / 16, true);
  v.setUint32(0x202, 0x53726448, true);
  v.setUint16(0x206, o.protocol ?? 0x20f, true);
  img[0x211] = o.loadflags ?? 0x01;
  v.setUint32(0x22c, o.initrdMax ?? 0x7fffffff, true);
  v.setUint32(0x238, o.cmdlineMax ?? 2047, true);
  for (let k = (setupSects + 1) * 512; k < img.length; k++) img[k] = k & 0xff;
  return img;
}

function load(kernel: Uint8Array, extra: Partial<LinuxLoadOptions> = {}) {
  return loadLinux({ kernelPath: 'vmlinuz', kernel, initrds: [], append: 'console=ttyS0', below4g: 256 * MiB, ...extra });
}

const item = (l: ReturnType<typeof load>, key: number) => l.items.find(([k]) => k === key)?.[1];
const le32 = (b: Uint8Array | undefined, at = 0) => new DataView(b!.buffer, b!.byteOffset).getUint32(at, true);
const le16 = (b: Uint8Array | undefined, at: number) => new DataView(b!.buffer, b!.byteOffset).getUint16(at, true);

describe('Linux boot protocol layout', () => {
  it('a recent bzImage: setup at 0x10000, command line at 0x20000, kernel at 1 MiB, header fields as QEMU writes them', () => {
    const kernel = bzImage();
    const l = load(kernel);
    expect([l.realAddr, l.cmdlineAddr, l.protAddr, l.setupSize, l.kernelSize]).toEqual([0x10000, 0x20000, 0x100000, 5 * 512, 0x4000]);
    const setup = item(l, FW_CFG_SETUP_DATA)!;
    expect(setup.length).toBe(5 * 512);
    expect(le32(item(l, FW_CFG_SETUP_SIZE))).toBe(5 * 512);
    expect(le32(setup, 0x228)).toBe(0x20000); // cmd_line_ptr
    expect(setup[0x210]).toBe(0xb0); // type_of_loader
    expect(setup[0x211]).toBe(0x81); // LOADED_HIGH | CAN_USE_HEAP
    expect(le16(setup, 0x224)).toBe(0x20000 - 0x10000 - 0x200); // heap_end_ptr
    expect(le32(item(l, FW_CFG_KERNEL_ADDR))).toBe(0x100000);
    expect(item(l, FW_CFG_KERNEL_DATA)).toEqual(kernel.subarray(5 * 512));
    expect(le32(item(l, FW_CFG_CMDLINE_ADDR))).toBe(0x20000);
    expect(new TextDecoder().decode(item(l, FW_CFG_CMDLINE_DATA))).toBe('console=ttyS0\0');
    expect(kernel[0x210]).toBe(0); // the file's bytes are not modified
  });

  it('old protocols: 2.01 loads high with the setup at 0x90000 and the old command line magic', () => {
    const l = load(bzImage({ protocol: 0x201 }), { append: 'root=/dev/sda' });
    const cmdlineSize = ('root=/dev/sda'.length + 16) & ~15;
    expect([l.realAddr, l.cmdlineAddr, l.protAddr]).toEqual([0x90000, 0x9a000 - cmdlineSize, 0x100000]);
    const setup = item(l, FW_CFG_SETUP_DATA)!;
    expect(le16(setup, 0x20)).toBe(0xa33f);
    expect(le16(setup, 0x22)).toBe(0x9a000 - cmdlineSize - 0x90000);
    const zimage = load(bzImage({ protocol: 0x202, loadflags: 0 }));
    expect([zimage.realAddr, zimage.protAddr]).toEqual([0x90000, 0x10000]);
  });

  it('setup_sects 0 means 4; vga= sets vid_mode as QEMU parses it', () => {
    const k = bzImage({ setupSects: 4 });
    k[0x1f1] = 0;
    expect(load(k).setupSize).toBe(5 * 512);
    const mode = (append: string) => le16(item(load(bzImage(), { append }), FW_CFG_SETUP_DATA), 0x1fa);
    expect(mode('vga=normal')).toBe(0xffff);
    expect(mode('quiet vga=ext')).toBe(0xfffe);
    expect(mode('vga=ask')).toBe(0xfffd);
    expect(mode('vga=0x317')).toBe(0x317);
    expect(mode('vga=791')).toBe(791);
    expect(mode('console=ttyS0')).toBe(0);
  });

  it('the initrd: the files concatenated (4-byte padded) at the top of RAM below initrd_addr_max, page aligned', () => {
    const a = new Uint8Array(5).fill(0xaa);
    const b = new Uint8Array(3).fill(0xbb);
    const l = load(bzImage(), { initrds: [{ path: 'a', data: a }, { path: 'b', data: b }] });
    const max = 256 * MiB - 0x28000 - 1;
    expect(l.initrdSize).toBe(11);
    expect(l.initrdAddr).toBe((max - 11) & ~4095);
    expect(le32(item(l, FW_CFG_INITRD_ADDR))).toBe(l.initrdAddr);
    expect(le32(item(l, FW_CFG_INITRD_SIZE))).toBe(11);
    expect([...item(l, FW_CFG_INITRD_DATA)!]).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0, 0, 0, 0xbb, 0xbb, 0xbb]);
    const setup = item(l, FW_CFG_SETUP_DATA)!;
    expect([le32(setup, 0x218), le32(setup, 0x21c)]).toEqual([l.initrdAddr, 11]);
    // A kernel's own lower limit wins over the top of RAM.
    const low = load(bzImage({ initrdMax: 0x3fffffff >>> 4 }), { initrds: [{ path: 'a', data: a }] });
    expect(low.initrdAddr).toBe(((0x3fffffff >>> 4) - 5) & ~4095);
  });

  it('recognises a setup header by "HdrS" at 0x202', () => {
    expect(hasLinuxHeader(bzImage())).toBe(true);
    expect(hasLinuxHeader(new Uint8Array(0x300))).toBe(false);
  });
});

describe('Linux boot protocol refusals (one line naming the file and the problem)', () => {
  const refuse = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(LinuxBootError);
      expect((e as Error).message).not.toContain('\n');
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it('a truncated bzImage: shorter than its setup, or than the protected-mode size in the header', () => {
    const k = bzImage();
    expect(refuse(() => load(k.slice(0, 0x800)))).toBe('-kernel vmlinuz: truncated: the real-mode setup is 2560 bytes, the file 2048');
    expect(refuse(() => load(k.slice(0, k.length - 16)))).toBe('-kernel vmlinuz: truncated: the protected-mode kernel is 16368 bytes, the header says 16384');
    expect(refuse(() => load(k.slice(0, 0x220)))).toMatch(/^-kernel vmlinuz: truncated: 544 bytes cannot hold a setup header$/);
  });

  it('an unknown boot protocol version', () => {
    expect(refuse(() => load(bzImage({ protocol: 0x210 })))).toBe('-kernel vmlinuz: Linux boot protocol 2.16 is not supported (2.00 through 2.15)');
    expect(refuse(() => load(bzImage({ protocol: 0x104 })))).toBe('-kernel vmlinuz: Linux boot protocol 1.04 is not supported (2.00 through 2.15)');
  });

  it('an initrd larger than RAM, a command line longer than the kernel takes', () => {
    const big = new Uint8Array(300 * MiB);
    expect(refuse(() => load(bzImage(), { initrds: [{ path: 'big.img', data: big }] }))).toBe(
      '-initrd big.img: 314572800 bytes do not fit below the initrd limit 0xffd7fff (RAM below 4 GiB: 0x10000000 bytes)',
    );
    expect(refuse(() => load(bzImage({ cmdlineMax: 8 }), { append: 'console=ttyS0' }))).toBe('-append: the command line is 13 bytes; this kernel takes at most 8');
  });
});

describe('-kernel/-initrd on the machine: refused before anything runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-linux-load-'));
  const kernel = path.join(dir, 'vmlinuz');
  fs.writeFileSync(kernel, bzImage());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const machineError = (args: string[]) => {
    try {
      new PcMachine(parseArgs([...args, '-display', 'none', '-serial', 'none', '-monitor', 'none']));
    } catch (e) {
      expect(e).toBeInstanceOf(MachineError);
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it.skipIf(!fs.existsSync('/usr/share/seabios/bios-256k.bin'))('an unreadable initrd, a directory as kernel or initrd, an initrd for a multiboot kernel', () => {
    expect(machineError(['-kernel', kernel, '-initrd', path.join(dir, 'missing')])).toMatch(/^-initrd .*missing: cannot read it \(ENOENT/);
    expect(machineError(['-kernel', kernel, '-initrd', dir])).toMatch(/^-initrd .*: cannot read it \(EISDIR/);
    expect(machineError(['-kernel', dir])).toMatch(/^-kernel .*: cannot read the kernel \(EISDIR/);
    expect(machineError(['-kernel', path.resolve('roms/mbkernel-elf.bin'), '-initrd', kernel])).toMatch(/^-initrd: .*mbkernel-elf.bin is a multiboot kernel; tcg86 gives multiboot kernels no modules$/);
    const big = path.join(dir, 'big.img');
    fs.writeFileSync(big, new Uint8Array(0));
    fs.truncateSync(big, 5 * MiB);
    expect(machineError(['-kernel', kernel, '-m', '8', '-initrd', `${big},${big}`])).toBe(
      `-initrd ${big},${big}: ${10 * MiB} bytes do not fit below the initrd limit 0x7d7fff (RAM below 4 GiB: 0x800000 bytes)`,
    );
  });
});
