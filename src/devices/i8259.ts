// The PC's pair of 8259A programmable interrupt controllers (master 0x20/0x21, slave
// 0xA0/0xA1 cascaded on IRQ2, ELCR at 0x4D0/0x4D1), behaving as QEMU's hw/intc/i8259.c.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import { IrqLine } from './irq.js';
import type { VMStateDescription } from '../memory/index.js';

/** One 8259A. The pair below wires two of them together and to the CPU. */
export class Pic8259Chip {
  /** Input levels as last seen (edge detection for edge-triggered inputs). */
  lastIrr = 0;
  irr = 0;
  imr = 0;
  isr = 0;
  /** Rotation: the IRQ with the highest priority is priorityAdd (0 = IRQ0 highest). */
  priorityAdd = 0;
  irqBase = 0;
  /** OCW3 RR/RIS: reads of the command port give ISR (true) or IRR (false). */
  readIsr = false;
  poll = false;
  specialMask = false;
  /** 0 = operational; 1, 2, 3 = waiting for ICW2, ICW3, ICW4. */
  initState = 0;
  autoEoi = false;
  rotateOnAutoEoi = false;
  specialFullyNested = false;
  init4 = false;
  singleMode = false;
  /** ICW1 LTIM: every input level-triggered. */
  ltim = false;
  /** Edge/level control register (1 = level); bits outside elcrMask cannot be set. */
  elcr = 0;
  /** INT output level. */
  intOut = false;

  constructor(
    readonly isMaster: boolean,
    readonly elcrMask: number,
    /** Called whenever the INT output is recomputed (may repeat the same level). */
    private readonly output: (level: boolean) => void,
  ) {}

  /** Priority (0 highest) of the best request in mask under the current rotation, 8 if none. */
  private priorityOf(mask: number): number {
    if (mask === 0) return 8;
    let p = 0;
    while ((mask & (1 << ((p + this.priorityAdd) & 7))) === 0) p++;
    return p;
  }

  /** The IRQ this chip would present now, or -1: one that outranks everything in service. */
  pendingIrq(): number {
    const p = this.priorityOf(this.irr & ~this.imr);
    if (p === 8) return -1;
    let inService = this.isr;
    // Special mask mode: masked levels in service do not block lower priorities.
    if (this.specialMask) inService &= ~this.imr;
    // Special fully nested mode: the slave may interrupt while its cascade input is in service.
    if (this.specialFullyNested && this.isMaster) inService &= ~(1 << 2);
    return p < this.priorityOf(inService) ? (p + this.priorityAdd) & 7 : -1;
  }

  update(): void {
    this.intOut = this.pendingIrq() >= 0;
    this.output(this.intOut);
  }

  setIrq(irq: number, level: boolean): void {
    const mask = 1 << irq;
    if (this.ltim || this.elcr & mask) {
      // Level triggered: the request follows the line.
      if (level) {
        this.irr |= mask;
        this.lastIrr |= mask;
      } else {
        this.irr &= ~mask;
        this.lastIrr &= ~mask;
      }
    } else {
      // Edge triggered: only a rising edge latches a request.
      if (level) {
        if ((this.lastIrr & mask) === 0) this.irr |= mask;
        this.lastIrr |= mask;
      } else {
        this.lastIrr &= ~mask;
      }
    }
    this.update();
  }

  /** The INTA cycle for `irq` on this chip: set ISR (or auto-EOI), drop an edge request. */
  intack(irq: number): void {
    if (this.autoEoi) {
      if (this.rotateOnAutoEoi) this.priorityAdd = (irq + 1) & 7;
    } else {
      this.isr |= 1 << irq;
    }
    // A level-triggered request stays in IRR while its line is high.
    if (!this.ltim && !(this.elcr & (1 << irq))) this.irr &= ~(1 << irq);
    this.update();
  }

