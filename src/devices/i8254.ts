// The 8254 programmable interval timer at 0x40-0x43, clocked at 1.193182 MHz from the virtual
// clock. Counting, latches and gates follow QEMU's hw/timer/i8254.c; OUT levels follow the
// 8254 datasheet (QEMU inverts modes 1, 2, 4, 5). An OUT wired to an IrqLine gets a timer
// armed at its exact next edge.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import { Timer, type VirtualClock } from './clock.js';
import type { IrqLine } from './irq.js';
import type { VMStateDescription } from '../memory/index.js';

export const PIT_FREQ = 1193182;
const NS_PER_S = 1e9;

/** Whole PIT input ticks in `ns` nanoseconds (QEMU's muldiv64, exact beyond 2^53 products). */
export function nsToTicks(ns: number): number {
  const q = Math.floor(ns / NS_PER_S);
  const r = ns - q * NS_PER_S;
  return q * PIT_FREQ + Math.floor((r * PIT_FREQ) / NS_PER_S);
}

/**
 * The first whole nanosecond (after a load) at which tick `n` has happened, i.e. where
 * nsToTicks reaches n. QEMU arms at the floor and, seeing the old level there, re-arms 1 ns
 * later; the edge it shows the guest is at this same time, which we reach in one event.
 */
export function ticksToNs(n: number): number {
  const a = Math.floor(n / PIT_FREQ);
  const b = n - a * PIT_FREQ;
  return a * NS_PER_S + Math.ceil((b * NS_PER_S) / PIT_FREQ);
}

// Read/write sequencing states (the access field of the control word, plus the second byte).
const RW_LSB = 1;
const RW_MSB = 2;
const RW_WORD0 = 3;
const RW_WORD1 = 4;

function toBcd(v: number): number {
  return (v % 10) | (Math.floor(v / 10) % 10) << 4 | (Math.floor(v / 100) % 10) << 8 | (Math.floor(v / 1000) % 10) << 12;
}

function fromBcd(v: number): number {
  return (v & 0xf) + ((v >> 4) & 0xf) * 10 + ((v >> 8) & 0xf) * 100 + ((v >> 12) & 0xf) * 1000;
}

export class PitChannel {
  /** Initial count in effect (1..0x10000 binary, 1..10000 BCD). */
  count = 0x10000;
  latchedCount = 0;
  /** Non-zero while a latched count waits to be read: the rw mode it is read with. */
  countLatched = 0;
  statusLatched = false;
  status = 0;
  /**
   * Access mode and byte sequencing. 0 until the first control word, as on QEMU (its reset
   * leaves them alone): count latches are then ignored and data reads and writes take the low
   * byte only.
   */
  readState = 0;
  writeState = 0;
  writeLatch = 0;
  rwMode = 0;
  /** Mode bits as programmed (0-7); 6 and 7 behave as 2 and 3. */
  mode = 3;
  bcd = false;
  gate = false;
  loadTimeNs = 0;
  /** Next output edge in ns, -1 when the output will not change again. */
  nextTransitionNs = -1;
  /** A control word was written and no count since (status bit 6, "null count"). */
  nullCount = false;
  /** Modes 1 and 5 count only after a rising gate edge (the trigger) following a count write. */
  triggered = false;
  /** Channel 0's interrupt cut off by the HPET's legacy mode (QEMU's irq_disabled). */
  irqDisabled = false;
  readonly timer: Timer | null;

  constructor(
    readonly index: number,
    private readonly clock: VirtualClock,
    /** The OUT pin's consumer (channel 0: IRQ0); null for outputs read by polling. */
    readonly out: IrqLine | null,
  ) {
    this.timer = out ? new Timer(clock, () => this.updateOut(this.nextTransitionNs)) : null;
  }

  private get effMode(): number {
    return this.mode >= 6 ? this.mode - 4 : this.mode;
  }

  /** The counter as the guest reads it (QEMU's pit_get_count), BCD-encoded in BCD mode. */
  getCount(): number {
    if (!this.running) return this.bcd ? toBcd(this.count % 10000) : this.count & 0xffff;
    const d = nsToTicks(this.clock.nowNs - this.loadTimeNs);
    const c = this.count;
    let counter: number;
    switch (this.effMode) {
      case 0:
      case 1:
      case 4:
      case 5:
        // One-shot modes keep counting down through zero and wrap.
        counter = this.bcd ? (((c - d) % 10000) + 10000) % 10000 : (c - d) & 0xffff;
        break;
      case 3:
        // Square wave: the counter steps by two (QEMU's approximation for odd counts too).
        counter = c - ((2 * d) % c);
        break;
      default:
        counter = c - (d % c);
        break;
    }
    return this.bcd ? toBcd(counter % 10000) : counter & 0xffff;
  }

  /** Is the counter counting (modes 1 and 5 wait for their gate trigger)? */
  private get running(): boolean {
    const m = this.effMode;
    return (m !== 1 && m !== 5) || this.triggered;
  }

