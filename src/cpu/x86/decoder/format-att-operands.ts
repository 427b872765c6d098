// AT&T operand text as capstone 4 prints it: registers, memory references, immediates and
// branch targets (small numbers in decimal, larger ones in hex, as capstone's HEX_THRESHOLD).
import type { Insn } from './insn.js';

const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** Capstone prints numbers above this in hex. */
const HEX_THRESHOLD = 9;

/** A number as capstone prints it: decimal up to 9, else 0x-hex; negative with a minus sign. */
export function attNumber(v: number): string {
  if (v < 0) return '-' + attNumber(-v);
  return v > HEX_THRESHOLD ? '0x' + v.toString(16) : v.toString(10);
}

export function attReg(n: number, size: number): string {
  return '%' + (size === 8 ? R8 : size === 16 ? R16 : R32)[n & 7]!;
}

/** A far pointer's selector or offset: always in hex. */
export function attFar(v: number): string {
  return '$0x' + (v >>> 0).toString(16);
}

/** An immediate of `size` bits: `$` and the value, unsigned for byte-sized ones. */
export function attImm(v: number, size: number): string {
  if (size === 8) return '$' + attNumber(v & 0xff);
  if (size === 16) return '$' + attNumber(v & 0xffff);
  return '$' + attNumber(v >>> 0);
}

/** A memory operand: [%seg:]disp(base,index,scale), the segment only when overridden. */
export function attMem(insn: Insn): string {
  const names = insn.adsize === 32 ? R32 : R16;
  const seg = insn.segOverride >= 0 ? `%${SEG_NAMES[insn.segOverride]}:` : '';
  if (insn.base < 0 && insn.index < 0) {
    return seg + attNumber(insn.adsize === 32 ? insn.disp >>> 0 : insn.disp & 0xffff);
  }
  const disp = insn.disp !== 0 ? attNumber(insn.disp) : '';
  let inner = insn.base >= 0 ? '%' + names[insn.base] : '';
  if (insn.index >= 0) inner += ', %' + names[insn.index] + (insn.scale ? ', ' + (1 << insn.scale) : '');
  return `${seg}${disp}(${inner})`;
}

/**
 * A relative branch target, wrapped to the operand size. Capstone counts from the address QEMU
 * gives it, the linear pc, not from EIP: the two differ when CS has a base.
 */
export function attRel(insn: Insn, pc: number): string {
  const target = pc + insn.len + insn.imm;
  return attNumber(insn.opsize === 32 ? target >>> 0 : target & 0xffff);
}
