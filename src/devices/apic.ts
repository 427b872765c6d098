// The local APIC (xAPIC) of one CPU: its memory-mapped registers, the IRR/ISR priority
// logic, the LVT (timer, LINT0 carrying the 8259's INTR, LINT1, error), IPIs and MSIs (to
// itself alone, or through an ApicBus to every CPU's APIC with -smp: INIT, start-up, NMI,
// fixed, lowest priority), and the CPU's INTR/INTA interface in front of the PIC.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import { Timer, type VirtualClock } from './clock.js';
import {
  APIC_DEFAULT_BASE,
  APIC_LVT_NB,
  APIC_REGION_PRIORITY,
  APIC_SPACE_SIZE,
  APIC_VERSION_REG,
  DFR_CLUSTER,
  DFR_FLAT,
  DIVIDE_WRITABLE,
  DM_EXTINT,
  DM_FIXED,
  DM_INIT,
  DM_LOWPRI,
  DM_NMI,
  DM_SIPI,
  DM_SMI,
  ESR_ILLEGAL_REGISTER,
  ESR_RECV_ILLEGAL_VECTOR,
  ESR_SEND_ILLEGAL_VECTOR,
  ICR_HI_WRITABLE,
  ICR_LO_WRITABLE,
  LVT_ERROR,
  LVT_LEVEL_TRIGGER,
  LVT_LINT0,
  LVT_LINT1,
  LVT_MASKED,
  LVT_NAMES,
  LVT_RESET,
  LVT_TIMER,
  LVT_TIMER_PERIODIC,
  LVT_WRITABLE,
  MSR_APICBASE_BSP,
  MSR_APICBASE_ENABLE,
  MSR_APICBASE_EXTD,
  REG_APR,
  REG_DFR,
  REG_EOI,
  REG_ESR,
  REG_ICR_HI,
  REG_ICR_LO,
  REG_ID,
  REG_IRR0,
  REG_ISR0,
  REG_LDR,
  REG_LVT0,
  REG_PPR,
  REG_RRD,
  REG_SVR,
  REG_TIMER_CURRENT,
  REG_TIMER_DIVIDE,
  REG_TIMER_INITIAL,
  REG_TMR0,
  REG_TPR,
  REG_VERSION,
  SVR_ENABLE,
  SVR_RESET,
  SVR_WRITABLE,
} from './apic-defs.js';
import { currentCount, divideShift, nextExpiryNs, ticksSince } from './apic-timer.js';
import type { VMStateDescription } from '../memory/index.js';
import type { ApicBus } from './apic-bus.js';

/**
 * The CPU's view of an interrupt controller (the same shape as InterruptController in
 * src/cpu/x86/cpu.ts; devices do not import the CPU). The 8259 pair has it too.
 */
export interface InterruptSource {
  hasInterrupt(): boolean;
  acknowledge(): number;
}

export interface ApicOptions {
  /** The 8259 pair whose INTR arrives on LINT0; ExtINT acknowledges are passed to it. */
  pic: InterruptSource | null;
  /** The CPU's INTR pin (cpu.interruptRequest); told on every recomputation, repeats included. */
  intr: (level: boolean) => void;
  /** Raise an NMI on the CPU (cpu.nmiPending = true). */
  nmi: () => void;
  /** The APIC ID after reset (0 for the boot processor). */
  id?: number;
  /** Guest mistakes: bad offsets or sizes, illegal vectors (-d guest_errors). Default: the memory system's log. */
  guestError?: (msg: string) => void;
  /** Features the model does not have: SMI, INIT, x2APIC (-d unimp). Default: guestError. */
  unimp?: (msg: string) => void;
  /** EOI of a level-triggered vector: the broadcast the I/O APIC listens to (remote IRR). */
  eoiBroadcast?: (vector: number) => void;
  /**
   * -smp: the bus of every CPU's APIC. IPIs and MSIs go to the APICs they address, and the
   * register page shows the running CPU's APIC. Without it the APIC is alone (one CPU).
   */
  bus?: ApicBus<Apic>;
  /** IA32_APIC_BASE.BSP after reset: true for the boot processor (the default). */
  bsp?: boolean;
  /** An INIT IPI for this CPU (with a bus; the machine resets the CPU to wait for SIPI). */
  init?: () => void;
  /** A start-up IPI for this CPU (with a bus; ignored unless the CPU waits for one). */
  sipi?: (vector: number) => void;
}