  /** The OUT pin at time `t` (datasheet levels; QEMU's pit_get_out differs for 1, 2, 4, 5). */
  getOut(t: number = this.clock.nowNs): boolean {
    if (!this.running) return true; // modes 1 and 5 idle high
    const d = nsToTicks(t - this.loadTimeNs);
    const c = this.count;
    switch (this.effMode) {
      case 1: // one-shot: low from the trigger to terminal count
        return d >= c;
      case 2: // rate generator: low for the one clock when the counter is 1
        return c < 2 || d % c !== c - 1;
      case 3: // square wave: high for the first half (rounded up) of each period
        return d % c < (c + 1) >> 1;
      case 4: // strobes: low for the one clock at terminal count
      case 5:
        return d !== c;
      default: // mode 0: low until terminal count
        return d >= c;
    }
  }

  /** The time of the OUT pin's next change after `t`, or -1 (QEMU's next transition). */
  nextTransition(t: number): number {
    if (!this.running) return -1;
    const d = nsToTicks(t - this.loadTimeNs);
    const c = this.count;
    let next: number;
    switch (this.effMode) {
      case 2: {
        if (c < 2) return -1;
        const r = d % c;
        next = r < c - 1 ? d - r + c - 1 : d - r + c;
        break;
      }
      case 3: {
        // Count 1 (illegal on a real 8254) keeps OUT high for good, as QEMU computes it.
        if (c < 2) return -1;
        const base = d - (d % c);
        const half = (c + 1) >> 1;
        next = d - base < half ? base + half : base + c;
        break;
      }
      case 4:
      case 5:
        if (d < c) next = c;
        else if (d === c) next = c + 1;
        else return -1;
        break;
      default:
        if (d < c) next = c;
        else return -1;
        break;
    }
    const ns = this.loadTimeNs + ticksToNs(next);
    return ns <= t ? t + 1 : ns;
  }

  /** Drive OUT for time `t` and arm the timer at the next edge (QEMU's pit_irq_timer_update). */
  updateOut(t: number): void {
    if (!this.out || !this.timer || this.irqDisabled) return;
    const next = this.nextTransition(t);
    this.out.set(this.getOut(t));
    this.nextTransitionNs = next;
    if (next !== -1) this.timer.modNs(next);
    else this.timer.del();
  }

  loadCount(val: number): void {
    if (this.bcd) val = fromBcd(val) || 10000;
    else if (val === 0) val = 0x10000;
    this.loadTimeNs = this.clock.nowNs;
    this.count = val;
    this.nullCount = false;
    this.triggered = false;
    this.updateOut(this.loadTimeNs);
  }

  latchCount(): void {
    // A second latch before the first is read is ignored.
    if (this.countLatched) return;
    this.latchedCount = this.getCount();
    this.countLatched = this.rwMode;
  }

  latchStatus(): void {
    if (this.statusLatched) return;
    this.status =
      (this.getOut() ? 0x80 : 0) | (this.nullCount ? 0x40 : 0) | (this.rwMode << 4) | (this.mode << 1) | (this.bcd ? 1 : 0);
    this.statusLatched = true;
  }

  /** A control word for this channel (access != 0): mode, access and BCD. */
  program(val: number): void {
    const access = (val >> 4) & 3;
    this.rwMode = access;
    this.readState = access;
    this.writeState = access;
    this.mode = (val >> 1) & 7;
    this.bcd = (val & 1) !== 0;
    this.nullCount = true;
    // As QEMU: the running count and output are left alone until a new count is written.
  }

  setGate(level: boolean): void {
    const m = this.effMode;
    // Modes 1, 2, 3 and 5 restart on a rising gate edge; 0 and 4 (gating counts) are not
    // modelled, as in QEMU.
    if (m !== 0 && m !== 4 && !this.gate && level) {
      this.triggered = true;
      this.loadTimeNs = this.clock.nowNs;
      this.updateOut(this.loadTimeNs);
    }
    this.gate = level;
  }

  writeData(val: number): void {
    switch (this.writeState) {
      case RW_MSB:
        this.loadCount(val << 8);
        break;
      case RW_WORD0:
        this.writeLatch = val;
        this.writeState = RW_WORD1;
        break;
      case RW_WORD1:
        this.loadCount(this.writeLatch | (val << 8));
        this.writeState = RW_WORD0;
        break;
      default: // RW_LSB, and the never-programmed state 0
        this.loadCount(val);
        break;
    }
  }

  readData(): number {
    if (this.statusLatched) {
      this.statusLatched = false;
      return this.status;
    }
    if (this.countLatched) {
      switch (this.countLatched) {
        case RW_MSB:
          this.countLatched = 0;
          return (this.latchedCount >> 8) & 0xff;
        case RW_WORD0:
          this.countLatched = RW_MSB;
          return this.latchedCount & 0xff;
        default:
          this.countLatched = 0;
          return this.latchedCount & 0xff;
      }
    }
    switch (this.readState) {
      case RW_MSB:
        return (this.getCount() >> 8) & 0xff;
      case RW_WORD0:
        this.readState = RW_WORD1;
        return this.getCount() & 0xff;
      case RW_WORD1:
        this.readState = RW_WORD0;
        return (this.getCount() >> 8) & 0xff;
      default:
        return this.getCount() & 0xff;
    }
  }

