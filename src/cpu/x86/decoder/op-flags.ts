// Flag bits, block-end kinds and the row type of the x86 opcode table.
// One row per opcode form; the decoder's lookup arrays and OPS are built from the rows.

/** Bits of `OpRow.flags` / `OpInfo.flags`. */
export const F = Object.freeze({
  /** A ModRM byte follows even though no operand letter says so (x87 escapes). */
  MODRM: 1 << 0,
  /** LOCK is allowed (SDM list), and then only with a memory destination. */
  LOCK: 1 << 1,
  /** The 8/16-bit immediate is sign-extended to int32 (83 /x, 6A, 6B, 69). */
  SX: 1 << 2,
  /** CPL 0 only (#GP(0) otherwise); the CPU checks it, the decoder only records it. */
  PRIV: 1 << 3,
  /** IOPL / I/O-bitmap sensitive in protected and V86 mode (cli, sti, in, out, ins, outs). */
  IOPL: 1 << 4,
  /** Undocumented but executed by real Intel parts (salc, int1). Aliases such as 82, F6 /1 and
   *  shift /6 map to the documented op and carry no mark, since flags belong to ops. */
  UNDOC: 1 << 5,
  /** Far control transfer (loads CS). */
  FAR: 1 << 6,
  /** Indirect control transfer (target comes from a register or memory). */
  INDIRECT: 1 << 7,
});

/**
 * Why an instruction ends a translated block. A translator stops after any non-NONE kind;
 * the kind says what to emit at the exit (chained jump, conditional pair, lookup, ...).
 */
export const END = Object.freeze({
  NONE: 0,
  /** Unconditional jump (near or far, direct or indirect). */
  JUMP: 1,
  /** Conditional branch: jcc, loop*, jcxz. */
  BRANCH: 2,
  CALL: 3,
  RET: 4,
  /** Software interrupt or trap: int n, int3, into, int1. */
  INT: 5,
  IRET: 6,
  HLT: 7,
  /** Changes state a translated block depends on: mov to CRn/DRn, lmsw, clts, invlpg, wrmsr, rsm. */
  MODE: 8,
  /** One-instruction interrupt shadow follows: mov ss, pop ss, sti. */
  SHADOW: 9,
  /** popf: may change TF/IF/IOPL/AC. */
  POPF: 10,
});

/** Lowest CPU generation that decodes the op (the CPU model raises #UD below it). */
export type Level = 386 | 486 | 586 | 686;

export interface OpRow {
  /** 0x00-0xFF for one-byte opcodes, 0x100-0x1FF for 0F xx. */
  readonly opcode: number;
  /** ModRM.reg selecting this row inside a group, or -1. */
  readonly ext: number;
  /** Mnemonic plus operands in SDM letters, e.g. `add_Ev_Ib`; rows sharing a name share an op. */
  readonly name: string;
  readonly operands: readonly string[];
  readonly flags: number;
  readonly end: number;
  readonly level: Level;
}

export interface RowOptions {
  flags?: number;
  end?: number;
  level?: Level;
}

/** A row; its name is the mnemonic joined with the operand letters. */
export function row(opcode: number, mnemonic: string, operands: readonly string[] = [], o: RowOptions = {}): OpRow {
  return grp(opcode, -1, mnemonic, operands, o);
}

/** A group row selected by ModRM.reg = ext. */
export function grp(opcode: number, ext: number, mnemonic: string, operands: readonly string[] = [], o: RowOptions = {}): OpRow {
  return {
    opcode,
    ext,
    name: [mnemonic, ...operands].join('_'),
    operands,
    flags: o.flags ?? 0,
    end: o.end ?? END.NONE,
    level: o.level ?? 386,
  };
}

/** Eight rows for the eight ModRM.reg values of a group, one mnemonic each (null = undefined). */
export function group8(opcode: number, mnemonics: readonly (string | null)[], operands: readonly string[], o: (ext: number) => RowOptions = () => ({})): OpRow[] {
  const rows: OpRow[] = [];
  mnemonics.forEach((m, ext) => {
    if (m !== null) rows.push(grp(opcode, ext, m, operands, o(ext)));
  });
  return rows;
}

/** Rows for an opcode range that encodes a register or condition in its low bits (40-47, 70-7F...). */
export function range(first: number, count: number, mnemonic: string, operands: readonly string[] = [], o: RowOptions = {}): OpRow[] {
  const rows: OpRow[] = [];
  for (let i = 0; i < count; i++) rows.push(row(first + i, mnemonic, operands, o));
  return rows;
}
