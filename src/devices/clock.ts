// The deterministic virtual clock (guest time in nanoseconds, set by the machine from the
// executed-instruction count) and its timers (QEMU's QEMUClock and QEMUTimer).

import type { VMStateDescription } from '../memory/index.js';

/**
 * Guest time and every timer's deadline (QEMU migrates each timer inside its device; here the
 * clock owns the list, so the order of timers with equal deadlines travels too). Timers are
 * named by creation order, the same on both sides of a migration of one configuration.
 */
export const CLOCK_VMSTATE: VMStateDescription = {
  name: 'timers',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'now', type: 'float64' },
    {
      // Per timer: its deadline, then its place in the armed list (-1: not armed).
      name: 'timers',
      type: 'float64-list',
      get: (c: VirtualClock) => c.timers.flatMap((t) => [t.expireNs, t.armed ? c.activeIndex(t) : -1]),
      set: (c: VirtualClock, v: number[]) => c.restoreTimers(v),
      check: (c: VirtualClock, v: number[]) =>
        v.length === c.timers.length * 2 ? null : `${v.length / 2} timers in the stream, ${c.timers.length} here`,
    },
  ],
  unmigrated: ['active'],
};

/**
 * Guest time. It moves when the machine calls advanceTo() and, while the CPU runs, with the
 * machine's live source (QEMU's icount clock: a device sees the exact instruction count at the
 * access); expired timers run only when the machine calls runExpired() (or runUntil()), so a
 * run is reproducible byte for byte.
 */
export class VirtualClock {
  private now = 0;
  /** Armed timers, earliest deadline first; ties keep arming order (stable). */
  private readonly active: Timer[] = [];
  /** Every timer created on this clock, in creation order (for migration). */
  readonly timers: Timer[] = [];
  private source: (() => number) | null = null;
  /**
   * Told when a timer becomes the earliest one (QEMU's timerlist_notify, which kicks the
   * vCPU under icount): a CPU loop running on a budget computed from the old deadline must
   * stop early to honour the new one.
   */
  onEarliestChanged: ((expireNs: number) => void) | null = null;

  get nowNs(): number {
    const s = this.source;
    if (s !== null) {
      const t = s();
      if (t > this.now) this.now = t;
    }
    return this.now;
  }

  /**
   * Take time from `source` (guest ns, never decreasing) whenever it is read, so a device
   * accessed in the middle of a CPU slice sees the time of that instruction.
   */
  setSource(source: (() => number) | null): void {
    this.source = source;
  }

  /** Move guest time forward. Time never goes back (a device would see a negative delta). */
  advanceTo(ns: number): void {
    if (!(ns >= this.now)) throw new RangeError(`virtual clock cannot go back from ${this.now} to ${ns}`);
    this.now = ns;
  }

  /** Deadline of the earliest armed timer, Infinity when none (the CPU may run until then). */
  nextDeadlineNs(): number {
    return this.active.length > 0 ? this.active[0]!.expireNs : Infinity;
  }

  /** Deadline of the earliest timer that can wake a halted guest (background ones cannot). */
  nextWakeDeadlineNs(): number {
    for (const t of this.active) if (!t.background) return t.expireNs;
    return Infinity;
  }

  /**
   * Run every timer whose deadline is at or before now, in deadline order. A callback may
   * re-arm its timer (or others); a re-armed timer that is already due runs again in this call.
   * Returns the number of callbacks run.
   */
  runExpired(): number {
    let n = 0;
    const a = this.active;
    const now = this.nowNs;
    while (a.length > 0 && a[0]!.expireNs <= now) {
      const t = a.shift()!;
      t.armed = false;
      n++;
      t.callback();
    }
    return n;
  }

  /**
   * Advance to `ns` stopping at each timer deadline on the way, so every callback sees
   * nowNs equal to its own deadline (what a machine idling in HLT wants, and what tests use).
   */
  runUntil(ns: number): number {
    let n = 0;
    for (;;) {
      const next = this.nextDeadlineNs();
      if (next > ns) break;
      if (next > this.now) this.now = next;
      n += this.runExpired();
    }
    this.advanceTo(ns);
    return n;
  }

  /**
   * @internal Insert a timer in deadline order (after equal deadlines). The list is moved by
   * hand rather than with splice, which allocates its result: a timer re-armed on every PIT
   * tick must not make garbage.
   */
  insert(t: Timer): void {
    const a = this.active;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]!.expireNs <= t.expireNs) lo = mid + 1;
      else hi = mid;
    }
    a.push(t);
    for (let i = a.length - 1; i > lo; i--) a[i] = a[i - 1]!;
    a[lo] = t;
    if (lo === 0) this.onEarliestChanged?.(t.expireNs);
  }

  /** @internal Position of an armed timer in the deadline-ordered list. */
  activeIndex(t: Timer): number {
    return this.active.indexOf(t);
  }

  /** @internal Re-arm every timer as saved by CLOCK_VMSTATE (deadline, list position). */
  restoreTimers(v: number[]): void {
    this.active.length = 0;
    const armed: [number, Timer][] = [];
    this.timers.forEach((t, i) => {
      t.expireNs = v[i * 2]!;
      t.armed = v[i * 2 + 1]! >= 0;
      if (t.armed) armed.push([v[i * 2 + 1]!, t]);
    });
    armed.sort((a, b) => a[0] - b[0]);
    for (const [, t] of armed) this.active.push(t);
    if (this.active.length > 0) this.onEarliestChanged?.(this.active[0]!.expireNs);
  }

  /** @internal Remove an armed timer. */
  remove(t: Timer): void {
    const a = this.active;
    const i = a.indexOf(t);
    if (i < 0) return;
    for (let j = i; j < a.length - 1; j++) a[j] = a[j + 1]!;
    a.pop();
  }
}

/**
 * A one-shot timer owned by a device. The object is created once and re-armed with modNs():
 * nothing is allocated per tick.
 */
export class Timer {
  /** Deadline in ns; meaningful while pending. */
  expireNs = 0;
  /** @internal Set by the clock. */
  armed = false;
  /**
   * A host-side chore such as a display refresh: it runs at its guest time, but a guest halted
   * with nothing else armed is not kept waiting for it (nextWakeDeadlineNs skips it).
   */
  background = false;

  constructor(
    readonly clock: VirtualClock,
    readonly callback: () => void,
  ) {
    clock.timers.push(this);
  }

  get pending(): boolean {
    return this.armed;
  }

  /** Arm (or move) the timer to fire at `expireNs` (QEMU's timer_mod_ns). */
  modNs(expireNs: number): void {
    if (Number.isNaN(expireNs)) throw new RangeError('timer deadline is NaN');
    if (this.armed) this.clock.remove(this);
    this.expireNs = expireNs;
    this.armed = true;
    this.clock.insert(this);
  }

  /** Disarm (QEMU's timer_del); harmless when not armed. */
  del(): void {
    if (!this.armed) return;
    this.clock.remove(this);
    this.armed = false;
  }
}
