// Intel-syntax text of a decoded instruction for traces (`-d in_asm`): `add byte [bx+si+0x10], al`.
// Not on any hot path; clarity over speed.
import { OPS, OP_INVALID, OP_TOO_LONG, type OpInfo } from './table.js';
import { F } from './op-flags.js';
import type { Insn } from './insn.js';

const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const STRING_OPS = new Set(['movs', 'cmps', 'stos', 'lods', 'scas', 'ins', 'outs']);
/** Mnemonics whose 32-bit form takes a suffix (pushad, iretd, cwde...). */
const WIDE: Record<string, string> = { pusha: 'pushad', popa: 'popad', pushf: 'pushfd', popf: 'popfd', iret: 'iretd', cbw: 'cwde', cwd: 'cdq' };

/** Ops whose Ew is a word in memory but a full operand-size register (SDM: Rv/Mw). */
const RV_MW = new Set(['mov_Ew_Sw', 'mov_Sw_Ew', 'mov_SS_Ew', 'lar_Gv_Ew', 'lsl_Gv_Ew', 'sldt_Ew', 'str_Ew', 'smsw_Ew']);

/** The usual names of the prefetch hints by ModRM.reg (0F 18 /0-/3 and 0F 0D). */
const PREFETCH_18 = ['prefetchnta', 'prefetcht0', 'prefetcht1', 'prefetcht2'];
const PREFETCH_0D = ['prefetch', 'prefetchw', 'prefetchwt1', 'prefetch', 'prefetch', 'prefetch', 'prefetch', 'prefetch'];

const hex = (n: number) => '0x' + n.toString(16);

/** The instruction as text; invalid encodings print as `(bad)` followed by what the bytes name. */
export function formatInsn(insn: Insn): string {
  if (insn.op === OP_TOO_LONG) return '(bad: longer than 15 bytes)';
  if (insn.op === OP_INVALID) {
    return insn.decodedOp === OP_INVALID || insn.decodedOp === OP_TOO_LONG ? '(bad)' : `(bad) ${formatOp(insn, OPS[insn.decodedOp]!)}`;
  }
  return formatOp(insn, OPS[insn.op]!);
}

function formatOp(insn: Insn, info: OpInfo): string {
  const m = info.mnemonic;
  let prefix = insn.lock ? 'lock ' : '';
  if (STRING_OPS.has(m)) {
    if (insn.rep === 2) prefix += 'repne ';
    else if (insn.rep === 1) prefix += m === 'cmps' || m === 'scas' ? 'repe ' : 'rep ';
    // The segment override applies to the DS:rSI operand only.
    const seg = insn.segOverride >= 0 && info.operands.some((o) => o[0] === 'X') ? SEGS[insn.segOverride] + ' ' : '';
    const suffix = info.operands.some((o) => o.endsWith('b')) ? 'b' : insn.opsize === 32 ? 'd' : 'w';
    const a32 = insn.adsize !== (insn.opsize === 32 ? 32 : 16) ? (insn.adsize === 32 ? ' (a32)' : ' (a16)') : '';
    return `${prefix}${seg}${m}${suffix}${a32}`;
  }
  // F3 90 is "pause" to later CPUs and a plain nop to these; use the familiar name.
  if (m === 'nop' && insn.rep === 1) return 'pause';
  if (m === 'xlat') return `${insn.segOverride >= 0 ? SEGS[insn.segOverride] + ' ' : ''}xlatb`;
  if (m === 'fpu_esc') {
    const modrm = (insn.mod << 6) | (insn.reg << 3) | insn.rm;
    return `fpu_esc ${hex(insn.opcode)}, ${insn.isMem ? `/${insn.reg} ${memory(insn, '')}` : hex(modrm)}`;
  }
  const text = prefix + mnemonic(insn, m);
  const ops = info.operands.map((o) => operand(insn, info, o));
  return ops.length ? `${text} ${ops.join(', ')}` : text;
}

