// AT&T-syntax text of a decoded instruction as QEMU 7.2 prints it through capstone 4 (`-d in_asm`,
// the monitor's `x /i`): size suffixes, `%` registers, `$` immediates, source operand first.
// Not on any hot path; clarity over speed. The x87 escapes are named in format-att-x87.ts.
import { OPS, OP_INVALID, OP_TOO_LONG, type OpInfo } from './table.js';
import { F } from './op-flags.js';
import type { Insn } from './insn.js';
import { x87Att } from './format-att-x87.js';
import { bits } from './format.js';
import { attFar, attImm, attMem, attNumber, attReg, attRel, SEG_NAMES } from './format-att-operands.js';

/** Mnemonic and operand text, as capstone splits them (QEMU pads the mnemonic to 8 columns). */
export interface AttText {
  mnemonic: string;
  ops: string;
}

const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const SUFFIX: Record<number, string> = { 8: 'b', 16: 'w', 32: 'l', 64: 'q' };

/** Mnemonics capstone prints without a size suffix whatever their operands (besides those mnemonic() names itself). */
const BARE = new Set([
  'loop', 'int', 'int3', 'into', 'int1', 'nop', 'cmpxchg8b',
  'invlpg', 'arpl', 'verr', 'verw', 'aam', 'aad', 'hlt', 'cli', 'sti', 'cld', 'std', 'clc', 'stc',
  'cmc', 'sahf', 'lahf', 'cpuid', 'rdtsc', 'rdmsr', 'wrmsr', 'wbinvd', 'invd', 'ud2', 'rsm', 'salc', 'daa', 'das',
  'aaa', 'aas', 'clts', 'bound', 'leave', 'enter', 'emms', 'fxsave', 'fxrstor',
]);

/** MMX operand letters (P: mm in ModRM.reg, Q: mm or memory, N: mm in ModRM.rm): such ops take no suffix. */
const MMX_LETTERS = new Set(['P', 'Q', 'N']);

/** Mnemonics whose operand size appears as a suffix even with no sized operand (pushfl, retw). */
const SIZED_BY_OPSIZE: Record<string, string> = {
  pusha: 'pusha', popa: 'popa', pushf: 'pushf', popf: 'popf', iret: 'iret', ret: 'ret', retf: 'lret',
  call: 'call', callf: 'lcall', jmpf: 'ljmp', push: 'push', pop: 'pop', lgdt: 'lgdt', lidt: 'lidt', sgdt: 'sgdt',
  sidt: 'sidt',
};

/** cbw/cwde/cwd/cdq in AT&T spelling, by mnemonic and operand size. */
const CONVERT: Record<string, [string, string]> = { cbw: ['cbtw', 'cwtl'], cwd: ['cwtd', 'cltd'] };

const STRING_OPS = new Set(['movs', 'cmps', 'stos', 'lods', 'scas', 'ins', 'outs']);

/**
 * The instruction in capstone's AT&T syntax; undecodable bytes as capstone's "(bad)". `pc` is the
 * linear address (branch targets count from it, as capstone's do); `code32` the code size, which
 * tells an MMX op from the SSE one a 66 prefix makes of it (tcg86 has no SSE: "(bad)").
 */
export function formatInsnAtt(insn: Insn, pc: number, code32: boolean): AttText {
  // mov to CS (8E /1) is #UD, but capstone names its register form.
  if (insn.op === OP_INVALID && insn.opcode === 0x8e && insn.reg === 1 && insn.mod === 3) {
    return { mnemonic: 'mov' + SUFFIX[insn.opsize]!, ops: `${attReg(insn.rm, insn.opsize)}, %cs` };
  }
  if (insn.op !== OP_INVALID && insn.op !== OP_TOO_LONG && OPS[insn.op]!.operands.some((o) => MMX_LETTERS.has(o[0]!))) {
    if (insn.rep !== 0 || (insn.opsize === 32) !== code32) return { mnemonic: '(bad)', ops: '' };
  }
  if (insn.op === OP_TOO_LONG || insn.op === OP_INVALID) {
    // The bytes still name an op when only the encoding is refused (a bad LOCK): show that op.
    if (insn.decodedOp === OP_INVALID || insn.decodedOp === OP_TOO_LONG) return { mnemonic: '(bad)', ops: '' };
    return format(insn, OPS[insn.decodedOp]!, pc);
  }
  return format(insn, OPS[insn.op]!, pc);
}

/** The same as one string, "mnemonic operands", for tables and plugins (QEMU's plugin disas). */
export function formatInsnText(insn: Insn, pc: number, code32: boolean): string {
  const t = formatInsnAtt(insn, pc, code32);
  return t.ops === '' ? t.mnemonic : `${t.mnemonic} ${t.ops}`;
}

function format(insn: Insn, info: OpInfo, pc: number): AttText {
  const m = info.mnemonic;
  if (m === 'fpu_esc') return x87Att(insn);
  let prefix = insn.lock ? 'lock ' : '';
  if (STRING_OPS.has(m)) return stringOp(insn, info, prefix);
  const special = specialForm(insn, info, prefix);
  if (special !== null) return special;
  // Capstone shows F2/F3 only on string instructions; F3 90 is pause in 32-bit code only.
  if (m === 'nop' && insn.rep === 1 && info.operands.length === 0 && insn.opsize === 32) return { mnemonic: 'pause', ops: '' };
  const ops = operands(insn, info, pc);
  return { mnemonic: prefix + mnemonic(insn, info, ops.size), ops: ops.text };
}

