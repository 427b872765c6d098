// Public face of the x86 decoder: decode(), the Insn record, the op table and the formatter.
export { decode } from './decode.js';
export { Insn, SEG, REP, type CodeReader } from './insn.js';
export { END, F, type Level } from './op-flags.js';
export { formatInsn } from './format.js';
export { OPS, OP, OP_INVALID, OP_TOO_LONG, OP_COUNT, OP_FLAGS, OP_END, OP_IMM, IMM, opId, type OpInfo } from './table.js';
