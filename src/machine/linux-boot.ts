// `-kernel bzImage [-initrd FILE] [-append ...]`: the Linux x86 boot protocol as QEMU 7.2's
// x86_load_linux applies it (setup header checks, where setup, command line, kernel and initrd
// go, the header fields a loader writes), giving the fw_cfg items the linuxboot option ROM reads.

import * as fs from 'node:fs';
import { hex } from './multiboot-header.js';

/** A -kernel/-initrd/-append that cannot be booted; the message names the file and the problem. */
export class LinuxBootError extends Error {}

/** "HdrS" at 0x202 marks a setup header (boot protocol 2.00 and later). */
const HDRS_MAGIC = 0x53726448;
/** Protocol versions this loader knows (2.00 through 2.15). */
const PROTOCOL_MIN = 0x200;
const PROTOCOL_MAX = 0x20f;
/** loadflags: the protected-mode kernel loads at 0x100000 (bzImage). */
const LOADED_HIGH = 0x01;
const CAN_USE_HEAP = 0x80;
/** type_of_loader: QEMU's id (0xB0: "Qemu"). */
const LOADER_TYPE_QEMU = 0xb0;
/** QEMU's pc reserves this much at the top of RAM below 4 GiB for ACPI tables (pc machine class). */
const ACPI_DATA_SIZE = 0x20000 + 0x8000;

/** QEMU's fw_cfg keys for a direct kernel boot (hw/nvram/fw_cfg.h). */
export const FW_CFG_KERNEL_ADDR = 0x07;
export const FW_CFG_KERNEL_SIZE = 0x08;
export const FW_CFG_KERNEL_CMDLINE = 0x09;
export const FW_CFG_INITRD_ADDR = 0x0a;
export const FW_CFG_INITRD_SIZE = 0x0b;
export const FW_CFG_KERNEL_ENTRY = 0x10;
export const FW_CFG_KERNEL_DATA = 0x11;
export const FW_CFG_INITRD_DATA = 0x12;
export const FW_CFG_CMDLINE_ADDR = 0x13;
export const FW_CFG_CMDLINE_SIZE = 0x14;
export const FW_CFG_CMDLINE_DATA = 0x15;
export const FW_CFG_SETUP_ADDR = 0x16;
export const FW_CFG_SETUP_SIZE = 0x17;
export const FW_CFG_SETUP_DATA = 0x18;

/** True when `data` starts like a Linux kernel with a setup header (what `-kernel` tests first). */
export function hasLinuxHeader(data: Uint8Array): boolean {
  return data.length >= 0x206 && le32(data, 0x202) === HDRS_MAGIC;
}

