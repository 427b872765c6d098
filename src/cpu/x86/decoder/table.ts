// Builds, once at module load, the op list (OPS, OP) and the decoder's lookup arrays from the
// opcode rows. Row errors (clashes, unknown operand letters) throw here, at import time.
import { END, F, type Level, type OpRow } from './op-flags.js';
import { ALU_ROWS } from './table-alu.js';
import { SHIFT_ROWS } from './table-shift.js';
import { STRING_ROWS } from './table-string.js';
import { MOVE_ROWS } from './table-move.js';
import { CONTROL_ROWS } from './table-control.js';
import { SYSTEM_ROWS } from './table-system.js';
import { MMX_ROWS } from './table-mmx.js';

/** How the immediate bytes after the opcode/ModRM are read; derived from the operand letters. */
export const IMM = Object.freeze({
  NONE: 0,
  /** Ib, zero-extended (sign-extended with F.SX). */
  B: 1,
  /** Iw, zero-extended. */
  W: 2,
  /** Iz / Iv: 16 or 32 bits by operand size (16-bit zero-extended, or sign-extended with F.SX). */
  Z: 3,
  /** Jb: 8-bit displacement, sign-extended. */
  JB: 4,
  /** Jz: 16- or 32-bit displacement by operand size, sign-extended. */
  JZ: 5,
  /** Ap: offset (Iz) into imm, then a 16-bit selector into imm2. */
  AP: 6,
  /** Ob/Ov: an address-size offset; becomes a memory operand (disp, no base, no index). */
  MOFFS: 7,
  /** enter: Iw into imm, then Ib into imm2. */
  W_B: 8,
  /** The constant 1 of the D0/D1 shifts: no bytes, imm = 1. */
  ONE: 9,
});

/** Per-op decode bits (OP_DECODE); internal to the decoder but exported for tests. */
export const D = Object.freeze({
  MODRM: 1,
  /** The E/M operand must be memory (M letters): mod = 3 is #UD. */
  MEM_ONLY: 2,
  /** The ModRM names a register whatever mod says, and no displacement follows (CRn/DRn moves). */
  REG_ONLY: 4,
  LOCKABLE: 8,
  /** Register number in opcode bits 2:0 (Z letters): copied to Insn.reg. */
  ZREG: 16,
  /** The E operand must be a register (N letters): mod != 3 is #UD, after decoding its length. */
  REG_REQ: 32,
});

export interface OpInfo {
  readonly id: number;
  readonly name: string;
  /** Mnemonic: the part of the name before the operand letters. */
  readonly mnemonic: string;
  readonly operands: readonly string[];
  readonly flags: number;
  readonly end: number;
  readonly level: Level;
  readonly imm: number;
  /** Opcodes (0x000-0x1FF) whose rows map to this op, for tests and documentation. */
  readonly opcodes: readonly number[];
}

const ROWS: readonly OpRow[] = [
  ...ALU_ROWS, ...SHIFT_ROWS, ...STRING_ROWS, ...MOVE_ROWS, ...CONTROL_ROWS, ...SYSTEM_ROWS, ...MMX_ROWS,
];

/** Fixed operands (a named register or constant) read no bytes. */
const FIXED = new Set(['AL', 'CL', 'DX', 'eAX', '1', 'ES', 'CS', 'SS', 'DS', 'FS', 'GS']);
const SIZED = /^([EGMRSCDIJAOXYZPQN])([bwdvzpqsa]?)$/;

function immKind(r: OpRow): number {
  const imms = r.operands.filter((o) => o === '1' || /^[IJAO][a-z]$/.test(o)).join(',');
  switch (imms) {
    case '': return IMM.NONE;
    case 'Ib': return IMM.B;
    case 'Iw': return IMM.W;
    case 'Iz': case 'Iv': return IMM.Z;
    case 'Jb': return IMM.JB;
    case 'Jz': return IMM.JZ;
    case 'Ap': return IMM.AP;
    case 'Ob': case 'Ov': return IMM.MOFFS;
    case 'Iw,Ib': return IMM.W_B;
    case '1': return IMM.ONE;
    default: throw new Error(`x86 table: ${r.name}: unsupported immediates ${imms}`);
  }
}

function decodeBits(r: OpRow): number {
  let d = (r.flags & F.MODRM) !== 0 || r.ext >= 0 ? D.MODRM : 0;
  for (const o of r.operands) {
    if (FIXED.has(o)) continue;
    const m = SIZED.exec(o);
    if (m === null) throw new Error(`x86 table: ${r.name}: unknown operand ${o}`);
    const letter = m[1]!;
    // P, Q, N: MMX register in ModRM.reg, register-or-memory, register (the CPU checks mod).
    if ('EGMRSCDPQN'.includes(letter)) d |= D.MODRM;
    if (letter === 'M') d |= D.MEM_ONLY;
    if (letter === 'R') d |= D.REG_ONLY;
    if (letter === 'Z') d |= D.ZREG;
    if (letter === 'N') d |= D.REG_REQ;
  }
  if (r.flags & F.LOCK) d |= D.LOCKABLE;
  return d;
}

