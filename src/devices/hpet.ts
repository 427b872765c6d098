// The HPET at 0xfed00000 (QEMU 7.2's hw/timer/hpet.c on the pc): a 64-bit main counter at
// 100 MHz of guest time, three comparators (one-shot, periodic, 32-bit mode), routing to a GSI
// or, in legacy-replacement mode, timer 0 to IRQ0 and timer 1 to IRQ8 with the PIT and RTC
// cut off. The registers are 64 bits wide, so the state is kept as bigint.

import { MemoryRegion, type AddressSpace, type MemorySystem, type VMStateDescription } from '../memory/index.js';
import { Timer, type VirtualClock } from './clock.js';
import { IrqLine } from './irq.js';

export const HPET_BASE = 0xfed00000;
export const HPET_LEN = 0x400;
/** Timers the pc's HPET has (QEMU's HPET_MIN_TIMERS, its default). */
export const HPET_NUM_TIMERS = 3;
/** Tick length: 10 ns (100 MHz), reported in femtoseconds. */
const CLK_PERIOD_NS = 10;
const CLK_PERIOD_FS = 10_000_000;
/** Vendor 0x8086, LEG_RT_CAP, COUNT_SIZE_CAP (64-bit), revision 1; the timer count goes in bits 8-12. */
const CAP_BASE = 0x8086a001n;
/** The pc-i440fx HPET advertises GSI 2 alone as a route (QEMU's intcap 0x4 for piix). */
export const HPET_INTCAP_PIIX = 0x4;

const REG_ID = 0x000;
const REG_PERIOD = 0x004;
const REG_CFG = 0x010;
const REG_STATUS = 0x020;
const REG_COUNTER = 0x0f0;
const TN_CFG = 0x00;
const TN_CMP = 0x08;
const TN_ROUTE = 0x10;

export const HPET_CFG_ENABLE = 0x1n;
export const HPET_CFG_LEGACY = 0x2n;
const CFG_WRITE_MASK = 0x3n;
export const HPET_TN_TYPE_LEVEL = 0x002n;
export const HPET_TN_ENABLE = 0x004n;
export const HPET_TN_PERIODIC = 0x008n;
const TN_PERIODIC_CAP = 0x010n;
const TN_SIZE_CAP = 0x020n;
export const HPET_TN_SETVAL = 0x040n;
export const HPET_TN_32BIT = 0x100n;
const TN_INT_ROUTE_MASK = 0x3e00n;
const TN_FSB_ENABLE = 0x4000n;
const TN_CFG_WRITE_MASK = 0x7f4en;
const RTC_ISA_IRQ = 8;

/** ns_to_ticks(INT64_MAX / 2): the farthest a timer is armed. */
const MAX_ARM_TICKS = (2n ** 63n - 1n) / 2n / BigInt(CLK_PERIOD_NS);
const M32 = 0xffffffffn;
const M64 = 0xffffffffffffffffn;
const HI32 = M64 ^ M32;

/** One comparator (QEMU's HPETTimer). Its QEMU timer's deadline travels with the clock. */
export class HpetTimer {
  config = 0n;
  cmp = 0n;
  /** FSB route: the message in the low half, its address in the high half. */
  fsb = 0n;
  /** The last value written to a periodic comparator. */
  period = 0n;
  /** A 32-bit one-shot's first expiry is the counter's wrap; the next is the real match. */
  wrapFlag = 0;
  readonly timer: Timer;

  constructor(
    readonly tn: number,
    clock: VirtualClock,
    expired: (t: HpetTimer) => void,
  ) {
    this.timer = new Timer(clock, () => expired(this));
  }

  get periodic(): boolean {
    return (this.config & HPET_TN_PERIODIC) !== 0n;
  }

  get mode32(): boolean {
    return (this.config & HPET_TN_32BIT) !== 0n;
  }

  get enabled(): boolean {
    return (this.config & HPET_TN_ENABLE) !== 0n;
  }

  get fsbRoute(): boolean {
    return (this.config & TN_FSB_ENABLE) !== 0n;
  }
}

const HPET_TIMER_VMSTATE: VMStateDescription = {
  name: 'hpet_timer',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'config', type: 'uint64' },
    { name: 'cmp', type: 'uint64' },
    { name: 'fsb', type: 'uint64' },
    { name: 'period', type: 'uint64' },
    { name: 'wrapFlag', type: 'uint8' },
  ],
  unmigrated: ['tn'],
};

/**
 * QEMU's vmstate_hpet plus the offset between counter and guest time (QEMU recomputes it from
 * the saved counter; the guest clock travels here, so the offset can go as it is). The hidden
 * fourth timer (see Hpet.timers) goes too.
 */