/** Index of the highest set bit of a 256-bit vector set, -1 if empty. */
function highestVector(tab: Uint32Array): number {
  for (let i = 7; i >= 0; i--) {
    const w = tab[i]!;
    if (w !== 0) return i * 32 + 31 - Math.clz32(w);
  }
  return -1;
}

function setBit(tab: Uint32Array, v: number): void {
  tab[v >> 5]! |= 1 << (v & 31);
}

function clearBit(tab: Uint32Array, v: number): void {
  tab[v >> 5]! &= ~(1 << (v & 31));
}

function hex(v: number, digits = 8): string {
  return v.toString(16).padStart(digits, '0');
}

/** The local APIC (QEMU's vmstate_apic_common); the timer's deadline travels with the clock. */
export const APIC_VMSTATE: VMStateDescription = {
  name: 'apic',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'apicBaseMsr', type: 'float64' },
    { name: 'id', type: 'uint8' },
    { name: 'tpr', type: 'uint8' },
    { name: 'svr', type: 'uint32' },
    { name: 'logicalId', type: 'uint8' },
    { name: 'dfrModel', type: 'uint8' },
    { name: 'isr', type: 'buffer' },
    { name: 'tmr', type: 'buffer' },
    { name: 'irr', type: 'buffer' },
    { name: 'esr', type: 'uint32' },
    { name: 'esrPending', type: 'uint32' },
    { name: 'icrLo', type: 'float64' },
    { name: 'icrHi', type: 'float64' },
    { name: 'lvt', type: 'buffer' },
    { name: 'divideConf', type: 'uint32' },
    { name: 'countShift', type: 'uint32' },
    { name: 'initialCount', type: 'float64' },
    { name: 'loadTimeNs', type: 'float64' },
    { name: 'timerExpiryNs', type: 'float64' },
    { name: 'intrOut', type: 'bool' },
    { name: 'lint0Level', type: 'bool' },
    { name: 'lint1Level', type: 'bool' },
  ],
};

export class Apic implements InterruptSource {
  readonly region: MemoryRegion;
  private readonly timer: Timer;
  private readonly guestError: (msg: string) => void;
  private readonly unimp: (msg: string) => void;

  // ---- state (plain fields, for migration) ----
  /** IA32_APIC_BASE: base address | ENABLE | BSP. */
  apicBaseMsr: number;
  id: number;
  tpr = 0;
  svr = SVR_RESET;
  /** Logical destination (LDR bits 31:24). */
  logicalId = 0;
  /** Destination format model (DFR bits 31:28). */
  dfrModel = DFR_FLAT;
  readonly isr = new Uint32Array(8);
  readonly tmr = new Uint32Array(8);
  readonly irr = new Uint32Array(8);
  /** ESR as software reads it: the errors latched by the last write to ESR. */
  esr = 0;
  /** Errors seen since the last write to ESR, not yet visible (SDM 10.5.3). */
  esrPending = 0;
  icrLo = 0;
  icrHi = 0;
  readonly lvt = new Uint32Array(APIC_LVT_NB);
  divideConf = 0;
  /** log2 of the timer divisor, from divideConf. */
  countShift = divideShift(0);
  initialCount = 0;
  /** Virtual time at which the current count was (notionally) loaded with initialCount. */
  loadTimeNs = 0;
  /** Deadline of the armed timer interrupt, -1 when none (QEMU's timer_expiry). */
  timerExpiryNs = -1;
  /** Input levels: the 8259's INTR on LINT0, the NMI wire on LINT1. */
  lint0Level = false;
  lint1Level = false;
  /** The CPU's INTR as last driven. */
  intrOut = false;

