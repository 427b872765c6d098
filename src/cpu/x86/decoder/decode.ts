// The x86 instruction decoder: prefixes, opcode, ModRM/SIB/displacement and immediates, driven
// by the lookup arrays built in table.ts. No allocation, strings or closures on this path.
import { D, GRP_OP, IMM, OPC_GROUP, OPC_OP, OP_DECODE, OP_FLAGS, OP_IMM, OP_INVALID, OP_TOO_LONG } from './table.js';
import { F } from './op-flags.js';
import type { CodeReader, Insn } from './insn.js';

const MAX_LEN = 15;
const DS = 3;
const SS = 2;

// 16-bit ModRM r/m -> base and index registers (BX=3 BP=5 SI=6 DI=7), and whether SS is the default.
const BASE16 = Int8Array.of(3, 3, 5, 5, 6, 7, 5, 3);
const INDEX16 = Int8Array.of(6, 7, 6, 7, -1, -1, -1, -1);
const SS16 = Uint8Array.of(0, 0, 1, 1, 0, 0, 1, 0);

// Fetch state for the instruction being decoded. Module-level so that fetching needs no closure;
// decode() is not re-entered (the reader never decodes). A finished decode leaves a stub reader
// here: holding the last CPU kept its whole machine alive after the machine was dropped (a
// decode that faults leaves its CPU until the next decode; no try/finally on this hot path).
const NO_READER: CodeReader = { readCode8: () => 0 };
let rd: CodeReader = NO_READER;
let start = 0;
let pos = 0;
let wide = false;
let overrun = false;

/** Reads the next byte, or notes the overrun and returns 0 without reading past byte 15. */
function fetch8(): number {
  if (pos >= MAX_LEN) {
    overrun = true;
    return 0;
  }
  const a = wide ? (start + pos) >>> 0 : (start + pos) & 0xffff;
  pos++;
  return rd.readCode8(a) & 0xff;
}

function fetch16(): number {
  const lo = fetch8();
  return lo | (fetch8() << 8);
}

function fetch32(): number {
  const lo = fetch16();
  return lo | (fetch16() << 16);
}