export const HPET_VMSTATE: VMStateDescription = {
  name: 'hpet',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'config', type: 'uint64' },
    { name: 'isr', type: 'uint64' },
    { name: 'counter', type: 'uint64' },
    { name: 'offset', type: 'uint64' },
    { name: 'rtcIrqLevel', type: 'bool' },
    { name: 'timers', type: 'struct-array', vmsd: HPET_TIMER_VMSTATE },
  ],
  unmigrated: ['capability', 'intcap'],
};

export interface HpetWiring {
  /** The board's GSIs (routes 0-23); routes beyond them go nowhere, as in QEMU. */
  gsi: readonly IrqLine[];
  /** The PIT's channel-0 interrupt on/off (QEMU's pit_enabled line, cut in legacy mode). */
  pitEnabled: (enable: boolean) => void;
  /** Where FSB messages are written (the machine's memory). */
  memory: AddressSpace;
  /** The timers' route capability (bits 32-63 of each timer's configuration). */
  intcap?: number;
}

export class Hpet {
  readonly region: MemoryRegion;
  readonly capability: bigint;
  config = 0n;
  /** Interrupt status: a level-triggered timer's bit stays set until written with 1. */
  isr = 0n;
  /** The counter while disabled (and as last written). */
  counter = 0n;
  /** ns to add to guest time (mod 2^64) so that ns / 10 is the counter, while enabled. */
  offset = 0n;
  /** The RTC's output, re-driven when legacy mode ends. */
  rtcIrqLevel = false;
  /**
   * Timers 0-2 and a fourth: QEMU 7.2 lets `timer_id > num_timers` through for id 3, so the
   * registers at 0x160-0x17f reach a timer its reset never touches. Kept for fidelity.
   */
  readonly timers: HpetTimer[];
  readonly intcap: number;
  /** The PIT's and the RTC's interrupt outputs come in here (QEMU's legacy gpio inputs). */
  readonly pitIrq: IrqLine;
  readonly rtcIrq: IrqLine;

  constructor(
    sys: MemorySystem,
    private readonly clock: VirtualClock,
    private readonly wiring: HpetWiring,
  ) {
    this.intcap = wiring.intcap ?? HPET_INTCAP_PIIX;
    this.capability = CAP_BASE | (BigInt(HPET_NUM_TIMERS - 1) << 8n) | (BigInt(CLK_PERIOD_FS) << 32n);
    this.timers = Array.from({ length: HPET_NUM_TIMERS + 1 }, (_, i) => new HpetTimer(i, clock, (t) => this.expired(t)));
    this.pitIrq = new IrqLine((level) => {
      if (!this.legacy) this.gsiSet(0, level);
    });
    this.rtcIrq = new IrqLine((level) => {
      this.rtcIrqLevel = level;
      if (!this.legacy) this.gsiSet(RTC_ISA_IRQ, level);
    });
    this.region = MemoryRegion.io(sys, 'hpet', 'hpet', HPET_LEN, {
      read: (addr) => this.read(addr),
      write: (addr, value) => this.write(addr, value >>> 0),
      valid: { minAccessSize: 4, maxAccessSize: 4 },
      impl: { minAccessSize: 4, maxAccessSize: 4 },
    });
    this.reset();
    sys.vmstate.register(HPET_VMSTATE, this);
  }

  map(systemMemory: MemoryRegion): void {
    systemMemory.addSubregion(HPET_BASE, this.region);
  }

  /** The fw_cfg HPET entry's event_timer_block_id: the capability's low half. */
  get blockId(): number {
    return Number(this.capability & M32);
  }

  reset(): void {
    for (let i = 0; i < HPET_NUM_TIMERS; i++) {
      const t = this.timers[i]!;
      this.delTimer(t);
      t.cmp = M64;
      t.config = TN_PERIODIC_CAP | TN_SIZE_CAP | (BigInt(this.intcap) << 32n);
      t.period = 0n;
      t.wrapFlag = 0;
    }
    this.wiring.pitEnabled(true);
    this.counter = 0n;
    this.offset = 0n;
    this.config = 0n;
    this.rtcIrqLevel = false;
  }

  private get enabled(): boolean {
    return (this.config & HPET_CFG_ENABLE) !== 0n;
  }

  private get legacy(): boolean {
    return (this.config & HPET_CFG_LEGACY) !== 0n;
  }

  private gsiSet(route: number, level: boolean): void {
    this.wiring.gsi[route]?.set(level);
  }

  private nowNs(): bigint {
    return BigInt(Math.floor(this.clock.nowNs));
  }

  /** The running counter (QEMU's hpet_get_ticks: uint64 arithmetic on ns + offset). */
  private ticks(): bigint {
    return ((this.nowNs() + this.offset) & M64) / BigInt(CLK_PERIOD_NS);
  }