  constructor(
    sys: MemorySystem,
    private readonly clock: VirtualClock,
    private readonly opts: ApicOptions,
  ) {
    this.id = opts.id ?? 0;
    this.apicBaseMsr = APIC_DEFAULT_BASE + MSR_APICBASE_ENABLE + (opts.bsp === false ? 0 : MSR_APICBASE_BSP);
    this.guestError = opts.guestError ?? ((msg) => sys.logGuestError(msg));
    this.unimp = opts.unimp ?? this.guestError;
    this.timer = new Timer(clock, () => this.timerExpired());
    this.region = MemoryRegion.io(sys, 'apic', 'apic-msi', APIC_SPACE_SIZE, {
      // With -smp the page shows the running CPU's registers (QEMU's cpu_get_current_apic).
      read: (addr, size) => (opts.bus?.current ?? this).mmioRead(addr, size),
      write: (addr, value, size) => (opts.bus?.current ?? this).mmioWrite(addr, value, size),
      // QEMU accepts 1-4 byte accesses and answers the ones smaller than 4 with nothing.
      valid: { minAccessSize: 1, maxAccessSize: 4 },
      impl: { minAccessSize: 1, maxAccessSize: 4 },
    });
    this.initReset();
    sys.vmstate.register(APIC_VMSTATE, this);
  }

  /** Map the register page at the current base over the system memory container. */
  map(systemMemory: MemoryRegion): void {
    systemMemory.addSubregionOverlap(this.baseAddress, this.region, APIC_REGION_PRIORITY);
  }

  /** Physical address of the register page. */
  get baseAddress(): number {
    return this.apicBaseMsr - (this.apicBaseMsr % 0x1000);
  }

  /** IA32_APIC_BASE for RDMSR. */
  get apicBase(): number {
    return this.apicBaseMsr;
  }

  /** APIC globally enabled (IA32_APIC_BASE bit 11). */
  get globallyEnabled(): boolean {
    return (this.apicBaseMsr & MSR_APICBASE_ENABLE) !== 0;
  }

  /** APIC software enabled (SVR bit 8). */
  get softwareEnabled(): boolean {
    return (this.svr & SVR_ENABLE) !== 0;
  }

  /** Power-on / machine reset (QEMU's apic_reset_common). */
  reset(): void {
    const bsp = this.apicBaseMsr & MSR_APICBASE_BSP;
    this.apicBaseMsr = APIC_DEFAULT_BASE + (bsp | MSR_APICBASE_ENABLE);
    this.id = this.opts.id ?? 0;
    this.region.setAddress(APIC_DEFAULT_BASE);
    this.initReset();
  }

  /** The state an INIT leaves (QEMU's apic_init_reset): base and ID are kept. */
  initReset(): void {
    this.tpr = 0;
    this.svr = SVR_RESET;
    this.logicalId = 0;
    this.dfrModel = DFR_FLAT;
    this.isr.fill(0);
    this.tmr.fill(0);
    this.irr.fill(0);
    this.lvt.fill(LVT_RESET);
    this.esr = 0;
    this.esrPending = 0;
    this.icrLo = 0;
    this.icrHi = 0;
    this.divideConf = 0;
    this.countShift = divideShift(0);
    this.initialCount = 0;
    this.loadTimeNs = 0;
    this.timer.del();
    this.timerExpiryNs = -1;
    this.updateIntr();
  }

