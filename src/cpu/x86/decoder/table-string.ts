// Opcode rows for the string instructions (X = DS:rSI, overridable; Y = ES:rDI, fixed).
// REP/REPE/REPNE arrive in Insn.rep; the address size picks SI/DI/CX or ESI/EDI/ECX.
import { F, type OpRow, row } from './op-flags.js';

export const STRING_ROWS: readonly OpRow[] = [
  row(0x6c, 'ins', ['Yb', 'DX'], { flags: F.IOPL }),
  row(0x6d, 'ins', ['Yz', 'DX'], { flags: F.IOPL }),
  row(0x6e, 'outs', ['DX', 'Xb'], { flags: F.IOPL }),
  row(0x6f, 'outs', ['DX', 'Xz'], { flags: F.IOPL }),
  row(0xa4, 'movs', ['Yb', 'Xb']),
  row(0xa5, 'movs', ['Yv', 'Xv']),
  row(0xa6, 'cmps', ['Xb', 'Yb']),
  row(0xa7, 'cmps', ['Xv', 'Yv']),
  row(0xaa, 'stos', ['Yb', 'AL']),
  row(0xab, 'stos', ['Yv', 'eAX']),
  row(0xac, 'lods', ['AL', 'Xb']),
  row(0xad, 'lods', ['eAX', 'Xv']),
  row(0xae, 'scas', ['AL', 'Yb']),
  row(0xaf, 'scas', ['eAX', 'Yv']),
];