function mnemonic(insn: Insn, m: string): string {
  const cc = CC[insn.opcode & 15]!;
  switch (m) {
    case 'jcc': return 'j' + cc;
    case 'setcc': return 'set' + cc;
    case 'cmovcc': return 'cmov' + cc;
    case 'jcxz': return insn.adsize === 32 ? 'jecxz' : 'jcxz';
    case 'prefetch': return insn.opcode === 0x118 ? PREFETCH_18[insn.reg]! : PREFETCH_0D[insn.reg]!;
    case 'callf': return 'call far';
    case 'jmpf': return 'jmp far';
    default: return insn.opsize === 32 && WIDE[m] !== undefined ? WIDE[m]! : m;
  }
}

function reg(n: number, size: number): string {
  return (size === 8 ? R8 : size === 16 ? R16 : R32)[n]!;
}

/** Operand size in bits of a size letter (b, w, d, v, z, q). Shared with the AT&T formatter. */
export function bits(insn: Insn, s: string): number {
  switch (s) {
    case 'b': return 8;
    case 'w': return 16;
    case 'd': return 32;
    case 'q': return 64;
    default: return insn.opsize;
  }
}

const SIZE_WORD: Record<number, string> = { 8: 'byte ', 16: 'word ', 32: 'dword ', 64: 'qword ' };

function memory(insn: Insn, size: string): string {
  const names = insn.adsize === 32 ? R32 : R16;
  const parts: string[] = [];
  if (insn.base >= 0) parts.push(names[insn.base]!);
  if (insn.index >= 0) parts.push(names[insn.index]! + (insn.scale ? '*' + (1 << insn.scale) : ''));
  let text = parts.join('+');
  if (parts.length === 0) text = hex(insn.adsize === 32 ? insn.disp >>> 0 : insn.disp & 0xffff);
  else if (insn.disp > 0) text += '+' + hex(insn.disp);
  else if (insn.disp < 0) text += '-' + hex(-insn.disp);
  const seg = insn.segOverride >= 0 ? SEGS[insn.segOverride] + ':' : '';
  return `${size}[${seg}${text}]`;
}

function immediate(insn: Insn, info: OpInfo, s: string): string {
  // A sign-extended Ib takes the operand size.
  const size = s === 'b' && (info.flags & F.SX) !== 0 ? insn.opsize : bits(insn, s);
  return hex(size === 32 ? insn.imm >>> 0 : insn.imm & ((1 << size) - 1));
}

function operand(insn: Insn, info: OpInfo, o: string): string {
  switch (o) {
    case 'AL': case 'CL': case 'DX': case 'ES': case 'CS': case 'SS': case 'DS': case 'FS': case 'GS':
      return o.toLowerCase();
    case 'eAX': return insn.opsize === 32 ? 'eax' : 'ax';
    case '1': return '1';
  }
  const letter = o[0]!;
  const s = o.slice(1);
  switch (letter) {
    case 'E':
      if (insn.isMem) return memory(insn, SIZE_WORD[bits(insn, s)]!);
      return reg(insn.rm, RV_MW.has(info.name) ? insn.opsize : bits(insn, s));
    case 'M':
      // Sized memory-only operands (Mq) say their size; M, Ms, Mp, Ma do not have a plain one.
      return memory(insn, s === 'q' ? 'qword ' : info.mnemonic === 'prefetch' ? 'byte ' : '');
    case 'O':
      return memory(insn, SIZE_WORD[bits(insn, s)]!);
    case 'G': case 'Z':
      return reg(insn.reg, bits(insn, s));
    case 'R': return R32[insn.rm]!;
    case 'P': return 'mm' + insn.reg;
    case 'Q': return insn.isMem ? memory(insn, SIZE_WORD[bits(insn, s)]!) : 'mm' + insn.rm;
    case 'N': return 'mm' + insn.rm;
    case 'S': return SEGS[insn.reg]!;
    case 'C': return 'cr' + insn.reg;
    case 'D': return 'dr' + insn.reg;
    case 'I': return immediate(insn, info, s);
    case 'J': {
      const target = insn.eip + insn.len + insn.imm;
      return hex(insn.opsize === 32 ? target >>> 0 : target & 0xffff);
    }
    case 'A': return `${hex(insn.imm2)}:${hex(insn.opsize === 32 ? insn.imm >>> 0 : insn.imm & 0xffff)}`;
    default: throw new Error(`formatInsn: operand ${o} of ${info.name}`);
  }
}
