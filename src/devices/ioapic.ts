// The I/O APIC at 0xfec00000 (QEMU's hw/intc/ioapic.c, version 0x20, 24 pins): IOREGSEL at
// 0x00, IOWIN at 0x10, the EOI register at 0x40; a pin's redirection entry turns its input
// into an interrupt message written to the APIC's MSI window (0xfee00000 | dest << 12), as
// QEMU's ioapic_service does. Level-triggered pins hold remote IRR until the local APIC's EOI
// broadcast; ISA IRQ 0 arrives on pin 2 (the IRQ0 override fw_cfg and ACPI announce).

import { MemoryRegion, type AddressSpace, type MemorySystem, type VMStateDescription } from '../memory/index.js';
import { Timer, type VirtualClock } from './clock.js';

export const IOAPIC_BASE = 0xfec00000;
export const IOAPIC_NUM_PINS = 24;
const IOAPIC_VERSION = 0x20;
const IOAPIC_REG_ID = 0x00;
const IOAPIC_REG_VER = 0x01;
const IOAPIC_REG_ARB = 0x02;
const IOAPIC_REG_REDTBL_BASE = 0x10;
const LVT_MASKED = 1 << 16;
const LVT_TRIGGER_LEVEL = 1 << 15;
const LVT_REMOTE_IRR = 1 << 14;
const LVT_DELIV_STATUS = 1 << 12;
const LVT_DEST_MODE_LOGICAL = 1 << 11;
const RO_BITS = LVT_REMOTE_IRR | LVT_DELIV_STATUS;
const DM_EXTINT = 7;
const MSI_BASE = 0xfee00000;

/** QEMU's ioapic section: the selected register, the id, pending inputs and the table. */
const IOAPIC_VMSTATE: VMStateDescription = {
  name: 'ioapic',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'id', type: 'uint8' },
    { name: 'ioregsel', type: 'uint8' },
    { name: 'irr', type: 'uint32' },
    { name: 'redLo', type: 'buffer' },
    { name: 'redHi', type: 'buffer' },
  ],
};

export class IOAPIC {
  readonly region: MemoryRegion;
  id = 0;
  ioregsel = 0;
  /** Pending inputs (edge latched, level while high). */
  irr = 0;
  /** Low and high dwords of each redirection entry. */
  readonly redLo = new Uint32Array(IOAPIC_NUM_PINS);
  readonly redHi = new Uint32Array(IOAPIC_NUM_PINS);
  /** Re-delivery after an EOI broadcast (see eoiBroadcast). */
  private readonly serviceTimer: Timer;

  constructor(
    sys: MemorySystem,
    private readonly clock: VirtualClock,
    /** Where interrupt messages go (the machine's memory: the APIC's MSI window). */
    private readonly as: AddressSpace,
    private readonly unimp: (msg: string) => void,
  ) {
    this.serviceTimer = new Timer(clock, () => this.service());
    this.region = MemoryRegion.io(sys, 'ioapic', 'ioapic', 0x1000, {
      read: (addr) => this.read(addr),
      write: (addr, value) => this.write(addr, value >>> 0),
      valid: { minAccessSize: 1, maxAccessSize: 4 },
      impl: { minAccessSize: 4, maxAccessSize: 4 },
    });
    this.reset();
    sys.vmstate.register(IOAPIC_VMSTATE, this);
  }

  map(systemMemory: MemoryRegion): void {
    systemMemory.addSubregion(IOAPIC_BASE, this.region);
  }

  reset(): void {
    this.id = 0;
    this.ioregsel = 0;
    this.irr = 0;
    this.redLo.fill(LVT_MASKED);
    this.redHi.fill(0);
    this.serviceTimer.del();
  }

  private read(addr: number): number {
    if (addr === 0x00) return this.ioregsel;
    if (addr !== 0x10) return 0;
    const sel = this.ioregsel;
    switch (sel) {
      case IOAPIC_REG_ID:
      case IOAPIC_REG_ARB:
        return (this.id << 24) >>> 0;
      case IOAPIC_REG_VER:
        return IOAPIC_VERSION | ((IOAPIC_NUM_PINS - 1) << 16);
      default: {
        const pin = (sel - IOAPIC_REG_REDTBL_BASE) >> 1;
        if (sel < IOAPIC_REG_REDTBL_BASE || pin >= IOAPIC_NUM_PINS) return 0;
        return sel & 1 ? this.redHi[pin]! : this.redLo[pin]!;
      }
    }
  }