/** Decodes the instruction at `eip` into `insn`. Guest exceptions thrown by the reader propagate. */
export function decode(insn: Insn, reader: CodeReader, eip: number, code32: boolean): void {
  rd = reader;
  start = eip;
  pos = 0;
  wide = code32;
  overrun = false;

  let op32 = code32;
  let ad32 = code32;
  let segOverride = -1;
  let rep = 0;
  let lock = false;
  let b = 0;

  prefixes: for (;;) {
    b = fetch8();
    switch (b) {
      case 0x26: segOverride = 0; break;
      case 0x2e: segOverride = 1; break;
      case 0x36: segOverride = 2; break;
      case 0x3e: segOverride = 3; break;
      case 0x64: segOverride = 4; break;
      case 0x65: segOverride = 5; break;
      case 0x66: op32 = !code32; break;
      case 0x67: ad32 = !code32; break;
      case 0xf0: lock = true; break;
      case 0xf2: rep = 2; break;
      case 0xf3: rep = 1; break;
      default: break prefixes;
    }
  }

  insn.eip = eip;
  insn.prefixLen = pos - 1;
  insn.opsize = op32 ? 32 : 16;
  insn.adsize = ad32 ? 32 : 16;
  insn.segOverride = segOverride;
  insn.seg = segOverride >= 0 ? segOverride : DS;
  insn.rep = rep;
  insn.lock = lock;
  insn.mod = 0;
  insn.reg = 0;
  insn.rm = 0;
  insn.isMem = false;
  insn.base = -1;
  insn.index = -1;
  insn.scale = 0;
  insn.disp = 0;
  insn.imm = 0;
  insn.imm2 = 0;

  let opcode = b;
  if (b === 0x0f) opcode = 0x100 | fetch8();
  insn.opcode = opcode;

  let op = 0;
  let modrm = -1;
  if (OPC_GROUP[opcode] === 1) {
    modrm = fetch8();
    op = GRP_OP[opcode * 8 + ((modrm >> 3) & 7)]!;
  } else {
    op = OPC_OP[opcode]!;
  }
  if (overrun) return finishTooLong(insn);
  if (op === OP_INVALID) {
    // An undefined group member: keep its ModRM for traces (mov to CS, 8E /1, is one).
    if (modrm >= 0) {
      insn.mod = modrm >> 6;
      insn.reg = (modrm >> 3) & 7;
      insn.rm = modrm & 7;
    }
    return finish(insn, OP_INVALID, OP_INVALID);
  }

  const d = OP_DECODE[op]!;
  let valid = true;
  if (d & D.MODRM) {
    if (modrm < 0) modrm = fetch8();
    const mod = modrm >> 6;
    const reg = (modrm >> 3) & 7;
    const rm = modrm & 7;
    insn.mod = mod;
    insn.reg = reg;
    insn.rm = rm;
    if (mod !== 3 && (d & D.REG_ONLY) === 0) {
      insn.isMem = true;
      if (ad32) decodeEa32(insn, mod, rm, segOverride);
      else decodeEa16(insn, mod, rm, segOverride);
      if (d & D.REG_REQ) valid = false;
    } else if (d & D.MEM_ONLY) {
      valid = false;
    }
  } else if (d & D.ZREG) {
    insn.reg = opcode & 7;
  }

  switch (OP_IMM[op]) {
    case IMM.NONE: break;
    case IMM.B: {
      const v = fetch8();
      insn.imm = OP_FLAGS[op]! & F.SX ? (v << 24) >> 24 : v;
      break;
    }
    case IMM.W: insn.imm = fetch16(); break;
    case IMM.Z:
      if (op32) insn.imm = fetch32();
      else {
        const v = fetch16();
        insn.imm = OP_FLAGS[op]! & F.SX ? (v << 16) >> 16 : v;
      }
      break;
    case IMM.JB: insn.imm = (fetch8() << 24) >> 24; break;
    case IMM.JZ: insn.imm = op32 ? fetch32() : (fetch16() << 16) >> 16; break;
    case IMM.AP:
      insn.imm = op32 ? fetch32() : fetch16();
      insn.imm2 = fetch16();
      break;
    case IMM.MOFFS:
      insn.disp = ad32 ? fetch32() : fetch16();
      insn.isMem = true;
      break;
    case IMM.W_B:
      insn.imm = fetch16();
      insn.imm2 = fetch8();
      break;
    case IMM.ONE: insn.imm = 1; break;
  }
  if (overrun) return finishTooLong(insn);
  // LOCK is #UD unless the op is on the SDM's list and its destination is memory.
  if (lock && ((d & D.LOCKABLE) === 0 || !insn.isMem)) valid = false;
  finish(insn, valid ? op : OP_INVALID, op);
}

function finish(insn: Insn, op: number, decodedOp: number): void {
  rd = NO_READER;
  insn.op = op;
  insn.decodedOp = decodedOp;
  insn.len = pos;
}

function finishTooLong(insn: Insn): void {
  rd = NO_READER;
  insn.op = OP_TOO_LONG;
  insn.decodedOp = OP_TOO_LONG;
  insn.len = MAX_LEN;
}

function decodeEa16(insn: Insn, mod: number, rm: number, segOverride: number): void {
  let ss = SS16[rm]!;
  if (mod === 0 && rm === 6) {
    // [disp16] alone: no base, DS.
    ss = 0;
    insn.disp = fetch16();
  } else {
    insn.base = BASE16[rm]!;
    insn.index = INDEX16[rm]!;
    if (mod === 1) insn.disp = (fetch8() << 24) >> 24;
    else if (mod === 2) insn.disp = (fetch16() << 16) >> 16;
  }
  insn.seg = segOverride >= 0 ? segOverride : ss ? SS : DS;
}

function decodeEa32(insn: Insn, mod: number, rm: number, segOverride: number): void {
  let base = rm;
  if (rm === 4) {
    const sib = fetch8();
    base = sib & 7;
    const index = (sib >> 3) & 7;
    // Index 4 (ESP) means "no index"; the scale bits are then ignored.
    if (index !== 4) {
      insn.index = index;
      insn.scale = sib >> 6;
    }
    if (base === 5 && mod === 0) base = -1;
  } else if (rm === 5 && mod === 0) {
    base = -1;
  }
  insn.base = base;
  if (mod === 1) insn.disp = (fetch8() << 24) >> 24;
  else if (mod === 2 || base === -1) insn.disp = fetch32();
  insn.seg = segOverride >= 0 ? segOverride : base === 4 || base === 5 ? SS : DS;
}
