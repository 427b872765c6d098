// The MC146818 RTC and its 128 bytes of CMOS at 0x70/0x71: time from a configurable base
// advanced by the virtual clock, BCD/binary and 12/24h formats, UIP, and the periodic, alarm
// and update-ended interrupts on IRQ8. Flags are computed lazily; timers run only for enabled IRQs.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import { Timer, type VirtualClock } from './clock.js';
import type { IrqLine } from './irq.js';
import type { VMStateDescription } from '../memory/index.js';

export const RTC_SECONDS = 0x00;
export const RTC_SECONDS_ALARM = 0x01;
export const RTC_MINUTES = 0x02;
export const RTC_MINUTES_ALARM = 0x03;
export const RTC_HOURS = 0x04;
export const RTC_HOURS_ALARM = 0x05;
export const RTC_DAY_OF_WEEK = 0x06;
export const RTC_DAY_OF_MONTH = 0x07;
export const RTC_MONTH = 0x08;
export const RTC_YEAR = 0x09;
export const RTC_REG_A = 0x0a;
export const RTC_REG_B = 0x0b;
export const RTC_REG_C = 0x0c;
/** CMOS shutdown status byte (what a BIOS does after a reset). */
export const RTC_SHUTDOWN_STATUS = 0x0f;
export const RTC_REG_D = 0x0d;
/** Century byte, where QEMU's pc (and SeaBIOS) keep it. */
export const RTC_CENTURY = 0x32;

const REG_A_UIP = 0x80;
const REG_B_SET = 0x80;
const REG_B_PIE = 0x40;
const REG_B_AIE = 0x20;
const REG_B_UIE = 0x10;
const REG_B_SQWE = 0x08;
const REG_B_DM = 0x04;
const REG_B_24H = 0x02;
const REG_C_IRQF = 0x80;
const REG_C_PF = 0x40;
const REG_C_AF = 0x20;
const REG_C_UF = 0x10;

const NS = 1e9;
const RTC_FREQ = 32768;
/** UIP is set this long before each update (8 cycles of 32.768 kHz, 244 us), as QEMU does. */
const UIP_HOLD_NS = (8 * NS) / RTC_FREQ;
/** Default base time: 2000-01-01 00:00:00, so runs are reproducible. */
export const RTC_DEFAULT_BASE = Date.UTC(2000, 0, 1) / 1000;

/** Whole 32.768 kHz cycles in ns nanoseconds (exact for large ns). */
function nsToCycles(ns: number): number {
  const q = Math.floor(ns / NS);
  return q * RTC_FREQ + Math.floor(((ns - q * NS) * RTC_FREQ) / NS);
}

/** First whole ns at which cycle n has happened. */
function cyclesToNs(n: number): number {
  const a = Math.floor(n / RTC_FREQ);
  return a * NS + Math.ceil(((n - a * RTC_FREQ) * NS) / RTC_FREQ);
}

export interface RtcOptions {
  /**
   * The RTC's wall-clock time at virtual time 0, in seconds since 1970-01-01 counted in the RTC's
   * own time zone (the broken-down fields are taken as UTC). The machine passes host local time
   * for `-rtc base=localtime`; the default is RTC_DEFAULT_BASE.
   */
  baseTime?: number;
  /** Told whenever the NMI mask bit (port 0x70 bit 7) is written. */
  onNmiMask?: (masked: boolean) => void;
}

/** The registers holding the date and time (kept in step with the virtual clock). */
function isTimeField(i: number): boolean {
  return i <= RTC_YEAR ? i % 2 === 0 || i >= RTC_DAY_OF_WEEK : i === RTC_CENTURY;
}

/** The RTC and CMOS RAM (QEMU's vmstate_rtc); its timers' deadlines travel with the clock. */
export const RTC_VMSTATE: VMStateDescription = {
  name: 'mc146818rtc',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'cmos', type: 'buffer' },
    { name: 'index', type: 'uint8' },
    { name: 'nmiMasked', type: 'bool' },
    { name: 'phaseNs', type: 'float64' },
    { name: 'baseSec', type: 'float64' },
    { name: 'syncedSec', type: 'float64' },
    { name: 'syncedPeriod', type: 'float64' },
    { name: 'dividerStartNs', type: 'float64' },
  ],
  unmigrated: ['iobase'],
};