  /**
   * WRMSR IA32_APIC_BASE (the machine forwards cpu.onApicBaseWrite here). As in QEMU, BSP is
   * read-only. Setting EN again after a global disable enables the APIC in its power-up state
   * (SDM 10.4.3 / 10.4.7.1, P6 and later; software-disabled until SVR bit 8 is set): QEMU 7.2
   * keeps EN clear but goes on delivering, so a guest that resets its APIC this way gets its
   * interrupts on both (test/golden/DEVIATIONS.md). A new base moves the register page (QEMU
   * leaves it where it was realized; the SDM says it moves).
   */
  setApicBase(value: number): void {
    if (value & MSR_APICBASE_EXTD) this.unimp(`apic: x2APIC mode (IA32_APIC_BASE bit 10) is not supported, ignored`);
    const oldBase = this.baseAddress;
    const newBase = value - (value % 0x1000);
    let flags = this.apicBaseMsr & (MSR_APICBASE_BSP | MSR_APICBASE_ENABLE);
    if (!(value & MSR_APICBASE_ENABLE)) {
      flags &= ~MSR_APICBASE_ENABLE;
    } else if (!(flags & MSR_APICBASE_ENABLE)) {
      flags |= MSR_APICBASE_ENABLE;
      this.initReset();
    }
    this.apicBaseMsr = newBase + flags;
    if (!(flags & MSR_APICBASE_ENABLE)) this.writeSvr(this.svr & ~SVR_ENABLE);
    if (newBase !== oldBase) this.region.setAddress(newBase);
    this.updateIntr();
  }

  // ---- the CPU side ----

  /** The CPU's INTR pin as driven now. */
  hasInterrupt(): boolean {
    return this.intrOut;
  }

  /**
   * The INTA cycle (QEMU's cpu_get_pic_interrupt + apic_get_interrupt). An ExtINT request from
   * the 8259 ignores APIC priorities and is answered by the 8259; otherwise the highest
   * deliverable IRR vector moves to ISR. With nothing deliverable any more (withdrawn, or held
   * back by a TPR raised meanwhile) the CPU gets the spurious vector and ISR is untouched.
   */
  acknowledge(): number {
    if (!this.globallyEnabled) return this.acknowledgePic();
    if (this.extIntRouted() && this.lint0Level) return this.acknowledgePic();
    const v = this.pendingVector();
    if (v > 0) {
      clearBit(this.irr, v);
      setBit(this.isr, v);
      this.updateIntr();
      return v;
    }
    // The 8259 was routed but withdrew its request: it answers with its own spurious IRQ 7.
    if (v === 0 && this.extIntRouted()) return this.acknowledgePic();
    return this.svr & 0xff;
  }

  private acknowledgePic(): number {
    const pic = this.opts.pic;
    if (pic) return pic.acknowledge();
    this.guestError('apic: interrupt acknowledge for the 8259 with no 8259 attached');
    return this.svr & 0xff;
  }

  /** LINT0 input: the 8259's INTR (wire the PIC's `intr` line here). */
  setExtIntLine(level: boolean): void {
    const rising = level && !this.lint0Level;
    this.lint0Level = level;
    if (this.globallyEnabled) this.lintInput(LVT_LINT0, level, rising);
    this.updateIntr();
  }

  /**
   * LINT1 input: the board's NMI wire. With the APIC globally disabled the pin is the CPU's
   * NMI; otherwise LVT LINT1 decides (a BIOS programs it as NMI).
   */
  setNmiLine(level: boolean): void {
    const rising = level && !this.lint1Level;
    this.lint1Level = level;
    if (!this.globallyEnabled) {
      if (rising) this.opts.nmi();
      return;
    }
    this.lintInput(LVT_LINT1, level, rising);
    this.updateIntr();
  }

  /** A LINT pin changed: deliver per its LVT (ExtINT is a level seen by updateIntr). */
  private lintInput(n: number, level: boolean, rising: boolean): void {
    const lvt = this.lvt[n]!;
    if (lvt & LVT_MASKED) return;
    const mode = (lvt >> 8) & 7;
    if (mode === DM_FIXED) {
      const vector = lvt & 0xff;
      if (lvt & LVT_LEVEL_TRIGGER) {
        // Level-triggered: requested while the line is high, withdrawn when it drops (as QEMU).
        if (level) this.acceptInterrupt(vector, true);
        else clearBit(this.irr, vector);
      } else if (rising) {
        this.acceptInterrupt(vector, false);
      }
    } else if (mode === DM_NMI) {
      if (rising) this.opts.nmi();
    } else if (mode !== DM_EXTINT && rising) {
      this.unimp(`apic: LVT ${LVT_NAMES[n]} delivery mode ${mode} is not supported (entry ${hex(lvt)})`);
    }
  }

