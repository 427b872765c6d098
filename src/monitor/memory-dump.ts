// The monitor's memory commands: `x`/`xp` (QEMU's memory_dump with its /FMT syntax and
// defaults remembered between commands) and `memsave`/`pmemsave` (raw bytes to a file).

import * as fs from 'node:fs';
import { MEMTX_OK } from '../memory/index.js';
import type { X86CPU } from '../cpu/x86/cpu.js';
import { debugTranslate } from '../cpu/x86/paging-info.js';
import { decode, formatInsnAtt, Insn } from '../cpu/x86/decoder/index.js';
import { formatAsmLine } from '../cpu/x86/exec-log.js';
import { MonitorError } from './expr.js';
import { CommandError } from './command-error.js';
import { describeErrno } from '../devices/chardev-socket.js';

export interface DumpFormat {
  count: number;
  format: string;
  /** Bytes per item; -1 for 'i' without a size (the CS default). */
  size: number;
}

/** What a bare `x addr` uses: the last format and size given (QEMU's default_fmt_*). */
export class FormatDefaults {
  format = 'x';
  size = 4;

  /** Parse "/NFS" (count, format, size letters in any order) or nothing. */
  parse(arg: string | null): DumpFormat {
    if (arg === null) return { count: 1, format: this.format, size: this.format === 'i' ? -1 : this.size };
    const m = /^(\d*)([a-zA-Z]*)$/.exec(arg);
    if (!m) {
      const bad = arg.replace(/^\d*[oduxicbhwgL]*/, '')[0];
      throw new MonitorError(`invalid char in format: '${bad}'`, true);
    }
    let format = -1 as number | string;
    let size = -1;
    for (const c of m[2]!) {
      if ('oduxic'.includes(c)) format = c;
      else if (c === 'b') size = 1;
      else if (c === 'h') size = 2;
      else if (c === 'w') size = 4;
      else if (c === 'g' || c === 'L') size = 8;
      else throw new MonitorError(`invalid char in format: '${c}'`, true);
    }
    const fmt = format === -1 ? this.format : (format as string);
    if (fmt !== 'i') {
      if (size < 0) size = this.size;
      this.size = size;
    }
    this.format = fmt;
    return { count: m[1] ? Number(m[1]) : 1, format: fmt, size };
  }
}

/** Reads guest memory for the monitor: physical through the address space, virtual through a debug page walk. */
function readMemory(cpu: X86CPU, addr: number, len: number, physical: boolean): Uint8Array | null {
  const buf = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const a = physical ? addr + done : (addr + done) % 2 ** 32;
    const pageLeft = 4096 - (a % 4096);
    const n = Math.min(pageLeft, len - done);
    const phys = physical ? a : debugTranslate(cpu, a);
    if (phys < 0) return null;
    if (cpu.memory.read(phys, buf.subarray(done, done + n)) !== MEMTX_OK) return null;
    done += n;
  }
  return buf;
}

function printChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x5c) return "'\\\\'";
  if (c === 0x0a) return "'\\n'";
  if (c === 0x0d) return "'\\r'";
  if (c >= 32 && c <= 126) return `'${String.fromCharCode(c)}'`;
  return `'\\x${c.toString(16).padStart(2, '0')}'`;
}

function item(v: bigint, fmt: string, wsize: number): string {
  switch (fmt) {
    case 'o': {
      const digits = Math.ceil((wsize * 8) / 3);
      return (v === 0n ? '0' : '0' + v.toString(8)).padStart(digits);
    }
    case 'u':
      return v.toString().padStart(Math.ceil((wsize * 8 * 10) / 33));
    case 'd':
      // QEMU reads items unsigned and prints them as int64: only 8-byte items go negative.
      return BigInt.asIntN(64, v).toString().padStart(Math.ceil((wsize * 8 * 10) / 33));
    case 'c':
      return printChar(Number(v));
    default:
      return '0x' + v.toString(16).padStart(wsize * 2, '0');
  }
}