export class Mc146818Rtc {
  readonly iobase = 0x70;
  readonly region: MemoryRegion;
  readonly cmos = new Uint8Array(128);
  index = 0;
  /** Port 0x70 bit 7: NMIs are masked while set (the CPU side asks the machine). */
  nmiMasked = false;
  /** A second-boundary instant of the divider chain (ns of virtual time). */
  private phaseNs = 0;
  /** Guest time in seconds at phaseNs (meaningful while running). */
  private baseSec: number;
  /** Flags computed up to this guest second / periodic step. */
  private syncedSec = 0;
  private syncedPeriod = 0;
  /** When the 32.768 kHz divider last started (periodic interrupts count from here). */
  private dividerStartNs = 0;
  private readonly updateTimer: Timer;
  private readonly periodicTimer: Timer;

  constructor(
    sys: MemorySystem,
    readonly clock: VirtualClock,
    /** IRQ8: high while IRQF is set (cleared by reading register C). */
    readonly irq: IrqLine | null,
    private readonly opts: RtcOptions = {},
  ) {
    this.baseSec = Math.floor(opts.baseTime ?? RTC_DEFAULT_BASE);
    this.updateTimer = new Timer(clock, () => this.onTimer());
    this.periodicTimer = new Timer(clock, () => this.onTimer());
    this.region = MemoryRegion.io(sys, 'mc146818rtc', 'rtc-index', 2, {
      read: (addr) => (addr === 0 ? 0xff : this.readData()), // the index port is write-only
      write: (addr, value) => (addr === 0 ? this.writeIndex(value & 0xff) : this.writeData(value & 0xff)),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    this.cmos[RTC_REG_A] = 0x26; // 32.768 kHz divider, 1024 Hz periodic rate
    this.cmos[RTC_REG_B] = REG_B_24H;
    this.cmos[RTC_REG_D] = 0x80; // valid RAM and time
    this.phaseNs = clock.nowNs;
    this.dividerStartNs = clock.nowNs;
    this.syncedSec = this.baseSec;
    this.storeTime(this.baseSec);
    sys.vmstate.register(RTC_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }

  /** For the machine: memory sizes, boot order, equipment bytes... */
  setCmos(index: number, value: number): void {
    this.cmos[index & 0x7f] = value & 0xff;
  }

  getCmos(index: number): number {
    return this.cmos[index & 0x7f]!;
  }

  // ---- time keeping ----

  private get dividerRunning(): boolean {
    return (this.cmos[RTC_REG_A]! & 0x70) === 0x20;
  }

  /** The clock advances: divider running and SET clear. */
  private get running(): boolean {
    return this.dividerRunning && !(this.cmos[RTC_REG_B]! & REG_B_SET);
  }

  /** Guest seconds now (while running). */
  private currentSec(now = this.clock.nowNs): number {
    return this.baseSec + Math.floor((now - this.phaseNs) / NS);
  }

  /** The last second boundary at or before now. */
  private lastBoundaryNs(now: number): number {
    return this.phaseNs + Math.floor((now - this.phaseNs) / NS) * NS;
  }

  private toReg(v: number): number {
    return this.cmos[RTC_REG_B]! & REG_B_DM ? v : ((Math.floor(v / 10) % 10) << 4) | v % 10;
  }

  private fromReg(v: number): number {
    return this.cmos[RTC_REG_B]! & REG_B_DM ? v : (v >> 4) * 10 + (v & 0xf);
  }

  private hourToReg(h: number): number {
    if (this.cmos[RTC_REG_B]! & REG_B_24H) return this.toReg(h);
    return this.toReg(h % 12 || 12) | (h >= 12 ? 0x80 : 0);
  }

  private hourFromReg(v: number): number {
    if (this.cmos[RTC_REG_B]! & REG_B_24H) return this.fromReg(v);
    return (this.fromReg(v & 0x7f) % 12) + (v & 0x80 ? 12 : 0);
  }

  /** Write the broken-down time of guest second `sec` into the CMOS time registers. */
  private storeTime(sec: number): void {
    const d = new Date(sec * 1000);
    const c = this.cmos;
    c[RTC_SECONDS] = this.toReg(d.getUTCSeconds());
    c[RTC_MINUTES] = this.toReg(d.getUTCMinutes());
    c[RTC_HOURS] = this.hourToReg(d.getUTCHours());
    c[RTC_DAY_OF_WEEK] = this.toReg(d.getUTCDay() + 1); // 1 = Sunday
    c[RTC_DAY_OF_MONTH] = this.toReg(d.getUTCDate());
    c[RTC_MONTH] = this.toReg(d.getUTCMonth() + 1);
    c[RTC_YEAR] = this.toReg(d.getUTCFullYear() % 100);
    c[RTC_CENTURY] = this.toReg(Math.floor(d.getUTCFullYear() / 100));
  }

  /** The guest second the CMOS time registers describe. */
  private loadTime(): number {
    const c = this.cmos;
    const year = this.fromReg(c[RTC_CENTURY]!) * 100 + this.fromReg(c[RTC_YEAR]!);
    const ms = Date.UTC(
      year,
      this.fromReg(c[RTC_MONTH]!) - 1,
      this.fromReg(c[RTC_DAY_OF_MONTH]!),
      this.hourFromReg(c[RTC_HOURS]!),
      this.fromReg(c[RTC_MINUTES]!),
      this.fromReg(c[RTC_SECONDS]!),
    );
    // Date.UTC maps years 0-99 to 1900-1999; set the year explicitly.
    const d = new Date(ms);
    d.setUTCFullYear(year);
    return Math.floor(d.getTime() / 1000);
  }

  /** Take the time registers as the current time, keeping the divider's phase. */
  private setTimeFromRegs(): void {
    const now = this.clock.nowNs;
    this.phaseNs = this.lastBoundaryNs(now);
    this.baseSec = this.loadTime();
    this.syncedSec = this.baseSec;
  }

  private updateInProgress(): boolean {
    if (!this.running) return false;
    const sub = (this.clock.nowNs - this.phaseNs) % NS;
    return sub >= NS - UIP_HOLD_NS;
  }

  // ---- interrupt flags ----

  private periodCycles(): number {
    let rs = this.cmos[RTC_REG_A]! & 0x0f;
    if (rs === 0) return 0;
    if (rs <= 2) rs += 7; // rates 1 and 2 repeat 8 and 9 with a 32.768 kHz time base
    return 1 << (rs - 1);
  }

  private periodIndex(now: number): number {
    const p = this.periodCycles();
    return p ? Math.floor(nsToCycles(now - this.dividerStartNs) / p) : 0;
  }

  private alarmMatches(sec: number): boolean {
    const c = this.cmos;
    const d = new Date(sec * 1000);
    const match = (alarm: number, value: number, reg: (v: number) => number) =>
      (alarm & 0xc0) === 0xc0 || alarm === reg(value); // 11xxxxxx is "don't care"
    return (
      match(c[RTC_SECONDS_ALARM]!, d.getUTCSeconds(), (v) => this.toReg(v)) &&
      match(c[RTC_MINUTES_ALARM]!, d.getUTCMinutes(), (v) => this.toReg(v)) &&
      match(c[RTC_HOURS_ALARM]!, d.getUTCHours(), (v) => this.hourToReg(v))
    );
  }

  /** Set PF / UF / AF for every periodic step and update that happened since the last sync. */
  private syncFlags(): void {
    const now = this.clock.nowNs;
    let flags = 0;
    if (this.dividerRunning && this.periodCycles()) {
      const k = this.periodIndex(now);
      if (k > this.syncedPeriod) flags |= REG_C_PF;
      this.syncedPeriod = k;
    }
    if (this.running) {
      const sec = this.currentSec(now);
      if (sec > this.syncedSec) {
        flags |= REG_C_UF;
        // Any alarm pattern recurs within a day, so a day of seconds is enough to look at.
        for (let s = Math.max(this.syncedSec + 1, sec - 86400); s <= sec; s++) {
          if (this.alarmMatches(s)) {
            flags |= REG_C_AF;
            break;
          }
        }
        this.syncedSec = sec;
      }
    }
    this.cmos[RTC_REG_C]! |= flags;
  }

  /** IRQF: some flag is set whose interrupt is enabled (the datasheet's IRQ logic). */
  private irqf(): number {
    const c = this.cmos;
    return c[RTC_REG_C]! & c[RTC_REG_B]! & (REG_C_PF | REG_C_AF | REG_C_UF) ? REG_C_IRQF : 0;
  }

  /** Recompute IRQF and drive IRQ8 with it. */
  private updateIrq(): void {
    const f = this.irqf();
    this.cmos[RTC_REG_C] = (this.cmos[RTC_REG_C]! & ~REG_C_IRQF) | f;
    this.irq?.set(f !== 0);
  }

  /**
   * System reset (QEMU's rtc_resetdev): the shutdown status byte is cleared unless it holds
   * 0xfe (a guest's suspend marker), the periodic, alarm and square-wave enables and the
   * interrupt flags are cleared, and IRQ8 falls. The time, the divider, the update-ended
   * enable and the other CMOS bytes stay.
   */
  reset(): void {
    this.syncFlags(); // flags are found lazily: what happened before the reset is cleared too
    const c = this.cmos;
    if (c[RTC_SHUTDOWN_STATUS] !== 0xfe) c[RTC_SHUTDOWN_STATUS] = 0;
    c[RTC_REG_B]! &= ~(REG_B_PIE | REG_B_AIE | REG_B_SQWE);
    c[RTC_REG_C]! &= ~(REG_C_UF | REG_C_IRQF | REG_C_PF | REG_C_AF);
    this.rearm();
    this.irq?.set(false);
  }

  /** Arm timers only for enabled interrupts; disabled flags are found lazily on reads. */
  private rearm(): void {
    const now = this.clock.nowNs;
    const b = this.cmos[RTC_REG_B]!;
    if (this.running && b & (REG_B_UIE | REG_B_AIE)) {
      this.updateTimer.modNs(this.lastBoundaryNs(now) + NS);
    } else {
      this.updateTimer.del();
    }
    const p = this.periodCycles();
    if (this.dividerRunning && p && b & REG_B_PIE) {
      const k = this.periodIndex(now);
      this.periodicTimer.modNs(this.dividerStartNs + cyclesToNs((k + 1) * p));
    } else {
      this.periodicTimer.del();
    }
  }

  private onTimer(): void {
    this.syncFlags();
    this.updateIrq();
    this.rearm();
  }

  // ---- port accesses ----

  private writeIndex(v: number): void {
    this.index = v & 0x7f;
    const masked = (v & 0x80) !== 0;
    this.nmiMasked = masked;
    this.opts.onNmiMask?.(masked);
  }

  private readData(): number {
    const i = this.index;
    const c = this.cmos;
    if (isTimeField(i)) {
      if (this.running) this.storeTime(this.currentSec());
      return c[i]!;
    }
    switch (i) {
      case RTC_REG_A:
        return (c[i]! & ~REG_A_UIP) | (this.updateInProgress() ? REG_A_UIP : 0);
      case RTC_REG_C: {
        // Flags that came due since the last timer event are reported, without first
        // pulsing the line (the PIC would latch a spurious edge).
        this.syncFlags();
        const v = (c[i]! & ~REG_C_IRQF) | this.irqf();
        c[i] = 0; // reading C acknowledges every flag
        this.updateIrq();
        return v;
      }
      default:
        return c[i]!;
    }
  }

  private writeData(v: number): void {
    const i = this.index;
    const c = this.cmos;
    if (isTimeField(i)) {
      if (this.running) {
        // Bring the other fields up to date, then take them all as the new time.
        this.syncFlags();
        this.storeTime(this.currentSec());
        c[i] = v;
        this.setTimeFromRegs();
        this.rearm();
      } else {
        c[i] = v;
      }
      return;
    }
    switch (i) {
      case RTC_REG_A: {
        this.syncFlags();
        const wasRunning = this.dividerRunning;
        const wasClock = this.running;
        if (wasClock) this.storeTime(this.currentSec());
        c[i] = (v & ~REG_A_UIP) | (c[i]! & REG_A_UIP);
        const now = this.clock.nowNs;
        if (!wasRunning && this.dividerRunning) {
          // Leaving divider reset: the first update comes half a second later (datasheet).
          this.dividerStartNs = now;
          this.phaseNs = now + NS / 2 - NS;
          this.baseSec = this.loadTime();
          this.syncedSec = this.baseSec;
        }
        this.syncedPeriod = this.periodIndex(now);
        this.updateIrq();
        this.rearm();
        return;
      }
      case RTC_REG_B: {
        this.syncFlags();
        const old = c[i]!;
        if (v & REG_B_SET) {
          // Freeze: the registers keep the time at the moment SET went up.
          if (this.running) this.storeTime(this.currentSec());
          v &= ~REG_B_UIE; // as QEMU: no update interrupts while setting the time
        } else if (this.running && (old ^ v) & (REG_B_DM | REG_B_24H)) {
          c[i] = v; // format change: re-encode the current time in the new format
          this.storeTime(this.currentSec());
        }
        c[i] = v;
        if (old & REG_B_SET && !(v & REG_B_SET) && this.dividerRunning) this.setTimeFromRegs();
        this.updateIrq(); // a flag already set raises IRQ8 as soon as it is enabled
        this.rearm();
        return;
      }
      case RTC_REG_C:
      case RTC_REG_D:
        return; // read-only
      default:
        c[i] = v;
    }
  }
}