function build() {
  const ops: OpInfo[] = [];
  const byName = new Map<string, { info: OpInfo; opcodes: number[] }>();
  const addOp = (name: string, r: OpRow | null): number => {
    const mnemonic = r === null ? name : name.slice(0, r.operands.length ? name.length - r.operands.join('_').length - 1 : name.length);
    const opcodes: number[] = [];
    const info: OpInfo = {
      id: ops.length, name, mnemonic, operands: r?.operands ?? [], flags: r?.flags ?? 0,
      end: r?.end ?? END.NONE, level: r?.level ?? 386, imm: r === null ? IMM.NONE : immKind(r), opcodes,
    };
    ops.push(info);
    byName.set(name, { info, opcodes });
    return info.id;
  };
  addOp('invalid', null);
  addOp('too_long', null);

  const opcOp = new Uint16Array(512);
  const opcGroup = new Uint8Array(512);
  const grpOp = new Uint16Array(512 * 8);
  const decodeBitsOf: number[] = [0, 0];
  const seen = new Set<number>();

  for (const r of ROWS) {
    if (r.opcode < 0 || r.opcode > 0x1ff || r.ext < -1 || r.ext > 7) throw new Error(`x86 table: ${r.name}: bad opcode/ext`);
    const key = r.opcode * 9 + r.ext + 1;
    if (seen.has(key)) throw new Error(`x86 table: ${r.name}: duplicate row for ${r.opcode.toString(16)}/${r.ext}`);
    seen.add(key);
    let entry = byName.get(r.name);
    if (entry === undefined) {
      addOp(r.name, r);
      entry = byName.get(r.name)!;
      decodeBitsOf.push(decodeBits(r));
    } else if (entry.info.flags !== r.flags || entry.info.end !== r.end || entry.info.level !== r.level) {
      throw new Error(`x86 table: rows named ${r.name} disagree on flags`);
    }
    entry.opcodes.push(r.opcode);
    const isGroup = r.ext >= 0;
    if (opcOp[r.opcode] !== 0 || (isGroup ? false : opcGroup[r.opcode] === 1)) {
      throw new Error(`x86 table: ${r.name}: opcode ${r.opcode.toString(16)} has a plain row and other rows`);
    }
    if (isGroup) {
      opcGroup[r.opcode] = 1;
      grpOp[r.opcode * 8 + r.ext] = entry.info.id;
    } else {
      opcOp[r.opcode] = entry.info.id;
    }
  }

  const opDecode = new Uint8Array(ops.length);
  const opImm = new Uint8Array(ops.length);
  const opFlags = new Int32Array(ops.length);
  const opEnd = new Uint8Array(ops.length);
  ops.forEach((o, i) => {
    opDecode[i] = decodeBitsOf[i]!;
    opImm[i] = o.imm;
    opFlags[i] = o.flags;
    opEnd[i] = o.end;
  });
  const opNames: Record<string, number> = {};
  for (const o of ops) opNames[o.name] = o.id;
  for (const o of ops) Object.freeze(o.opcodes), Object.freeze(o);
  return { ops, opcOp, opcGroup, grpOp, opDecode, opImm, opFlags, opEnd, opNames };
}

const built = build();

/** Every op, indexed by op id (OPS[insn.op]). Ids 0 and 1 are OP_INVALID and OP_TOO_LONG. */
export const OPS: readonly OpInfo[] = Object.freeze(built.ops);
/** Op ids by name, for binding handlers: `handlers[OP.add_Eb_Gb] = ...`. */
export const OP: Readonly<Record<string, number>> = Object.freeze(built.opNames);
/** The opcode is undefined or the encoding is not allowed (bad LOCK, register for an M operand): #UD. */
export const OP_INVALID = 0;
/** The instruction would be longer than 15 bytes: #GP(0). */
export const OP_TOO_LONG = 1;
export const OP_COUNT = OPS.length;

/** Op id of a name; throws on a typo, so handler tables fail at load instead of at run time. */
export function opId(name: string): number {
  const id = built.opNames[name];
  if (id === undefined) throw new Error(`x86 decoder: no op named ${name}`);
  return id;
}

/** Per-op flag words (F bits), block-end kinds (END) and immediate kinds (IMM), as typed arrays. */
export const OP_FLAGS: Int32Array = built.opFlags;
export const OP_END: Uint8Array = built.opEnd;
export const OP_IMM: Uint8Array = built.opImm;
export const OP_DECODE: Uint8Array = built.opDecode;
/** Plain opcodes: op id, or 0 when the opcode is a group or undefined. */
export const OPC_OP: Uint16Array = built.opcOp;
/** 1 when the opcode is a group selected by ModRM.reg. */
export const OPC_GROUP: Uint8Array = built.opcGroup;
/** Group ops at opcode * 8 + ModRM.reg (0 = undefined). */
export const GRP_OP: Uint16Array = built.grpOp;