/** `x` (virtual) and `xp` (physical): QEMU's layout, 8 bytes a line for bytes, else 16. */
export function memoryDump(cpu: X86CPU, f: DumpFormat, addr: number, physical: boolean): string {
  if (f.format === 'i') return disassemble(cpu, f, addr, physical);
  // As in QEMU, the length and line size come from the size in force, even for 'c'.
  let len = f.count * f.size;
  const lineSize = f.size === 1 ? 8 : 16;
  const wsize = f.format === 'c' ? 1 : f.size;
  let out = '';
  while (len > 0) {
    out += physical ? `${addr.toString(16).padStart(16, '0')}:` : `${(addr >>> 0).toString(16).padStart(8, '0')}:`;
    const l = Math.min(len, lineSize);
    const buf = readMemory(cpu, addr, l, physical);
    if (!buf) {
      out += ' Cannot access memory\n';
      break;
    }
    for (let i = 0; i < l; i += wsize) {
      let v = 0n;
      for (let k = wsize - 1; k >= 0; k--) v = (v << 8n) | BigInt(buf[i + k] ?? 0);
      out += ' ' + item(v, f.format, wsize);
    }
    out += '\n';
    addr += l;
    len -= l;
  }
  return out;
}

/** `x /Ni`: N instructions decoded with the shared decoder, in -d in_asm's text. */
function disassemble(cpu: X86CPU, f: DumpFormat, addr: number, physical: boolean): string {
  const code32 = f.size === 4 || (f.size !== 2 && (cpu.segFlags[1]! & 0x400000) !== 0);
  const insn = new Insn();
  let out = '';
  let failedAt = -1;
  const reader = {
    base: 0,
    readCode8(off: number): number {
      const a = this.base + off;
      const b = readMemory(cpu, a, 1, physical);
      if (!b) {
        failedAt = a;
        return 0;
      }
      return b[0]!;
    },
  };
  for (let k = 0; k < f.count; k++) {
    // Decode at the instruction's own address, so branch targets are real ones (QEMU gives
    // the disassembler the address; in 16-bit code the offset wraps at 64 KiB as IP does).
    const ip = code32 ? addr >>> 0 : addr & 0xffff;
    reader.base = addr - ip;
    failedAt = -1;
    decode(insn, reader, ip, code32);
    if (failedAt >= 0) {
      out += `0x${addr.toString(16).padStart(8, '0')}:  Cannot access memory\n`;
      break;
    }
    const bytes: number[] = [];
    for (let i = 0; i < insn.len; i++) bytes.push(reader.readCode8(ip + i));
    out += formatAsmLine(addr, bytes, formatInsnAtt(insn, addr, code32));
    addr += insn.len;
  }
  return out;
}

/** `memsave`/`pmemsave`: size bytes from addr into a file. */
/** The bytes at once per host write (QEMU copies 1 KiB at a time; any size is fine). */
const SAVE_CHUNK = 1024 * 1024;

/**
 * QEMU's qmp_memsave/qmp_pmemsave, shared by both monitors: `size` bytes at `addr` (virtual
 * through the CPU's page tables, or physical) into a file, in chunks, with QEMU's error texts.
 * A physical read of unassigned space gives what the bus gives, as QEMU's pmemsave ignores it.
 */
export function memorySave(cpu: X86CPU, addr: bigint, size: bigint, path: string, physical: boolean): void {
  const hex = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
  const invalid = () => new CommandError(`Invalid addr ${hex(addr)}/size ${size} specified`);
  // QEMU loops on a negative size until it crashes; tcg86 refuses it.
  if (size < 0n) throw new CommandError(`Parameter 'size' expects a non-negative size`);
  const limit = physical ? 2n ** 52n : 2n ** 32n;
  if (!physical && (addr < 0n || addr + size > limit)) throw invalid();
  if (physical && (addr < 0n || addr + size > limit)) throw new CommandError(`Parameter 'val' expects a guest physical address below 2^52`);
  let fd: number;
  try {
    fd = fs.openSync(path, 'w');
  } catch (e) {
    throw new CommandError(`Could not open '${path}': ${describeErrno(e as NodeJS.ErrnoException)}`);
  }
  try {
    for (let done = 0n; done < size; ) {
      const n = Number(size - done < BigInt(SAVE_CHUNK) ? size - done : BigInt(SAVE_CHUNK));
      const a = Number(addr + done);
      const buf = physical ? readPhysical(cpu, a, n) : readMemory(cpu, a, n, false);
      if (!buf) throw invalid();
      try {
        fs.writeSync(fd, buf);
      } catch {
        throw new CommandError('An IO error has occurred');
      }
      done += BigInt(n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readPhysical(cpu: X86CPU, addr: number, len: number): Uint8Array {
  const buf = new Uint8Array(len);
  cpu.memory.read(addr, buf);
  return buf;
}