  /** ICW1 initialisation (QEMU's pic_init_reset): everything but ELCR and level requests. */
  initReset(): void {
    this.lastIrr = 0;
    this.irr &= this.elcr;
    this.imr = 0;
    this.isr = 0;
    this.priorityAdd = 0;
    this.irqBase = 0;
    this.readIsr = false;
    this.poll = false;
    this.specialMask = false;
    this.initState = 0;
    this.autoEoi = false;
    this.rotateOnAutoEoi = false;
    this.specialFullyNested = false;
    this.init4 = false;
    this.singleMode = false;
    this.update();
  }

  /** Machine reset. */
  reset(): void {
    this.elcr = 0;
    this.ltim = false;
    this.initReset();
  }

  writePort(port: number, val: number): void {
    if (port === 0) {
      if (val & 0x10) {
        // ICW1
        this.initReset();
        this.initState = 1;
        this.init4 = (val & 1) !== 0;
        this.singleMode = (val & 2) !== 0;
        this.ltim = (val & 8) !== 0;
      } else if (val & 0x08) {
        // OCW3
        if (val & 0x04) this.poll = true;
        if (val & 0x02) this.readIsr = (val & 1) !== 0;
        if (val & 0x40) {
          this.specialMask = (val & 0x20) !== 0;
          // The chip re-evaluates at once (QEMU waits for the next event; the datasheet does not).
          this.update();
        }
      } else {
        this.ocw2(val);
      }
      return;
    }
    switch (this.initState) {
      case 0: // OCW1
        this.imr = val;
        this.update();
        break;
      case 1: // ICW2: the vector base (low 3 bits come from the IRQ number)
        this.irqBase = val & 0xf8;
        this.initState = this.singleMode ? (this.init4 ? 3 : 0) : 2;
        break;
      case 2: // ICW3: the cascade wiring is fixed on a PC, nothing to record
        this.initState = this.init4 ? 3 : 0;
        break;
      case 3: // ICW4
        this.specialFullyNested = (val & 0x10) !== 0;
        this.autoEoi = (val & 0x02) !== 0;
        this.initState = 0;
        break;
    }
  }

  private ocw2(val: number): void {
    const cmd = val >> 5;
    switch (cmd) {
      case 0: // clear rotate in auto-EOI mode
      case 4: // set rotate in auto-EOI mode
        this.rotateOnAutoEoi = cmd === 4;
        break;
      case 1: // non-specific EOI
      case 5: {
        // rotate on non-specific EOI
        const p = this.priorityOf(this.isr);
        if (p !== 8) {
          const irq = (p + this.priorityAdd) & 7;
          this.isr &= ~(1 << irq);
          if (cmd === 5) this.priorityAdd = (irq + 1) & 7;
          this.update();
        }
        break;
      }
      case 3: // specific EOI
        this.isr &= ~(1 << (val & 7));
        this.update();
        break;
      case 6: // set priority: the named IRQ becomes the lowest
        this.priorityAdd = (val + 1) & 7;
        this.update();
        break;
      case 7: {
        // rotate on specific EOI
        const irq = val & 7;
        this.isr &= ~(1 << irq);
        this.priorityAdd = (irq + 1) & 7;
        this.update();
        break;
      }
      case 2: // no operation
        break;
    }
  }

  readPort(port: number): number {
    if (this.poll) {
      // Poll mode: the read is the acknowledge; bit 7 says whether there was a request.
      this.poll = false;
      const irq = this.pendingIrq();
      if (irq < 0) return 0;
      this.intack(irq);
      return irq | 0x80;
    }
    if (port === 0) return this.readIsr ? this.isr : this.irr;
    return this.imr;
  }
}

