// The CPU mode bits a translated block depends on (QEMU's hflags for x86): a block is reused
// only where they are equal, and code generation specialises on them.

import { R_DS, R_ES, R_SS } from '../constants.js';
import type { CPUX86State } from '../cpu-state.js';

export const TBF_CODE32 = 1 << 0;
export const TBF_SS32 = 1 << 1;
export const TBF_PE = 1 << 2;
export const TBF_VM86 = 1 << 3;
export const TBF_CPL_SHIFT = 4; // two bits
export const TBF_MMU_SHIFT = 6; // two bits
/** DS, ES and SS are flat: base 0, 4 GiB, readable and writable (no per-access checks). */
export const TBF_FLAT = 1 << 8;

function isFlat(s: CPUX86State, seg: number): boolean {
  return s.segBase[seg] === 0 && s.segLo[seg] === 0 && s.segHi[seg] === 0xffffffff && s.segReadable[seg] === 1 && s.segWritable[seg] === 1;
}

export function computeTbFlags(s: CPUX86State): number {
  let f = (s.cpl << TBF_CPL_SHIFT) | (s.mmuIdx << TBF_MMU_SHIFT);
  if (s.code32) f |= TBF_CODE32;
  if (s.ss32) f |= TBF_SS32;
  if (s.pe) f |= TBF_PE;
  if (s.vm86) f |= TBF_VM86;
  if (isFlat(s, R_DS) && isFlat(s, R_ES) && isFlat(s, R_SS)) f |= TBF_FLAT;
  return f;
}