  /** LINT0 passes the 8259's INTR through as ExtINT. */
  private extIntRouted(): boolean {
    const lvt = this.lvt[LVT_LINT0]!;
    return (lvt & LVT_MASKED) === 0 && ((lvt >> 8) & 7) === DM_EXTINT;
  }

  /** QEMU's apic_irq_pending: >0 deliverable vector, -1 held back by PPR, 0 nothing. */
  private pendingVector(): number {
    if (!this.softwareEnabled) return 0;
    const v = highestVector(this.irr);
    if (v < 0) return 0;
    const ppr = this.ppr();
    if (ppr !== 0 && (v & 0xf0) <= (ppr & 0xf0)) return -1;
    return v;
  }

  /** Processor priority (SDM 10.8.3.1): TPR, or the class of the highest in-service vector. */
  ppr(): number {
    const isrv = Math.max(highestVector(this.isr), 0);
    return this.tpr >> 4 >= isrv >> 4 ? this.tpr : isrv & 0xf0;
  }

  private updateIntr(): void {
    let level: boolean;
    if (!this.globallyEnabled) level = this.lint0Level; // LINT0 is the CPU's INTR pin
    else level = this.pendingVector() > 0 || (this.extIntRouted() && this.lint0Level);
    this.intrOut = level;
    this.opts.intr(level);
  }

  /**
   * A fixed interrupt arrives (LVT, IPI, MSI): set IRR, and TMR for level triggering. Vectors
   * 0-15 are illegal and never reach IRR (SDM 10.5.2).
   */
  private acceptInterrupt(vector: number, level: boolean): void {
    if (vector < 16) {
      this.recordError(ESR_RECV_ILLEGAL_VECTOR);
      return;
    }
    setBit(this.irr, vector);
    if (level) setBit(this.tmr, vector);
    else clearBit(this.tmr, vector);
    this.updateIntr();
  }

  /** An error is latched for the next ESR write and signalled through LVT error. */
  private recordError(bits: number): void {
    this.esrPending |= bits;
    const lvt = this.lvt[LVT_ERROR]!;
    if (lvt & LVT_MASKED) return;
    const vector = lvt & 0xff;
    // An illegal error vector is only recorded: delivering it would raise the error again.
    if (vector < 16) this.esrPending |= ESR_RECV_ILLEGAL_VECTOR;
    else this.acceptInterrupt(vector, false);
  }

  private eoi(): void {
    const v = highestVector(this.isr);
    if (v < 0) return;
    clearBit(this.isr, v);
    if ((this.tmr[v >> 5]! >>> (v & 31)) & 1) this.opts.eoiBroadcast?.(v);
    this.updateIntr();
  }

  // ---- the timer ----

  private timerRearm(nowNs: number): void {
    const lvt = this.lvt[LVT_TIMER]!;
    const at = nextExpiryNs(
      (lvt & LVT_MASKED) !== 0,
      (lvt & LVT_TIMER_PERIODIC) !== 0,
      this.initialCount,
      this.loadTimeNs,
      this.countShift,
      nowNs,
    );
    this.timerExpiryNs = at;
    if (at < 0) this.timer.del();
    else this.timer.modNs(at);
  }

  private timerExpired(): void {
    const lvt = this.lvt[LVT_TIMER]!;
    if (!(lvt & LVT_MASKED)) this.acceptInterrupt(lvt & 0xff, false);
    // From the deadline, not from now: a late run must not shift the next period.
    this.timerRearm(this.timerExpiryNs);
  }

  /** The current-count register at the present virtual time. */
  currentCount(): number {
    const ticks = ticksSince(this.clock.nowNs, this.loadTimeNs, this.countShift);
    return currentCount((this.lvt[LVT_TIMER]! & LVT_TIMER_PERIODIC) !== 0, this.initialCount, ticks);
  }

  /**
   * A new divisor applies from now on: the count keeps its value and continues at the new
   * rate (QEMU recomputes the whole count with the new divisor and keeps the old deadline).
   */
  private writeDivide(value: number): void {
    const now = this.clock.nowNs;
    const ticks = ticksSince(now, this.loadTimeNs, this.countShift);
    this.divideConf = value & DIVIDE_WRITABLE;
    this.countShift = divideShift(this.divideConf);
    this.loadTimeNs = now - ticks * 2 ** this.countShift;
    this.timerRearm(now);
  }