  private write(addr: number, value: number): void {
    if (addr === 0x00) {
      this.ioregsel = value & 0xff;
      return;
    }
    if (addr === 0x40) {
      // Version 0x20 has the EOI register: the vector's level entries lose remote IRR.
      this.eoiBroadcast(value & 0xff);
      return;
    }
    if (addr !== 0x10) return;
    const sel = this.ioregsel;
    if (sel === IOAPIC_REG_ID) {
      this.id = (value >>> 24) & 0x0f;
      return;
    }
    const pin = (sel - IOAPIC_REG_REDTBL_BASE) >> 1;
    if (sel < IOAPIC_REG_REDTBL_BASE || pin >= IOAPIC_NUM_PINS) return;
    if (sel & 1) {
      this.redHi[pin] = value & 0xff000000;
    } else {
      let lo = (this.redLo[pin]! & RO_BITS) | (value & ~RO_BITS);
      // An edge-triggered pin has no remote IRR (QEMU's ioapic_fix_edge_remote_irr).
      if (!(lo & LVT_TRIGGER_LEVEL)) lo &= ~LVT_REMOTE_IRR;
      this.redLo[pin] = lo >>> 0;
    }
    this.service();
  }

  /** Input `n` (a GSI) changed level (QEMU's ioapic_set_irq). */
  setIrq(n: number, level: boolean): void {
    const pin = n === 0 ? 2 : n;
    if (pin < 0 || pin >= IOAPIC_NUM_PINS) return;
    const mask = 1 << pin;
    const lo = this.redLo[pin]!;
    if (lo & LVT_TRIGGER_LEVEL) {
      if (level) {
        this.irr |= mask;
        if (!(lo & LVT_REMOTE_IRR)) this.service();
      } else {
        this.irr &= ~mask;
      }
    } else if (level) {
      // Edge-triggered: a rising edge latches.
      this.irr |= mask;
      if (!(lo & LVT_MASKED)) this.service();
    }
  }

  /** Send a message for every pending unmasked pin (QEMU's ioapic_service). */
  private service(): void {
    for (let pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
      const mask = 1 << pin;
      if (!(this.irr & mask)) continue;
      let lo = this.redLo[pin]!;
      if (lo & LVT_MASKED) continue;
      const level = (lo & LVT_TRIGGER_LEVEL) !== 0;
      if (level) {
        if (lo & LVT_REMOTE_IRR) continue;
        lo |= LVT_REMOTE_IRR;
        this.redLo[pin] = lo;
      } else {
        this.irr &= ~mask;
      }
      const mode = (lo >>> 8) & 7;
      if (mode === DM_EXTINT) {
        this.unimp(`ioapic: pin ${pin} with delivery mode ExtINT is not supported; not delivered`);
        continue;
      }
      const dest = this.redHi[pin]! >>> 24;
      const addr = MSI_BASE | (dest << 12) | (lo & LVT_DEST_MODE_LOGICAL ? 4 : 0);
      const data = (lo & 0xff) | (mode << 8) | (level ? 1 << 15 : 0);
      this.as.stl(addr >>> 0, data);
    }
  }

  /**
   * A level-triggered vector was EOIed by a local APIC (QEMU's ioapic_eoi_broadcast). A pin
   * still high is delivered again from a timer due now, not from inside the APIC's EOI write:
   * the memory core refuses an access that re-enters the region being written (the APIC's
   * MSI window). The timer stops the running slice after the EOI instruction, so the guest
   * sees the interrupt at the next instruction boundary, as on QEMU.
   */
  eoiBroadcast(vector: number): void {
    let again = false;
    for (let pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
      const lo = this.redLo[pin]!;
      if ((lo & 0xff) !== vector || !(lo & LVT_TRIGGER_LEVEL) || !(lo & LVT_REMOTE_IRR)) continue;
      this.redLo[pin] = lo & ~LVT_REMOTE_IRR;
      if (this.irr & (1 << pin)) again = true;
    }
    if (again) this.serviceTimer.modNs(this.clock.nowNs);
  }
}
