// Opcode rows for the MMX instructions (0F 60-7F, 0F D1-FE without the SSE/MMXEXT ones) and
// fxsave/fxrstor (0F AE /0 /1). P = MMX register in ModRM.reg, Q = MMX register or memory,
// N = MMX register (memory is #UD; the CPU checks). Prefixed (66/F2/F3) forms decode here with
// the same length as their SSE meanings; the CPU raises #UD for them.
import { type OpRow, row, grp } from './op-flags.js';

const PQ = ['Pq', 'Qq'];
/** Binary MMX ops `op mm, mm/m64`, by opcode. */
const BINARY: readonly [number, string][] = [
  [0x163, 'packsswb'],
  [0x164, 'pcmpgtb'], [0x165, 'pcmpgtw'], [0x166, 'pcmpgtd'], [0x167, 'packuswb'],
  [0x168, 'punpckhbw'], [0x169, 'punpckhwd'], [0x16a, 'punpckhdq'], [0x16b, 'packssdw'],
  [0x174, 'pcmpeqb'], [0x175, 'pcmpeqw'], [0x176, 'pcmpeqd'],
  [0x1d1, 'psrlw'], [0x1d2, 'psrld'], [0x1d3, 'psrlq'], [0x1d5, 'pmullw'],
  [0x1d8, 'psubusb'], [0x1d9, 'psubusw'], [0x1db, 'pand'], [0x1dc, 'paddusb'], [0x1dd, 'paddusw'], [0x1df, 'pandn'],
  [0x1e1, 'psraw'], [0x1e2, 'psrad'], [0x1e5, 'pmulhw'],
  [0x1e8, 'psubsb'], [0x1e9, 'psubsw'], [0x1eb, 'por'], [0x1ec, 'paddsb'], [0x1ed, 'paddsw'], [0x1ef, 'pxor'],
  [0x1f1, 'psllw'], [0x1f2, 'pslld'], [0x1f3, 'psllq'], [0x1f5, 'pmaddwd'],
  [0x1f8, 'psubb'], [0x1f9, 'psubw'], [0x1fa, 'psubd'], [0x1fc, 'paddb'], [0x1fd, 'paddw'], [0x1fe, 'paddd'],
];
/** Shifts by an immediate: 0F 71 (words), 72 (dwords), 73 (qword), by ModRM.reg. */
const SHIFT_IMM: readonly [number, number, string][] = [
  [0x171, 2, 'psrlw'], [0x171, 4, 'psraw'], [0x171, 6, 'psllw'],
  [0x172, 2, 'psrld'], [0x172, 4, 'psrad'], [0x172, 6, 'pslld'],
  [0x173, 2, 'psrlq'], [0x173, 6, 'psllq'],
];

export const MMX_ROWS: readonly OpRow[] = [
  // The low unpacks read 32 bits of a memory source.
  row(0x160, 'punpcklbw', ['Pq', 'Qd']),
  row(0x161, 'punpcklwd', ['Pq', 'Qd']),
  row(0x162, 'punpckldq', ['Pq', 'Qd']),
  ...BINARY.map(([opc, m]) => row(opc, m, PQ)),
  ...SHIFT_IMM.map(([opc, ext, m]) => grp(opc, ext, m, ['Nq', 'Ib'])),
  row(0x16e, 'movd', ['Pq', 'Ed']),
  row(0x16f, 'movq', ['Pq', 'Qq']),
  row(0x177, 'emms'),
  row(0x17e, 'movd', ['Ed', 'Pq']),
  row(0x17f, 'movq', ['Qq', 'Pq']),
  grp(0x1ae, 0, 'fxsave', ['M'], { level: 686 }),
  grp(0x1ae, 1, 'fxrstor', ['M'], { level: 686 }),
];