/** Forms capstone prints its own way: hint NOPs, enter, tzcnt/lzcnt, aam/aad, xchg, rol by 1. */
function specialForm(insn: Insn, info: OpInfo, prefix: string): AttText | null {
  const m = info.mnemonic;
  const osz = SUFFIX[insn.opsize]!;
  if (insn.opcode >= 0x119 && insn.opcode <= 0x11f || (insn.opcode === 0x118 && insn.reg >= 4)) {
    if (insn.opcode === 0x11e && insn.rep === 1 && !insn.isMem && insn.reg === 7 && insn.rm >= 2 && insn.rm <= 3) {
      return { mnemonic: insn.rm === 3 ? 'endbr32' : 'endbr64', ops: '' };
    }
    // Register forms name both ModRM registers; memory forms take the operand-size suffix.
    if (!insn.isMem && insn.opcode === 0x118) return { mnemonic: prefix + 'nop' + osz, ops: attReg(insn.rm, insn.opsize) };
    if (!insn.isMem) return { mnemonic: prefix + 'nop', ops: `${attReg(insn.reg, insn.opsize)}, ${attReg(insn.rm, insn.opsize)}` };
    return { mnemonic: prefix + 'nop' + osz, ops: attMem(insn) };
  }
  switch (m) {
    case 'enter': return { mnemonic: 'enter', ops: `$${attNumber((insn.imm << 16) >> 16)}, $${attNumber(insn.imm2 & 0xff)}` };
    case 'bsf': case 'bsr':
      // F3 0F BC/BD are tzcnt/lzcnt to capstone (BMI/ABM); these CPUs run them as bsf/bsr.
      if (insn.rep === 1) {
        const ops = operands(insn, info, insn.eip);
        return { mnemonic: prefix + (m === 'bsf' ? 'tzcnt' : 'lzcnt') + osz, ops: ops.text };
      }
      return null;
    case 'aam': case 'aad': return { mnemonic: m, ops: insn.imm === 10 ? '' : attImm(insn.imm, 8) };
    case 'xchg':
      if (info.operands[1] === 'eAX') return { mnemonic: prefix + 'xchg' + osz, ops: `${attReg(insn.reg, insn.opsize)}, ${attReg(0, insn.opsize)}` };
      return null;
    case 'rol':
      // Capstone 4 leaves the suffix off a register rotated left by 1 (D1 C0+r).
      if (info.operands[1] === '1' && !insn.isMem && insn.opsize === 32 && info.operands[0] === 'Ev') return { mnemonic: prefix + 'rol', ops: `$1, ${attReg(insn.rm, 32)}` };
      return null;
    case 'prefetch':
      // Capstone drops a rep prefix on the hints.
      return { mnemonic: (insn.lock ? 'lock ' : '') + mnemonic(insn, info, 0), ops: attMem(insn) };
    default: return null;
  }
}

interface Ops {
  text: string;
  /** The operand size the suffix names (0 when no operand fixes one). */
  size: number;
}

function mnemonic(insn: Insn, info: OpInfo, size: number): string {
  const m = info.mnemonic;
  const cc = CC[insn.opcode & 15]!;
  const osz = SUFFIX[insn.opsize]!;
  switch (m) {
    case 'shl': return (insn.reg === 6 ? 'sal' : 'shl') + (size ? SUFFIX[size]! : '');
    case 'jcc': return 'j' + cc;
    case 'setcc': return 'set' + cc;
    case 'cmovcc': return 'cmov' + cc + osz;
    case 'jcxz': return insn.adsize === 32 ? 'jecxz' : 'jcxz';
    case 'loopz': return 'loope';
    case 'loopnz': return 'loopne';
    case 'fwait': return 'wait';
    case 'xlat': return 'xlatb';
    case 'cbw': case 'cwd': return CONVERT[m]![insn.opsize === 32 ? 1 : 0]!;
    case 'movzx': case 'movsx': {
      const src = info.operands[1] === 'Eb' ? 'b' : 'w';
      return (m === 'movzx' ? 'movz' : 'movs') + src + osz;
    }
    case 'jmp': case 'call':
      if ((info.flags & F.INDIRECT) !== 0) return m + osz;
      return m === 'call' ? 'call' + osz : 'jmp';
    case 'prefetch':
      if (insn.opcode === 0x10d) return insn.reg === 1 ? 'prefetchw' : 'prefetch';
      return ['prefetchnta', 'prefetcht0', 'prefetcht1', 'prefetcht2'][insn.reg]!;
  }
  if (SIZED_BY_OPSIZE[m] !== undefined) return SIZED_BY_OPSIZE[m] + osz;
  if (BARE.has(m) || info.operands.some((o) => MMX_LETTERS.has(o[0]!))) return m;
  return m + (size ? SUFFIX[size]! : '');
}

