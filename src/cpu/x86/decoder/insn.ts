// The decoded-instruction record (one per CPU, reused for every decode) and the code-fetch
// interface the decoder reads through.

/** Where the decoder gets instruction bytes; the CPU implements it over CS and the soft TLB. */
export interface CodeReader {
  /**
   * The byte at offset `eip` in CS (eip already wrapped to 16 or 32 bits, unsigned).
   * May throw a guest exception object (#PF, #GP on the CS limit); the decoder lets it pass.
   */
  readCode8(eip: number): number;
}

/** Segment register numbers, the order of ModRM.reg in mov Sw and of Insn.seg. */
export const SEG = Object.freeze({ ES: 0, CS: 1, SS: 2, DS: 3, FS: 4, GS: 5 });

/** Values of Insn.rep. */
export const REP = Object.freeze({ NONE: 0, REPE: 1, REPNE: 2 });

/**
 * One decoded instruction. All fields are numbers or booleans so the object keeps one shape;
 * decode() overwrites every field, so stale values never leak from the previous instruction.
 */
export class Insn {
  /** Op id to execute: index into OPS; OP_INVALID (#UD) or OP_TOO_LONG (#GP(0)) on failure. */
  op = 0;
  /**
   * Op the bytes name, even when `op` was replaced by OP_INVALID because the encoding is not
   * allowed (LOCK on a non-lockable form or a register destination, register for an M operand).
   * Equal to `op` otherwise. For traces: "lock mov" is worth showing as such.
   */
  decodedOp = 0;
  /** EIP of the first byte (the value passed to decode). */
  eip = 0;
  /** 0x00-0xFF, or 0x100-0x1FF for 0F xx. */
  opcode = 0;
  /** Length in bytes including prefixes (bytes consumed so far for OP_INVALID; 15 for OP_TOO_LONG). */
  len = 0;
  /** Number of prefix bytes before the opcode. */
  prefixLen = 0;
  /** Operand size: 16 or 32 (code size toggled by 66). Byte forms are told by the op. */
  opsize = 16;
  /** Address size: 16 or 32 (code size toggled by 67). */
  adsize = 16;
  /** Segment override prefix (last one wins): -1 or SEG.ES..SEG.GS. */
  segOverride = -1;
  /**
   * Effective segment of the memory operand: the override if any, else SS for BP/SP/EBP/ESP
   * based forms, else DS. Also set for X string operands, xlat and moffs (DS unless overridden).
   */
  seg = 3;
  /** REP prefix: 0 none, 1 = F3 (rep/repe), 2 = F2 (repne); the last of F2/F3 wins. */
  rep = 0;
  /** A LOCK (F0) prefix was present (and allowed, unless op is OP_INVALID). */
  lock = false;
  /** ModRM fields (0 when there is no ModRM). For Z forms (40-5F, 91-97, B0-BF, 0F C8-CF) reg = opcode & 7. */
  mod = 0;
  reg = 0;
  rm = 0;
  /** The E operand is memory (mod != 3), or the op is a moffs mov (A0-A3). */
  isMem = false;
  /**
   * Effective address = base + (index << scale) + disp, wrapped to adsize. Registers are 0-7
   * in the usual order (EAX ECX EDX EBX ESP EBP ESI EDI), -1 when absent. 16-bit forms use
   * base BX/BP/SI/DI and index SI/DI, scale 0.
   */
  base = -1;
  index = -1;
  scale = 0;
  /** Displacement as int32 (sign-extended disp8/disp16; moffs offset zero-extended). */
  disp = 0;
  /**
   * First immediate as int32: Ib/Iw and 16-bit Iz zero-extended, 32-bit values as their int32
   * bit pattern; sign-extended for F.SX ops and for Jb/Jz (relative to the next instruction).
   * Far pointers (Ap): the offset. D0/D1 shifts: 1.
   */
  imm = 0;
  /** Second immediate: enter's Ib (nesting level), far pointer selector. */
  imm2 = 0;
}
