// Opcode rows for group 2 (rotates and shifts: C0, C1, D0-D3) and the double shifts shld/shrd.
import { type OpRow, row, group8 } from './op-flags.js';

// /6 is undocumented and shifts like /4 (SAL = SHL) on Intel parts; it maps to the same op.
const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'shl', 'sar'] as const;

export const SHIFT_ROWS: readonly OpRow[] = [
  ...group8(0xc0, SHIFTS, ['Eb', 'Ib']),
  ...group8(0xc1, SHIFTS, ['Ev', 'Ib']),
  ...group8(0xd0, SHIFTS, ['Eb', '1']),
  ...group8(0xd1, SHIFTS, ['Ev', '1']),
  ...group8(0xd2, SHIFTS, ['Eb', 'CL']),
  ...group8(0xd3, SHIFTS, ['Ev', 'CL']),
  row(0x1a4, 'shld', ['Ev', 'Gv', 'Ib']),
  row(0x1a5, 'shld', ['Ev', 'Gv', 'CL']),
  row(0x1ac, 'shrd', ['Ev', 'Gv', 'Ib']),
  row(0x1ad, 'shrd', ['Ev', 'Gv', 'CL']),
];