  private read(addr: number): number {
    if (addr >= 0x100) {
      const t = this.timers[(addr - 0x100) >> 5];
      if (!t) return 0;
      switch ((addr - 0x100) & 0x1f) {
        case TN_CFG:
          return lo(t.config);
        case TN_CFG + 4:
          return hi(t.config);
        case TN_CMP:
          return lo(t.cmp);
        case TN_CMP + 4:
          return hi(t.cmp);
        case TN_ROUTE:
          return lo(t.fsb);
        case TN_ROUTE + 4:
          return hi(t.fsb);
        default:
          return 0;
      }
    }
    switch (addr) {
      case REG_ID:
        return lo(this.capability);
      case REG_PERIOD:
        return hi(this.capability);
      case REG_CFG:
        return lo(this.config);
      case REG_COUNTER:
        return lo(this.enabled ? this.ticks() : this.counter);
      case REG_COUNTER + 4:
        return hi(this.enabled ? this.ticks() : this.counter);
      case REG_STATUS:
        return lo(this.isr);
      default:
        return 0;
    }
  }

  private write(addr: number, value: number): void {
    const v = BigInt(value);
    if (addr >= 0x100) {
      const t = this.timers[(addr - 0x100) >> 5];
      if (t) this.writeTimer(t, (addr - 0x100) & 0x1f, v);
      return;
    }
    switch (addr) {
      case REG_CFG:
        this.writeConfig(v);
        break;
      case REG_STATUS: {
        const cleared = v & this.isr;
        for (let i = 0; i < HPET_NUM_TIMERS; i++) if (cleared & (1n << BigInt(i))) this.updateIrq(this.timers[i]!, false);
        break;
      }
      // Writable at any time, as QEMU; while enabled the value only matters once disabled.
      case REG_COUNTER:
        this.counter = (this.counter & HI32) | v;
        break;
      case REG_COUNTER + 4:
        this.counter = (this.counter & M32) | (v << 32n);
        break;
    }
  }

  private writeConfig(v: bigint): void {
    const old = this.config;
    this.config = (old & ~CFG_WRITE_MASK) | (v & CFG_WRITE_MASK);
    if (rising(old, v, HPET_CFG_ENABLE)) {
      // The counter starts from its value where it stopped.
      this.offset = (this.counter * BigInt(CLK_PERIOD_NS) - this.nowNs()) & M64;
      for (let i = 0; i < HPET_NUM_TIMERS; i++) {
        const t = this.timers[i]!;
        if (t.cmp !== M64) this.setTimer(t);
      }
    } else if (falling(old, v, HPET_CFG_ENABLE)) {
      this.counter = this.ticks();
      for (let i = 0; i < HPET_NUM_TIMERS; i++) this.delTimer(this.timers[i]!);
    }
    // Legacy replacement takes IRQ0 and IRQ8 from the PIT and the RTC.
    if (rising(old, v, HPET_CFG_LEGACY)) {
      this.wiring.pitEnabled(false);
      this.gsiSet(0, false);
      this.gsiSet(RTC_ISA_IRQ, false);
    } else if (falling(old, v, HPET_CFG_LEGACY)) {
      this.gsiSet(0, false);
      this.wiring.pitEnabled(true);
      this.gsiSet(RTC_ISA_IRQ, this.rtcIrqLevel);
    }
  }

  private writeTimer(t: HpetTimer, reg: number, v: bigint): void {
    switch (reg) {
      case TN_CFG: {
        const old = t.config;
        if (rising(old, v, TN_FSB_ENABLE)) this.updateIrq(t, false);
        t.config = (old & ~TN_CFG_WRITE_MASK) | (v & TN_CFG_WRITE_MASK);
        if (v & HPET_TN_32BIT) {
          t.cmp &= M32;
          t.period &= M32;
        }
        if (rising(old, v, HPET_TN_ENABLE) && this.enabled) this.setTimer(t);
        else if (falling(old, v, HPET_TN_ENABLE)) this.delTimer(t);
        break;
      }
      case TN_CMP: {
        // A periodic comparator is loaded only with SETVAL; its value is the period either way.
        if (!t.periodic || t.config & HPET_TN_SETVAL) t.cmp = (t.cmp & HI32) | v;
        if (t.periodic) t.period = (t.period & HI32) | (t.mode32 && v > 0x7fffffffn ? 0x7fffffffn : v);
        t.config &= ~HPET_TN_SETVAL;
        if (this.enabled) this.setTimer(t);
        break;
      }
      case TN_CMP + 4: {
        if (!t.periodic || t.config & HPET_TN_SETVAL) t.cmp = (t.cmp & M32) | (v << 32n);
        if (t.periodic) t.period = (t.period & M32) | ((v > 0x7fffffffn ? 0x7fffffffn : v) << 32n);
        t.config &= ~HPET_TN_SETVAL;
        if (this.enabled) this.setTimer(t);
        break;
      }
      case TN_ROUTE:
        t.fsb = (t.fsb & HI32) | v;
        break;
      case TN_ROUTE + 4:
        t.fsb = (t.fsb & M32) | (v << 32n);
        break;
    }
  }

