// The APIC timer's counting rules as pure functions of virtual time, so the current count is
// computed when read and the expiry armed on the clock (nothing runs per instruction).

/**
 * The counter decrements once per (2^shift) ns: QEMU clocks the APIC timer at the 1 GHz
 * virtual clock divided by the divide configuration. Returns the shift for a divide register
 * value: bits 0, 1 and 3 give 000b = /2, 001b = /4, ... 110b = /128, 111b = /1 (SDM 10.5.4).
 */
export function divideShift(divideConf: number): number {
  const v = (divideConf & 3) | ((divideConf >> 1) & 4);
  return (v + 1) & 7;
}

/** The divisor itself (for messages and tests). */
export function divideValue(divideConf: number): number {
  return 2 ** divideShift(divideConf);
}

/** Whole counter ticks since the initial count was loaded. */
export function ticksSince(nowNs: number, loadNs: number, shift: number): number {
  return Math.floor((nowNs - loadNs) / 2 ** shift);
}

/**
 * The current-count register. A one-shot count goes initial, initial-1, ... 0 and stays at 0;
 * a periodic count wraps from 0 back to initial, so a period is initial+1 ticks (QEMU's rule:
 * the interrupt is taken on the tick after the count reads 0).
 */
export function currentCount(periodic: boolean, initial: number, ticks: number): number {
  if (periodic) return initial - (ticks % (initial + 1));
  return ticks >= initial ? 0 : initial - ticks;
}

/**
 * When the timer next interrupts after `nowNs` (exclusive of deadlines already passed), or -1
 * if it will not: masked (the count still runs, but nothing is delivered), one-shot already
 * expired, or a zero initial count (which stops the timer in both modes).
 */
export function nextExpiryNs(
  masked: boolean,
  periodic: boolean,
  initial: number,
  loadNs: number,
  shift: number,
  nowNs: number,
): number {
  if (masked) return -1;
  const ticks = ticksSince(nowNs, loadNs, shift);
  let at: number;
  if (periodic) {
    if (initial === 0) return -1;
    const period = initial + 1;
    at = (Math.floor(ticks / period) + 1) * period;
  } else {
    if (ticks >= initial) return -1;
    at = initial + 1;
  }
  return loadNs + at * 2 ** shift;
}
