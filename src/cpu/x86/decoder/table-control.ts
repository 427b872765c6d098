// Opcode rows for control transfer: jumps, conditional branches, loops, calls, returns,
// software interrupts, iret, enter/leave and bound.
import { END, F, type OpRow, row, grp, range } from './op-flags.js';

export const CONTROL_ROWS: readonly OpRow[] = [
  row(0x62, 'bound', ['Gv', 'Ma']),
  ...range(0x70, 16, 'jcc', ['Jb'], { end: END.BRANCH }),
  row(0x9a, 'callf', ['Ap'], { end: END.CALL, flags: F.FAR }),
  row(0xc2, 'ret', ['Iw'], { end: END.RET, flags: F.INDIRECT }),
  row(0xc3, 'ret', [], { end: END.RET, flags: F.INDIRECT }),
  row(0xc8, 'enter', ['Iw', 'Ib']),
  row(0xc9, 'leave'),
  row(0xca, 'retf', ['Iw'], { end: END.RET, flags: F.FAR | F.INDIRECT }),
  row(0xcb, 'retf', [], { end: END.RET, flags: F.FAR | F.INDIRECT }),
  row(0xcc, 'int3', [], { end: END.INT }),
  row(0xcd, 'int', ['Ib'], { end: END.INT }),
  row(0xce, 'into', [], { end: END.INT }),
  row(0xcf, 'iret', [], { end: END.IRET, flags: F.FAR | F.INDIRECT }),
  row(0xe0, 'loopnz', ['Jb'], { end: END.BRANCH }),
  row(0xe1, 'loopz', ['Jb'], { end: END.BRANCH }),
  row(0xe2, 'loop', ['Jb'], { end: END.BRANCH }),
  row(0xe3, 'jcxz', ['Jb'], { end: END.BRANCH }),
  row(0xe8, 'call', ['Jz'], { end: END.CALL }),
  row(0xe9, 'jmp', ['Jz'], { end: END.JUMP }),
  row(0xea, 'jmpf', ['Ap'], { end: END.JUMP, flags: F.FAR }),
  row(0xeb, 'jmp', ['Jb'], { end: END.JUMP }),
  // int1 (icebp): undocumented single-byte debug trap.
  row(0xf1, 'int1', [], { end: END.INT, flags: F.UNDOC }),
  grp(0xff, 2, 'call', ['Ev'], { end: END.CALL, flags: F.INDIRECT }),
  grp(0xff, 3, 'callf', ['Mp'], { end: END.CALL, flags: F.FAR | F.INDIRECT }),
  grp(0xff, 4, 'jmp', ['Ev'], { end: END.JUMP, flags: F.INDIRECT }),
  grp(0xff, 5, 'jmpf', ['Mp'], { end: END.JUMP, flags: F.FAR | F.INDIRECT }),
  ...range(0x180, 16, 'jcc', ['Jz'], { end: END.BRANCH }),
];