  /**
   * Reset (QEMU's pit_reset_common): mode 3, count 0x10000, loaded now. Like QEMU it keeps the
   * access mode, byte sequencing, latches and BCD flag (zero at power-on).
   */
  reset(): void {
    this.mode = 3;
    this.nullCount = false;
    this.triggered = false;
    this.gate = this.index !== 2;
    this.count = 0x10000;
    this.loadTimeNs = this.clock.nowNs;
    // As QEMU's pit_reset: arm the first edge but leave the line alone until then, so the
    // PIC sees no edge at power-on.
    if (this.timer) {
      this.nextTransitionNs = this.nextTransition(this.loadTimeNs);
      this.timer.modNs(this.nextTransitionNs);
    }
  }
}

const PIT_CHANNEL_VMSTATE: VMStateDescription = {
  name: 'i8254_channel',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'count', type: 'uint32' },
    { name: 'latchedCount', type: 'uint32' },
    { name: 'countLatched', type: 'uint8' },
    { name: 'statusLatched', type: 'bool' },
    { name: 'status', type: 'uint8' },
    { name: 'readState', type: 'uint8' },
    { name: 'writeState', type: 'uint8' },
    { name: 'writeLatch', type: 'uint8' },
    { name: 'rwMode', type: 'uint8' },
    { name: 'mode', type: 'uint8' },
    { name: 'bcd', type: 'bool' },
    { name: 'gate', type: 'bool' },
    { name: 'loadTimeNs', type: 'float64' },
    { name: 'nextTransitionNs', type: 'float64' },
    { name: 'nullCount', type: 'bool' },
    { name: 'triggered', type: 'bool' },
  ],
  // irqDisabled travels in i8254's own section (it was added after this one).
  unmigrated: ['index', 'irqDisabled'],
};

/** The PIT (QEMU's vmstate_pit_common): three channels; the deadlines travel with the clock. */
export const PIT_VMSTATE: VMStateDescription = {
  name: 'i8254',
  versionId: 2,
  minimumVersionId: 1,
  fields: [
    { name: 'channels', type: 'struct-array', vmsd: PIT_CHANNEL_VMSTATE },
    {
      name: 'irqDisabled',
      type: 'bool',
      version: 2,
      get: (p: I8254) => p.channels[0].irqDisabled,
      set: (p: I8254, v: boolean) => (p.channels[0].irqDisabled = v),
    },
  ],
  unmigrated: ['iobase'],
};

export class I8254 {
  readonly iobase = 0x40;
  readonly channels: readonly [PitChannel, PitChannel, PitChannel];
  readonly region: MemoryRegion;

  /** `irq0` receives channel 0's OUT (the PC wires it to IRQ0 of the master PIC). */
  constructor(sys: MemorySystem, readonly clock: VirtualClock, irq0: IrqLine | null) {
    this.channels = [new PitChannel(0, clock, irq0), new PitChannel(1, clock, null), new PitChannel(2, clock, null)];
    this.region = MemoryRegion.io(sys, 'i8254', 'pit', 4, {
      read: (addr) => (addr === 3 ? 0 : this.channels[addr]!.readData()), // 0x43 is write-only
      write: (addr, value) => this.write(addr, value & 0xff),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    this.reset();
    sys.vmstate.register(PIT_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }

  private write(addr: number, val: number): void {
    if (addr !== 3) {
      this.channels[addr]!.writeData(val);
      return;
    }
    const sel = val >> 6;
    if (sel === 3) {
      // Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 pick channels.
      for (let i = 0; i < 3; i++) {
        if (!(val & (2 << i))) continue;
        const ch = this.channels[i]!;
        if (!(val & 0x20)) ch.latchCount();
        if (!(val & 0x10)) ch.latchStatus();
      }
      return;
    }
    const ch = this.channels[sel]!;
    if (((val >> 4) & 3) === 0) ch.latchCount();
    else ch.program(val);
  }

  /**
   * Channel 0's interrupt on or off (QEMU's pit_irq_control, driven by the HPET): while off
   * OUT is not driven and no edge is timed; turning it on drives OUT for now and re-arms.
   */
  setIrqEnabled(enable: boolean): void {
    const ch = this.channels[0];
    ch.irqDisabled = !enable;
    if (enable) ch.updateOut(this.clock.nowNs);
    else ch.timer?.del();
  }

  /** Gate input of a channel (channel 2's comes from port 0x61). */
  setGate(channel: number, level: boolean): void {
    this.channels[channel]!.setGate(level);
  }

  reset(): void {
    for (const ch of this.channels) ch.reset();
  }
}