function stringOp(insn: Insn, info: OpInfo, prefix: string): AttText {
  const m = info.mnemonic;
  const compares = m === 'cmps' || m === 'scas';
  if (insn.rep === 2) prefix += 'repne ';
  else if (insn.rep === 1) prefix += compares ? 'repe ' : 'rep ';
  const size = info.operands.some((o) => o.endsWith('b')) ? 8 : insn.opsize;
  const si = insn.adsize === 32 ? '%esi' : '%si';
  const di = insn.adsize === 32 ? '%edi' : '%di';
  const src = `${insn.segOverride >= 0 ? '%' + SEG_NAMES[insn.segOverride] + ':' : ''}(${si})`;
  const dst = `%es:(${di})`;
  const acc = attReg(0, size);
  const dx = '%dx';
  const ops: Record<string, string> = {
    movs: `${src}, ${dst}`, cmps: `${dst}, ${src}`, stos: `${acc}, ${dst}`, lods: `${src}, ${acc}`,
    scas: `${dst}, ${acc}`, ins: `${dx}, ${dst}`, outs: `${src}, ${dx}`,
  };
  return { mnemonic: prefix + m + SUFFIX[size]!, ops: ops[m]! };
}

const LOGICAL = new Set(['and', 'or', 'xor']);

/** Ops whose Ew is a word in memory but a full operand-size register (SDM: Rv/Mw). */
const RV_MW = new Set(['mov_Ew_Sw', 'mov_Sw_Ew', 'mov_SS_Ew', 'lar_Gv_Ew', 'lsl_Gv_Ew', 'sldt_Ew', 'str_Ew', 'smsw_Ew']);

function operands(insn: Insn, info: OpInfo, pc: number): Ops {
  let size = 0;
  const texts: string[] = [];
  for (const o of info.operands) {
    const t = operand(insn, info, o, pc);
    if (t.size > size) size = t.size;
    texts.push(t.text);
  }
  // movzx/movsx take the destination's size (the source's is in the mnemonic already).
  if (info.mnemonic === 'movzx' || info.mnemonic === 'movsx') size = insn.opsize;
  return { text: texts.filter((t) => t !== '').reverse().join(', '), size };
}

interface Operand {
  text: string;
  size: number;
}

function operand(insn: Insn, info: OpInfo, o: string, pc: number): Operand {
  switch (o) {
    case 'AL': return { text: '%al', size: 8 };
    case 'CL': return { text: '%cl', size: 0 };
    case 'DX': return { text: '%dx', size: 0 };
    case 'ES': case 'CS': case 'SS': case 'DS': case 'FS': case 'GS':
      return { text: '%' + o.toLowerCase(), size: insn.opsize };
    case 'eAX': return { text: attReg(0, insn.opsize), size: insn.opsize };
    case '1': return { text: '$1', size: 0 };
  }
  const letter = o[0]!;
  const s = o.slice(1);
  switch (letter) {
    case 'E':
      if (insn.isMem) return { text: (info.flags & F.INDIRECT ? '*' : '') + attMem(insn), size: bits(insn, s) };
      if (RV_MW.has(info.name)) return { text: attReg(insn.rm, insn.opsize), size: insn.opsize };
      return { text: (info.flags & F.INDIRECT ? '*' : '') + attReg(insn.rm, bits(insn, s)), size: bits(insn, s) };
    case 'M':
      return { text: (info.flags & F.INDIRECT ? '*' : '') + attMem(insn), size: 0 };
    case 'O':
      return { text: attMem(insn), size: bits(insn, s) };
    case 'G': case 'Z':
      return { text: attReg(insn.reg, bits(insn, s)), size: bits(insn, s) };
    case 'R': return { text: attReg(insn.rm, 32), size: 32 };
    case 'P': return { text: '%mm' + insn.reg, size: 0 };
    case 'Q': return { text: insn.isMem ? attMem(insn) : '%mm' + insn.rm, size: 0 };
    case 'N': return { text: '%mm' + insn.rm, size: 0 };
    case 'S': return { text: '%' + SEG_NAMES[insn.reg]!, size: 0 };
    case 'C': return { text: '%cr' + insn.reg, size: 0 };
    case 'D': return { text: '%dr' + insn.reg, size: 0 };
    case 'I':
      // A sign-extended byte prints as the signed number it stands for, except for the logical
      // operations, whose immediates capstone never prints negative.
      if (s === 'b' && (info.flags & F.SX) !== 0) {
        if (!LOGICAL.has(info.mnemonic)) return { text: '$' + attNumber(insn.imm | 0), size: 0 };
        return { text: attImm(insn.imm, insn.opsize), size: 0 };
      }
      return { text: attImm(insn.imm, bits(insn, s)), size: 0 };
    case 'J': return { text: attRel(insn, pc), size: 0 };
    case 'A': return { text: `${attFar(insn.imm2)}:${attFar(insn.opsize === 32 ? insn.imm : insn.imm & 0xffff)}`, size: 0 };
    case 'X': case 'Y': return { text: '', size: 0 };
    default: return { text: `?${o}`, size: 0 };
  }
}