  // ---- registers ----

  /** SVR write. Software-disabling masks every LVT entry (SDM 10.4.7.2). */
  private writeSvr(value: number): void {
    this.svr = value & SVR_WRITABLE;
    if (!this.softwareEnabled) {
      for (let i = 0; i < APIC_LVT_NB; i++) this.lvt[i]! |= LVT_MASKED;
      this.timerRearm(this.clock.nowNs);
    }
    this.updateIntr();
  }

  private writeLvt(n: number, value: number): void {
    let v = value & LVT_WRITABLE[n]!;
    // While software-disabled the mask bits cannot be cleared (SDM 10.4.7.2).
    if (!this.softwareEnabled) v |= LVT_MASKED;
    const old = this.lvt[n]!;
    this.lvt[n] = v;
    if (n === LVT_TIMER) {
      this.timerRearm(this.clock.nowNs);
    } else if ((n === LVT_LINT0 || n === LVT_LINT1) && old & LVT_MASKED && !(v & LVT_MASKED)) {
      // A level-triggered fixed entry sees a line that is already high once it is unmasked.
      const level = n === LVT_LINT0 ? this.lint0Level : this.lint1Level;
      if (level && (v & LVT_LEVEL_TRIGGER) && ((v >> 8) & 7) === DM_FIXED) this.acceptInterrupt(v & 0xff, true);
    }
    this.updateIntr();
  }

  private writeIcrLo(value: number): void {
    this.icrLo = value & ICR_LO_WRITABLE;
    if (this.opts.bus) {
      this.sendIpi(this.opts.bus);
      return;
    }
    const lo = this.icrLo;
    const mode = (lo >> 8) & 7;
    const vector = lo & 0xff;
    let toSelf: boolean;
    switch ((lo >> 18) & 3) {
      case 0: // no shorthand: the destination field
        toSelf = this.matchesDestination(this.icrHi >>> 24, (lo & (1 << 11)) !== 0);
        break;
      case 1: // self
      case 2: // all including self
        toSelf = true;
        break;
      default: // all excluding self: there is no other processor
        toSelf = false;
    }
    if ((mode === DM_FIXED || mode === DM_LOWPRI) && vector < 16) {
      // The sender flags it; as its own receiver (a self-interrupt) it flags the receipt too.
      this.recordError(toSelf ? ESR_SEND_ILLEGAL_VECTOR | ESR_RECV_ILLEGAL_VECTOR : ESR_SEND_ILLEGAL_VECTOR);
      return;
    }
    if (mode === DM_INIT && (lo & (1 << 15)) && !(lo & (1 << 14))) {
      // INIT level de-assert only re-synchronises arbitration IDs, which one APIC (APR = 0) lacks.
      return;
    }
    if (mode === DM_SIPI) {
      // A SIPI is ignored by a processor that is not waiting for one, and the BSP never is.
      if (toSelf) this.unimp(`apic: SIPI (vector ${hex(vector, 2)}) to the boot processor is ignored`);
      return;
    }
    if (mode === DM_EXTINT) {
      this.guestError(`apic: ICR ${hex(lo)}: ExtINT is not a valid IPI delivery mode`);
      return;
    }
    if (toSelf) this.deliverMessage(mode, vector, (lo & (1 << 15)) !== 0, 'IPI');
  }