/** Whether the file at `path` has a Linux setup header (false when unreadable: the machine says why). */
export function isLinuxKernelFile(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, 'r');
    const head = new Uint8Array(0x206);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && hasLinuxHeader(head);
  } catch {
    return false;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export interface LinuxLoadOptions {
  kernelPath: string;
  kernel: Uint8Array;
  /** -initrd files in order (their bytes are concatenated, each padded to 4 bytes). */
  initrds: { path: string; data: Uint8Array }[];
  append: string;
  below4g: number;
}

export interface LinuxLoad {
  protocol: number;
  realAddr: number;
  cmdlineAddr: number;
  protAddr: number;
  setupSize: number;
  kernelSize: number;
  initrdAddr: number;
  initrdSize: number;
  /** fw_cfg items (key, bytes) for the option ROM. */
  items: [number, Uint8Array][];
}

/** Check the image and lay it out as QEMU does; throws LinuxBootError for anything unbootable. */
export function loadLinux(o: LinuxLoadOptions): LinuxLoad {
  const { kernelPath, kernel } = o;
  const fail = (what: string): never => {
    throw new LinuxBootError(`-kernel ${kernelPath}: ${what}`);
  };
  if (!hasLinuxHeader(kernel)) fail('no Linux setup header ("HdrS" at 0x202)');
  if (kernel.length < 0x240) fail(`truncated: ${kernel.length} bytes cannot hold a setup header`);
  const protocol = le16(kernel, 0x206);
  if (protocol < PROTOCOL_MIN || protocol > PROTOCOL_MAX) {
    fail(`Linux boot protocol ${protocol >> 8}.${(protocol & 0xff).toString().padStart(2, '0')} is not supported (2.00 through 2.15)`);
  }
  // QEMU: setup_sects 0 means 4; the boot sector comes on top.
  const setupSize = ((kernel[0x1f1] || 4) + 1) * 512;
  if (setupSize > kernel.length) fail(`truncated: the real-mode setup is ${setupSize} bytes, the file ${kernel.length}`);
  const kernelSize = kernel.length - setupSize;
  // syssize (2.04+) is the protected-mode part in 16-byte units: a shorter file was cut off.
  if (protocol >= 0x204) {
    const sys = le32(kernel, 0x1f4) * 16;
    if (kernelSize < sys) fail(`truncated: the protected-mode kernel is ${kernelSize} bytes, the header says ${sys}`);
  }
  const cmdline = new TextEncoder().encode(o.append);
  if (protocol >= 0x206) {
    const max = le32(kernel, 0x238);
    if (cmdline.length > max) throw new LinuxBootError(`-append: the command line is ${cmdline.length} bytes; this kernel takes at most ${max}`);
  }
  // As QEMU: a 16-byte aligned slot for the command line with its NUL.
  const cmdlineSize = (cmdline.length + 16) & ~15;
  let realAddr: number;
  let cmdlineAddr: number;
  let protAddr: number;
  if (!(kernel[0x211]! & LOADED_HIGH)) {
    [realAddr, cmdlineAddr, protAddr] = [0x90000, 0x9a000 - cmdlineSize, 0x10000];
  } else if (protocol < 0x202) {
    [realAddr, cmdlineAddr, protAddr] = [0x90000, 0x9a000 - cmdlineSize, 0x100000];
  } else {
    [realAddr, cmdlineAddr, protAddr] = [0x10000, 0x20000, 0x100000];
  }
  if (cmdlineAddr + cmdlineSize > 0x9f000 || cmdlineAddr < realAddr + setupSize) {
    throw new LinuxBootError(`-append: the command line (${cmdline.length} bytes) does not fit beside the real-mode setup`);
  }
  // Highest initrd byte: the header's limit, kept below QEMU's reserve for ACPI tables.
  let initrdMax = protocol >= 0x203 ? le32(kernel, 0x22c) : 0x37ffffff;
  if (initrdMax >= o.below4g - ACPI_DATA_SIZE) initrdMax = o.below4g - ACPI_DATA_SIZE - 1;

  const header = kernel.slice(0, setupSize);
  if (protocol >= 0x202) {
    setLe32(header, 0x228, cmdlineAddr);
  } else {
    setLe16(header, 0x20, 0xa33f);
    setLe16(header, 0x22, cmdlineAddr - realAddr);
  }
  const vga = videoMode(o.append);
  if (vga !== null) setLe16(header, 0x1fa, vga);
  header[0x210] = LOADER_TYPE_QEMU;
  if (protocol >= 0x201) {
    header[0x211] = header[0x211]! | CAN_USE_HEAP;
    setLe16(header, 0x224, cmdlineAddr - realAddr - 0x200);
  }

  let initrdAddr = 0;
  let initrdSize = 0;
  const items: [number, Uint8Array][] = [];
  if (o.initrds.length > 0) {
    const padded = o.initrds.reduce((n, f) => n + ((f.data.length + 3) & ~3), 0);
    const last = o.initrds[o.initrds.length - 1]!;
    initrdSize = padded - ((last.data.length + 3) & ~3) + last.data.length;
    const names = o.initrds.map((f) => f.path).join(',');
    if (initrdSize >= initrdMax) {
      throw new LinuxBootError(`-initrd ${names}: ${initrdSize} bytes do not fit below the initrd limit ${hex(initrdMax)} (RAM below 4 GiB: ${hex(o.below4g)} bytes)`);
    }
    initrdAddr = (initrdMax - initrdSize) & ~4095;
    if (initrdAddr < protAddr + kernelSize) {
      throw new LinuxBootError(`-initrd ${names}: ${initrdSize} bytes and the ${kernelSize}-byte kernel do not fit in RAM together (initrd limit ${hex(initrdMax)})`);
    }
    const initrd = new Uint8Array(initrdSize);
    let at = 0;
    for (const f of o.initrds) {
      initrd.set(f.data, at);
      at += (f.data.length + 3) & ~3;
    }
    setLe32(header, 0x218, initrdAddr);
    setLe32(header, 0x21c, initrdSize);
    items.push([FW_CFG_INITRD_ADDR, u32(initrdAddr)], [FW_CFG_INITRD_SIZE, u32(initrdSize)], [FW_CFG_INITRD_DATA, initrd]);
  } else if (protAddr + kernelSize > o.below4g) {
    fail(`the ${kernelSize}-byte kernel does not fit in RAM at ${hex(protAddr)}`);
  }
  const cmdlineData = new Uint8Array(cmdline.length + 1);
  cmdlineData.set(cmdline);
  items.push(
    [FW_CFG_CMDLINE_ADDR, u32(cmdlineAddr)],
    [FW_CFG_CMDLINE_SIZE, u32(cmdlineData.length)],
    [FW_CFG_CMDLINE_DATA, cmdlineData],
    [FW_CFG_KERNEL_ADDR, u32(protAddr)],
    [FW_CFG_KERNEL_SIZE, u32(kernelSize)],
    [FW_CFG_KERNEL_DATA, kernel.subarray(setupSize)],
    [FW_CFG_SETUP_ADDR, u32(realAddr)],
    [FW_CFG_SETUP_SIZE, u32(setupSize)],
    [FW_CFG_SETUP_DATA, header],
  );
  return { protocol, realAddr, cmdlineAddr, protAddr, setupSize, kernelSize, initrdAddr, initrdSize, items };
}

/** QEMU's "vga=" handling: normal, ext, ask or a number (C strtol, base auto); null: none given. */
function videoMode(cmdline: string): number | null {
  const at = cmdline.indexOf('vga=');
  if (at < 0) return null;
  const v = cmdline.slice(at + 4);
  if (v.startsWith('normal')) return 0xffff;
  if (v.startsWith('ext')) return 0xfffe;
  if (v.startsWith('ask')) return 0xfffd;
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(v);
  if (!m) return 0;
  const digits = m[2]!;
  const n = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : parseInt(digits, 10);
  return (m[1] === '-' ? -n : n) & 0xffff;
}

function le16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}
function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
function setLe16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}
function setLe32(b: Uint8Array, at: number, v: number): void {
  setLe16(b, at, v & 0xffff);
  setLe16(b, at + 2, v >>> 16);
}
function u32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  setLe32(out, 0, v);
  return out;
}
