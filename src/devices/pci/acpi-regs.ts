// The ACPI fixed registers QEMU's hw/acpi/core.c gives the PIIX4 PM block: PM1 event
// (status, write 1 to clear / enable), PM1 control (SCI_EN, sleep requests) and the 24-bit PM
// timer at 3.579545 MHz on guest time, whose bit-23 overflow sets TMR_STS and can raise SCI.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import { Timer, type VirtualClock } from '../clock.js';

export const PM_TIMER_FREQUENCY = 3579545;
export const ACPI_BITMASK_TIMER_STATUS = 0x0001;
export const ACPI_BITMASK_GLOBAL_LOCK_STATUS = 0x0020;
export const ACPI_BITMASK_POWER_BUTTON_STATUS = 0x0100;
export const ACPI_BITMASK_RT_CLOCK_STATUS = 0x0400;
export const ACPI_BITMASK_TIMER_ENABLE = 0x0001;
export const ACPI_BITMASK_SLEEP_ENABLE = 0x2000;
const SCI_SOURCES = ACPI_BITMASK_RT_CLOCK_STATUS | ACPI_BITMASK_POWER_BUTTON_STATUS | ACPI_BITMASK_GLOBAL_LOCK_STATUS | ACPI_BITMASK_TIMER_STATUS;
const NS_PER_S = 1e9;

export interface AcpiHooks {
  /** SCI level (QEMU's pm_update_sci). */
  sci(level: boolean): void;
  /** SLP_EN with SLP_TYP 0 (soft off) or the S4 value: the machine powers off. */
  shutdown(): void;
  /** A sleep type tcg86 does not model (S3 suspend...). */
  unimp(msg: string): void;
}

export class AcpiRegs {
  sts = 0;
  en = 0;
  cnt = 0;
  /** PM timer tick at which TMR_STS is next set (QEMU's tmr.overflow_time). */
  private overflowTime = 0;
  private readonly timer: Timer;
  readonly evtRegion: MemoryRegion;
  readonly cntRegion: MemoryRegion;
  readonly tmrRegion: MemoryRegion;

  constructor(
    sys: MemorySystem,
    owner: string,
    private readonly clock: VirtualClock,
    private readonly hooks: AcpiHooks,
    /** SLP_TYP value that means S4 (QEMU's s4_val: 2 on the PIIX4). */
    private readonly s4Val: number,
  ) {
    this.timer = new Timer(clock, () => this.updateSci());
    this.evtRegion = MemoryRegion.io(sys, owner, 'acpi-evt', 4, {
      read: (addr) => (addr === 0 ? this.getSts() : addr === 2 ? this.en : 0),
      write: (addr, value) => {
        if (addr === 0) this.writeSts(value);
        else if (addr === 2) {
          this.en = value & 0xffff;
          this.updateSci();
        }
      },
      valid: { minAccessSize: 1, maxAccessSize: 2 },
      impl: { minAccessSize: 2, maxAccessSize: 2 },
    });
    this.cntRegion = MemoryRegion.io(sys, owner, 'acpi-cnt', 2, {
      read: () => this.cnt,
      write: (_addr, value) => this.writeCnt(value),
      valid: { minAccessSize: 1, maxAccessSize: 2 },
      impl: { minAccessSize: 2, maxAccessSize: 2 },
    });
    this.tmrRegion = MemoryRegion.io(sys, owner, 'acpi-tmr', 4, {
      read: () => this.ticks() & 0xffffff,
      write: () => {},
      valid: { minAccessSize: 1, maxAccessSize: 4 },
      impl: { minAccessSize: 4, maxAccessSize: 4 },
    });
  }

  /** PM timer ticks since power-on (QEMU's acpi_pm_tmr_get_clock, muldiv64 of the clock). */
  ticks(): number {
    return Math.floor((this.clock.nowNs * PM_TIMER_FREQUENCY) / NS_PER_S);
  }

  getSts(): number {
    if (this.ticks() >= this.overflowTime) this.sts |= ACPI_BITMASK_TIMER_STATUS;
    return this.sts;
  }

  private calcOverflowTime(): void {
    const d = this.ticks();
    this.overflowTime = Math.floor((d + 0x800000) / 0x800000) * 0x800000;
  }

  private writeSts(value: number): void {
    const sts = this.getSts();
    if (sts & value & ACPI_BITMASK_TIMER_STATUS) this.calcOverflowTime();
    this.sts &= ~value;
    this.updateSci();
  }

  private writeCnt(value: number): void {
    this.cnt = value & ~ACPI_BITMASK_SLEEP_ENABLE & 0xffff;
    if (!(value & ACPI_BITMASK_SLEEP_ENABLE)) return;
    const typ = (value >> 10) & 7;
    if (typ === 0 || typ === this.s4Val) this.hooks.shutdown();
    else this.hooks.unimp(`acpi: sleep type ${typ} (suspend) is not modelled; ignored`);
  }

  /** SCI and the overflow timer (QEMU's pm_update_sci + acpi_pm_tmr_update). */
  updateSci(): void {
    const sts = this.getSts();
    this.hooks.sci((sts & this.en & SCI_SOURCES) !== 0);
    if (this.en & ACPI_BITMASK_TIMER_ENABLE && !(sts & ACPI_BITMASK_TIMER_STATUS)) {
      this.timer.modNs(Math.floor((this.overflowTime * NS_PER_S) / PM_TIMER_FREQUENCY));
    } else {
      this.timer.del();
    }
  }

  reset(): void {
    this.sts = 0;
    this.en = 0;
    this.cnt = 0;
    // As QEMU's acpi_pm_tmr_reset: overflow time 0, so TMR_STS reads as set until cleared.
    this.overflowTime = 0;
    this.timer.del();
    this.hooks.sci(false);
  }
}
