// MMX registers aliased on the x87 register file (SDM vol. 1, 9.5): MMn is the significand of
// physical register Rn. Only this file touches the register representation for MMX, through
// X87State's fields, so a change of that representation has one place to follow here.

import { f80 } from './floatx80.js';
import type { X87State } from './x87-state.js';

/** MMn as an unsigned 64-bit value. */
export function mmxGet(x: X87State, n: number): bigint {
  return x.regs[n & 7]!.low;
}

/** Write MMn: the significand, and the sign/exponent field set to all ones (SDM 9.5.1). */
export function mmxSet(x: X87State, n: number, v: bigint): void {
  x.regs[n & 7] = f80(0xffff, v);
}

/** Every MMX instruction but emms: TOP = 0 and every register tagged valid. */
export function mmxEnter(x: X87State): void {
  x.top = 0;
  x.tags.fill(0);
}

/** emms: every register tagged empty. */
export function mmxEmms(x: X87State): void {
  x.tags.fill(1);
}