  /**
   * An IPI on the bus of every CPU's APIC (QEMU's apic_deliver and apic_bus_deliver): the
   * shorthand or destination picks the APICs; INIT level de-assert only re-synchronises
   * arbitration IDs (nothing to model); a start-up IPI starts each target waiting for one;
   * lowest priority goes to the first target, as QEMU picks it.
   */
  private sendIpi(bus: ApicBus<Apic>): void {
    const lo = this.icrLo;
    const mode = (lo >> 8) & 7;
    const vector = lo & 0xff;
    const level = (lo & (1 << 15)) !== 0;
    const targets = bus.destinations(this, (lo >> 18) & 3, this.icrHi >>> 24, (lo & (1 << 11)) !== 0);
    if ((mode === DM_FIXED || mode === DM_LOWPRI) && vector < 16) {
      this.recordError(targets.includes(this) ? ESR_SEND_ILLEGAL_VECTOR | ESR_RECV_ILLEGAL_VECTOR : ESR_SEND_ILLEGAL_VECTOR);
      return;
    }
    if (mode === DM_INIT && level && !(lo & (1 << 14))) return;
    if (mode === DM_EXTINT) {
      this.guestError(`apic: ICR ${hex(lo)}: ExtINT is not a valid IPI delivery mode`);
      return;
    }
    bus.deliver(targets, mode, vector, level, 'IPI');
  }

  /** An interrupt message (IPI or MSI) accepted by this APIC. */
  deliverMessage(mode: number, vector: number, level: boolean, what: string): void {
    switch (mode) {
      case DM_FIXED:
      case DM_LOWPRI: // one processor: it is the lowest-priority one
        this.acceptInterrupt(vector, level);
        return;
      case DM_NMI:
        this.opts.nmi();
        return;
      case DM_SMI:
        this.unimp(`apic: ${what} with delivery mode SMI: SMM is not supported`);
        return;
      case DM_INIT:
        if (this.opts.init) this.opts.init();
        else this.unimp(`apic: ${what} with delivery mode INIT to the boot processor is not supported`);
        return;
      case DM_SIPI:
        this.opts.sipi?.(vector);
        return;
      default:
        this.guestError(`apic: ${what} with reserved delivery mode ${mode}`);
    }
  }

  /** Physical (ID or broadcast 0xFF) or logical (flat / cluster per DFR) destination match. */
  matchesDestination(dest: number, logical: boolean): boolean {
    if (!logical) return dest === 0xff || dest === this.id;
    if (this.dfrModel === DFR_FLAT) return (dest & this.logicalId) !== 0;
    if (this.dfrModel === DFR_CLUSTER) {
      return (dest & 0xf0) === (this.logicalId & 0xf0) && (dest & this.logicalId & 0x0f) !== 0;
    }
    return false;
  }

  /** A write outside the registers: an MSI (address bits 19:12 destination, bit 2 logical). */
  private msi(addr: number, data: number): void {
    const dest = (addr >> 12) & 0xff;
    const bus = this.opts.bus;
    if (!bus && !this.matchesDestination(dest, (addr & 4) !== 0)) return;
    const mode = (data >> 8) & 7;
    if (mode === DM_SIPI || mode === DM_EXTINT) {
      this.guestError(`apic: MSI data ${hex(data)}: delivery mode ${mode} is not valid for an MSI`);
      return;
    }
    // With -smp every APIC the address names takes it (QEMU's apic_send_msi).
    if (bus) bus.deliver(bus.destinations(null, 0, dest, (addr & 4) !== 0), mode, data & 0xff, (data & (1 << 15)) !== 0, 'MSI');
    else this.deliverMessage(mode, data & 0xff, (data & (1 << 15)) !== 0, 'MSI');
  }

