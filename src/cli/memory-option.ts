// -m [size=]SIZE[,slots=N][,maxmem=SIZE] as QEMU 7.2 reads it: QemuOpts's size and number
// parsers (qemu_strtosz: fractions need a suffix, hex takes one with a warning, 'e' is exa),
// the legacy MiB default, the 8 KiB rounding and the machine's checks, with QEMU's texts.

import { UsageError } from './args.js';
import { strtosz } from '../machine/qemu-size.js';

export { strtosz };

/** QEMU's pc default RAM (mc->default_ram_size) when -m is absent, empty or 0. */
export const DEFAULT_RAM = 128 * 1024 * 1024;
/** QEMU's ACPI_MAX_RAM_SLOTS. */
export const MAX_RAM_SLOTS = 256;

export interface MemoryOption {
  ramSize: number;
  /** maxmem (QEMU's maxram_size); equal to ramSize without one. */
  maxRamSize: number;
  slots: number;
  /** Warnings QEMU prints (a multiplier suffix on a hex number). */
  warnings: string[];
}

const TWO64 = 2n ** 64n;

/** QemuOpts's number parser (qemu_strtou64: a leading minus wraps, as strtoull does). */
function parseNumber(text: string): bigint | null {
  const m = /^\s*(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (!m) return null;
  const v = BigInt(m[2]!.startsWith('0') && !/^0[xX]/.test(m[2]!) && m[2]!.length > 1 ? '0o' + m[2]!.slice(1) : m[2]!);
  if (v >= TWO64) return null;
  return m[1] ? (TWO64 - v) % TWO64 : v;
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** QemuOpts's hint after a bad size (printed on its own lines, as QEMU does). */
const SIZE_HINT = '\nOptional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively.';

export function parseMemoryOption(arg: string): MemoryOption {
  const bad = (msg: string): never => {
    throw new UsageError(`-m ${arg}: ${msg}`);
  };
  // QemuOpts: a name runs to '=' or ','; the first item without '=' is the implied "size";
  // in a value ",," is a literal comma; the last of a name wins.
  const opts = new Map<string, string>();
  for (let i = 0, first = true; i <= arg.length; first = false) {
    const nameEnd = /[=,]|$/.exec(arg.slice(i))!.index + i;
    let key: string;
    if (arg[nameEnd] === '=') {
      key = arg.slice(i, nameEnd);
      i = nameEnd + 1;
    } else if (first) key = 'size';
    else bad(`Invalid parameter '${arg.slice(i, nameEnd)}'`);
    let value = '';
    for (; i < arg.length; i++) {
      if (arg[i] !== ',') value += arg[i];
      else if (arg[i + 1] === ',') value += arg[i++];
      else break;
    }
    opts.set(key!, value);
    i++;
  }
  for (const k of opts.keys()) if (!['size', 'slots', 'maxmem'].includes(k)) bad(`Invalid parameter '${k}'`);

  const warnings: string[] = [];
  const sizeText = opts.get('size') ?? '';
  let size = 0n;
  if (sizeText !== '') size = strtosz(sizeText, 'B', []) ?? bad("Parameter 'size' expects a non-negative number below 2^64" + SIZE_HINT);
  // The legacy suffix-less form is MiB: QEMU appends "M" and parses again.
  if (size !== 0n) {
    const fixed = /\d$/.test(sizeText) ? sizeText + 'M' : sizeText;
    size = strtosz(fixed, 'B', warnings) ?? bad("Parameter 'size' expects a non-negative number below 2^64" + SIZE_HINT);
  } else size = BigInt(DEFAULT_RAM);
  const maxText = opts.get('maxmem');
  const maxmem = maxText === undefined ? null : (strtosz(maxText, 'B', []) ?? bad("Parameter 'maxmem' expects a non-negative number below 2^64" + SIZE_HINT));
  const slotsText = opts.get('slots');
  const slots = slotsText === undefined ? null : (parseNumber(slotsText) ?? bad("Parameter 'slots' expects a number"));

  // The machine's checks (machine_set_mem): RAM rounded up to 8 KiB, then maxmem against it.
  size = (size + 8191n) & ~8191n;
  if (maxmem !== null) {
    if (maxmem < size) {
      throw new UsageError(`invalid value of maxmem: maximum memory size (${hex(maxmem)}) must be at least the initial memory size (${hex(size)})`);
    }
    if (slots !== null && slots !== 0n && maxmem === size) {
      throw new UsageError(
        `invalid value of maxmem: memory slots were specified but maximum memory size (${hex(maxmem)}) is equal to the initial memory size (${hex(size)})`,
      );
    }
  } else if (slots !== null) {
    throw new UsageError('slots specified but no max-size');
  }
  const maxRam = maxmem ?? size;
  // pc_memory_init's checks, made only when there is device memory to reserve.
  if (maxRam > size) {
    if ((slots ?? 0n) > BigInt(MAX_RAM_SLOTS)) throw new UsageError(`unsupported amount of memory slots: ${slots}`);
    if (maxRam % 4096n !== 0n) throw new UsageError('maximum memory size must by aligned to multiple of 4096 bytes');
  }
  if (maxRam > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError(`-m ${arg}: maxmem ${maxRam} is more than tcg86 can address`);
  return { ramSize: Number(size), maxRamSize: Number(maxRam), slots: Number(slots ?? 0n), warnings };
}