  /** Arm `t` at its comparator, or at the counter's wrap first for a 32-bit one-shot. */
  private setTimer(t: HpetTimer): void {
    const cur = this.ticks();
    t.wrapFlag = 0;
    let diff = calculateDiff(t, cur);
    if (t.mode32 && !t.periodic) {
      const wrapDiff = M32 - (cur & M32);
      if (wrapDiff < (diff & M32)) {
        diff = wrapDiff;
        t.wrapFlag = 1;
      }
    }
    this.arm(t, diff);
  }

  /**
   * Arm `t` `diff` ticks from now. As QEMU 7.2's stable hpet_arm: a distance past INT64_MAX / 2
   * ns (which would overflow the clock) stops the timer instead, so no comparator, however far,
   * can make a periodic timer fire over and over at one instant.
   */
  private arm(t: HpetTimer, diff: bigint): void {
    if (diff >= MAX_ARM_TICKS) t.timer.del();
    else t.timer.modNs(this.clock.nowNs + Number(diff) * CLK_PERIOD_NS);
  }

  private delTimer(t: HpetTimer): void {
    t.timer.del();
    this.updateIrq(t, false);
  }

  /** QEMU's hpet_timer: reload a periodic comparator past the counter, then interrupt. */
  private expired(t: HpetTimer): void {
    const period = t.period;
    const cur = this.ticks();
    if (t.periodic && period !== 0n) {
      t.cmp = t.mode32 ? advance(t.cmp & M32, cur & M32, period & M32, 32) : advance(t.cmp, cur, period, 64);
      this.arm(t, calculateDiff(t, cur));
    } else if (t.mode32 && !t.periodic && t.wrapFlag) {
      this.arm(t, calculateDiff(t, cur));
      t.wrapFlag = 0;
    }
    this.updateIrq(t, true);
  }

  /** QEMU 7.2's update_irq: status bit, line level or pulse, or an FSB message. */
  private updateIrq(t: HpetTimer, set: boolean): void {
    const route = t.tn <= 1 && this.legacy ? (t.tn === 0 ? 0 : RTC_ISA_IRQ) : Number((t.config & TN_INT_ROUTE_MASK) >> 9n);
    const mask = 1n << BigInt(t.tn);
    if (!set || !t.enabled || !this.enabled) {
      this.isr &= ~mask;
      if (!t.fsbRoute) this.gsiSet(route, false);
    } else if (t.fsbRoute) {
      this.wiring.memory.stl(Number((t.fsb >> 32n) & M32), Number(t.fsb & M32));
    } else if (t.config & HPET_TN_TYPE_LEVEL) {
      this.isr |= mask;
      this.gsiSet(route, true);
    } else {
      this.isr &= ~mask;
      this.gsiSet(route, true);
      this.gsiSet(route, false);
    }
  }
}

function lo(v: bigint): number {
  return Number(v & M32);
}

function hi(v: bigint): number {
  return Number((v >> 32n) & M32);
}

function rising(old: bigint, v: bigint, mask: bigint): boolean {
  return (old & mask) === 0n && (v & mask) !== 0n;
}

function falling(old: bigint, v: bigint, mask: bigint): boolean {
  return (old & mask) !== 0n && (v & mask) === 0n;
}

/** Ticks from `cur` to the comparator, at least 1 (QEMU's hpet_calculate_diff). */
function calculateDiff(t: HpetTimer, cur: bigint): bigint {
  const bits = t.mode32 ? 32 : 64;
  const mod = 1n << BigInt(bits);
  const diff = (t.cmp - cur) & (mod - 1n);
  return diff !== 0n && diff < mod >> 1n ? diff : 1n;
}

/**
 * The comparator after QEMU's `while (time_after(cur, cmp)) cmp += period` loop, in closed
 * form: the loop runs while cur - cmp, as a signed `bits`-bit value, is positive (a guest
 * period of 1 with the counter far ahead would take QEMU billions of steps).
 */
export function advance(cmp: bigint, cur: bigint, period: bigint, bits: 32 | 64): bigint {
  const mod = 1n << BigInt(bits);
  const half = mod >> 1n;
  const p = period & (mod - 1n);
  const x = (cur - cmp) & (mod - 1n);
  // Not behind, or a period that is a multiple of 2^32 in 32-bit mode (QEMU would spin forever).
  if (x === 0n || x > half || p === 0n) return cmp;
  // Each step takes p off the distance; a period of 2^(bits-1) or more moves it the other way.
  const k = p < half ? (x + p - 1n) / p : (half - x) / (mod - p) + 1n;
  return (cmp + k * p) & (mod - 1n);
}