  mmioRead(addr: number, size: number): number {
    if (size < 4) {
      this.guestError(`apic: ${size}-byte read at offset ${hex(addr, 5)} (registers are 32-bit): 0`);
      return 0;
    }
    // As QEMU, the offset inside the 16-byte stride and above the page is ignored.
    if (addr > 0xfff || addr & 0xf) this.guestError(`apic: read at offset ${hex(addr, 5)}: not a register boundary`);
    const index = (addr >> 4) & 0xff;
    switch (index) {
      case REG_ID:
        return (this.id << 24) >>> 0;
      case REG_VERSION:
        return APIC_VERSION_REG;
      case REG_TPR:
        return this.tpr;
      case REG_APR: // no arbitration among one processor
        return 0;
      case REG_PPR:
        return this.ppr();
      case REG_EOI: // write-only; QEMU reads 0
        return 0;
      case REG_RRD: // remote read is not offered: its status is always "invalid" (0)
        return 0;
      case REG_LDR:
        return (this.logicalId << 24) >>> 0;
      case REG_DFR:
        return ((this.dfrModel << 28) | 0x0fffffff) >>> 0;
      case REG_SVR:
        return this.svr;
      case REG_ESR:
        return this.esr;
      case REG_ICR_LO:
        return this.icrLo;
      case REG_ICR_HI:
        return this.icrHi;
      case REG_TIMER_INITIAL:
        return this.initialCount;
      case REG_TIMER_CURRENT:
        return this.currentCount();
      case REG_TIMER_DIVIDE:
        return this.divideConf;
    }
    if (index >= REG_ISR0 && index < REG_ISR0 + 8) return this.isr[index - REG_ISR0]!;
    if (index >= REG_TMR0 && index < REG_TMR0 + 8) return this.tmr[index - REG_TMR0]!;
    if (index >= REG_IRR0 && index < REG_IRR0 + 8) return this.irr[index - REG_IRR0]!;
    if (index >= REG_LVT0 && index < REG_LVT0 + APIC_LVT_NB) return this.lvt[index - REG_LVT0]!;
    this.illegalRegister('read', addr);
    return 0;
  }

  mmioWrite(addr: number, value: number, size: number): void {
    if (size < 4) {
      this.guestError(`apic: ${size}-byte write at offset ${hex(addr, 5)} (registers are 32-bit) ignored`);
      return;
    }
    value >>>= 0;
    const index = (addr >> 4) & 0xff;
    // The registers and MSIs share the addresses (QEMU): offsets 0x000-0x00F and above the
    // page are reserved in the register map, so writes there are MSIs.
    if (addr > 0xfff || index === 0) {
      this.msi(addr, value);
      return;
    }
    if (addr & 0xf) this.guestError(`apic: write at offset ${hex(addr, 3)}: not a register boundary`);
    switch (index) {
      case REG_ID:
        this.id = value >>> 24;
        return;
      case REG_TPR:
        this.tpr = value & 0xff;
        this.updateIntr();
        return;
      case REG_EOI:
        this.eoi();
        return;
      case REG_LDR:
        this.logicalId = value >>> 24;
        return;
      case REG_DFR:
        this.dfrModel = value >>> 28;
        return;
      case REG_SVR:
        this.writeSvr(value);
        return;
      case REG_ESR:
        // The write makes the errors seen since the previous write visible, and starts afresh.
        this.esr = this.esrPending;
        this.esrPending = 0;
        return;
      case REG_ICR_LO:
        this.writeIcrLo(value);
        return;
      case REG_ICR_HI:
        this.icrHi = (value & ICR_HI_WRITABLE) >>> 0;
        return;
      case REG_TIMER_INITIAL:
        this.initialCount = value;
        this.loadTimeNs = this.clock.nowNs;
        this.timerRearm(this.loadTimeNs);
        return;
      case REG_TIMER_DIVIDE:
        this.writeDivide(value);
        return;
      case REG_VERSION:
      case REG_APR:
      case REG_PPR:
      case REG_RRD:
      case REG_TIMER_CURRENT:
        this.guestError(`apic: write ${hex(value)} to read-only register at offset ${hex(addr, 3)} ignored`);
        return;
    }
    if (index >= REG_LVT0 && index < REG_LVT0 + APIC_LVT_NB) {
      this.writeLvt(index - REG_LVT0, value);
      return;
    }
    if (index >= REG_ISR0 && index < REG_IRR0 + 8) {
      this.guestError(`apic: write ${hex(value)} to read-only ISR/TMR/IRR at offset ${hex(addr, 3)} ignored`);
      return;
    }
    this.illegalRegister('write', addr);
  }

  /** An access to an offset with no register: ESR "illegal register address" (as QEMU). */
  private illegalRegister(what: string, addr: number): void {
    this.guestError(`apic: ${what} at reserved offset ${hex(addr, 3)}`);
    this.recordError(ESR_ILLEGAL_REGISTER);
  }
}