/** One 8259 (QEMU's vmstate_pic_common); the master is instance 0, the slave 1. */
export const PIC_VMSTATE: VMStateDescription = {
  name: 'i8259',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'lastIrr', type: 'uint8' },
    { name: 'irr', type: 'uint8' },
    { name: 'imr', type: 'uint8' },
    { name: 'isr', type: 'uint8' },
    { name: 'priorityAdd', type: 'uint8' },
    { name: 'irqBase', type: 'uint8' },
    { name: 'readIsr', type: 'bool' },
    { name: 'poll', type: 'bool' },
    { name: 'specialMask', type: 'bool' },
    { name: 'initState', type: 'uint8' },
    { name: 'init4', type: 'bool' },
    { name: 'autoEoi', type: 'bool' },
    { name: 'rotateOnAutoEoi', type: 'bool' },
    { name: 'specialFullyNested', type: 'bool' },
    { name: 'singleMode', type: 'bool' },
    { name: 'ltim', type: 'bool' },
    { name: 'elcr', type: 'uint8' },
    { name: 'intOut', type: 'bool' },
  ],
  unmigrated: ['isMaster', 'elcrMask'],
};

/** Master + slave, the 16 ISA IRQ inputs and the CPU's INTR/INTA interface. */
export class I8259 {
  readonly master: Pic8259Chip;
  readonly slave: Pic8259Chip;
  /** One line per ISA IRQ (0-15) for devices to drive. IRQ2 is the cascade: use 9 instead. */
  readonly irqs: IrqLine[];
  readonly masterRegion: MemoryRegion;
  readonly slaveRegion: MemoryRegion;
  readonly elcrRegion: MemoryRegion;

  /**
   * `intr` is the CPU's INTR pin; it is told of every recomputation of the master's output.
   * It may be set after construction (the CPU is often made later).
   */
  constructor(sys: MemorySystem, public intr: IrqLine | null = null) {
    this.master = new Pic8259Chip(true, 0xf8, (level) => this.intr?.set(level));
    this.slave = new Pic8259Chip(false, 0xde, (level) => this.master.setIrq(2, level));
    this.irqs = [];
    for (let i = 0; i < 16; i++) this.irqs.push(new IrqLine((level) => this.setIrq(i, level)));
    const chipOps = (chip: Pic8259Chip) => ({
      read: (addr: number) => chip.readPort(addr),
      write: (addr: number, value: number) => chip.writePort(addr, value & 0xff),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    this.masterRegion = MemoryRegion.io(sys, 'i8259', 'pic', 2, chipOps(this.master));
    this.slaveRegion = MemoryRegion.io(sys, 'i8259', 'pic', 2, chipOps(this.slave));
    this.elcrRegion = MemoryRegion.io(sys, 'i8259', 'elcr', 2, {
      read: (addr) => (addr === 0 ? this.master : this.slave).elcr,
      write: (addr, value) => {
        const chip = addr === 0 ? this.master : this.slave;
        chip.elcr = value & chip.elcrMask;
      },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    sys.vmstate.register(PIC_VMSTATE, this.master, 0);
    sys.vmstate.register(PIC_VMSTATE, this.slave, 1);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(0x20, this.masterRegion);
    ioRoot.addSubregion(0xa0, this.slaveRegion);
    ioRoot.addSubregion(0x4d0, this.elcrRegion);
  }

  /** Drive ISA IRQ n (0-15). */
  setIrq(n: number, level: boolean): void {
    if (n < 8) this.master.setIrq(n, level);
    else this.slave.setIrq(n - 8, level);
  }

  /** The INTR line: does the master present an interrupt to the CPU? */
  hasInterrupt(): boolean {
    return this.master.intOut;
  }

  /**
   * The INTA cycle (QEMU's pic_read_irq): returns the vector and moves the request into
   * service. With nothing to deliver it returns the spurious IRQ7 vector (IRQ15 when the slave
   * has lost its request), without setting ISR on the chip that had nothing.
   */
  acknowledge(): number {
    const irq = this.master.pendingIrq();
    if (irq < 0) return this.master.irqBase + 7;
    let vector: number;
    if (irq === 2) {
      let irq2 = this.slave.pendingIrq();
      if (irq2 >= 0) this.slave.intack(irq2);
      else irq2 = 7;
      vector = this.slave.irqBase + irq2;
    } else {
      vector = this.master.irqBase + irq;
    }
    this.master.intack(irq);
    return vector;
  }

  reset(): void {
    this.slave.reset();
    this.master.reset();
  }
}
