// The 16550A UART (COM1 at 0x3F8 on IRQ4): registers, 16-byte receive FIFO with trigger levels
// and character timeout, interrupt priorities, loopback. Transmission is instantaneous and
// deterministic: a byte written to THR goes to the char backend at once.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { CharBackend, CharReceiver } from './chardev.js';
import { Timer, type VirtualClock } from './clock.js';
import type { IrqLine } from './irq.js';
import type { VMStateDescription } from '../memory/index.js';

const IER_RDI = 0x01;
const IER_THRI = 0x02;
const IER_RLSI = 0x04;
const IER_MSI = 0x08;

const IIR_NO_INT = 0x01;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_CTI = 0x0c;
const IIR_FE = 0xc0;

const FCR_FE = 0x01;
const FCR_RFR = 0x02;
const FCR_XFR = 0x04;

const LCR_DLAB = 0x80;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;

const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_BI = 0x10;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
/** Line status conditions that raise the RLS interrupt (OE, PE, FE, BI). */
const LSR_INT_ANY = 0x1e;

const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
const MSR_ANY_DELTA = 0x0f;

const FIFO_LEN = 16;
/** The UART's clock: 1.8432 MHz, divided by 16 and by the divisor latch. */
const BAUD_BASE = 115200;

export interface Serial16550AOptions {
  /** 0x3F8 (COM1, IRQ4) by default; 0x2F8 is COM2 on IRQ3. */
  iobase?: number;
}

/** A 16550A (QEMU's vmstate_serial with its FIFO subsection); COM1 is instance 0. */
export const SERIAL_VMSTATE: VMStateDescription = {
  name: 'serial',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'divider', type: 'uint16' },
    { name: 'rbr', type: 'uint8' },
    { name: 'ier', type: 'uint8' },
    { name: 'iir', type: 'uint8' },
    { name: 'fcr', type: 'uint8' },
    { name: 'lcr', type: 'uint8' },
    { name: 'mcr', type: 'uint8' },
    { name: 'lsr', type: 'uint8' },
    { name: 'msr', type: 'uint8' },
    { name: 'scr', type: 'uint8' },
    { name: 'thrIpending', type: 'bool' },
    { name: 'timeoutIpending', type: 'bool' },
    { name: 'rxFifo', type: 'buffer' },
    { name: 'rxHead', type: 'uint8' },
    { name: 'rxCount', type: 'uint8' },
    { name: 'rxTrigger', type: 'uint8' },
  ],
  unmigrated: ['iobase', 'byte'],
};

export class Serial16550A implements CharReceiver {
  readonly iobase: number;
  readonly region: MemoryRegion;
  divider = 0x0c;
  rbr = 0;
  ier = 0;
  iir = IIR_NO_INT;
  fcr = 0;
  lcr = 0;
  mcr = MCR_OUT2;
  lsr = LSR_TEMT | LSR_THRE;
  /** No modem is attached: carrier, data set ready and clear to send are up. */
  msr = MSR_DCD | MSR_DSR | MSR_CTS;
  scr = 0;
  private thrIpending = false;
  private timeoutIpending = false;
  /** Receive FIFO as a ring of FIFO_LEN bytes. */
  private readonly rxFifo = new Uint8Array(FIFO_LEN);
  private rxHead = 0;
  private rxCount = 0;
  private rxTrigger = 1;
  private readonly timeoutTimer: Timer;
  private readonly byte = new Uint8Array(1);

  constructor(
    sys: MemorySystem,
    readonly clock: VirtualClock,
    readonly chr: CharBackend,
    /** The UART's interrupt output (the PC gates it with MCR OUT2, as on ISA cards). */
    readonly irq: IrqLine | null,
    opts: Serial16550AOptions = {},
  ) {
    this.iobase = opts.iobase ?? 0x3f8;
    this.timeoutTimer = new Timer(clock, () => {
      if (this.rxCount > 0) {
        this.timeoutIpending = true;
        this.updateIrq();
      }
    });
    this.region = MemoryRegion.io(sys, 'serial', 'serial', 8, {
      read: (addr) => this.read(addr),
      write: (addr, value) => this.write(addr, value & 0xff),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    chr.setReceiver(this);
    sys.vmstate.register(SERIAL_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }

  private get fifoEnabled(): boolean {
    return (this.fcr & FCR_FE) !== 0;
  }

  /** Time to send one frame (start + data + parity + stop bits) at the programmed rate. */
  private charTimeNs(): number {
    const bits = 1 + 5 + (this.lcr & 3) + (this.lcr & 0x08 ? 1 : 0) + (this.lcr & 0x04 ? 2 : 1);
    const speed = BAUD_BASE / (this.divider || 1);
    return (1e9 / speed) * bits;
  }

  /** Interrupt identification in priority order: RLS > RDA / timeout > THRE > MSI. */
  private updateIrq(): void {
    let id = IIR_NO_INT;
    if (this.ier & IER_RLSI && this.lsr & LSR_INT_ANY) {
      id = IIR_RLSI;
    } else if (this.ier & IER_RDI && this.timeoutIpending) {
      id = IIR_CTI;
    } else if (this.ier & IER_RDI && this.lsr & LSR_DR && (!this.fifoEnabled || this.rxCount >= this.rxTrigger)) {
      id = IIR_RDI;
    } else if (this.ier & IER_THRI && this.thrIpending) {
      id = IIR_THRI;
    } else if (this.ier & IER_MSI && this.msr & MSR_ANY_DELTA) {
      id = IIR_MSI;
    }
    this.iir = id | (this.iir & 0xf0);
    this.irq?.set(id !== IIR_NO_INT && (this.mcr & MCR_OUT2) !== 0);
  }

  // ---- receive side ----

  canReceive(): number {
    if (this.mcr & MCR_LOOP) return 0; // the serial input is disconnected in loopback
    if (this.fifoEnabled) return FIFO_LEN - this.rxCount;
    return this.lsr & LSR_DR ? 0 : 1;
  }

  receive(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.receiveByte(data[i]!);
    this.updateIrq();
  }

  private receiveByte(b: number): void {
    if (this.fifoEnabled) {
      if (this.rxCount === FIFO_LEN) {
        this.lsr |= LSR_OE; // the byte is lost; the FIFO keeps what it had
      } else {
        this.rxFifo[(this.rxHead + this.rxCount) % FIFO_LEN] = b;
        this.rxCount++;
      }
      this.lsr |= LSR_DR;
      this.timeoutTimer.modNs(this.clock.nowNs + 4 * this.charTimeNs());
    } else {
      if (this.lsr & LSR_DR) this.lsr |= LSR_OE;
      this.rbr = b;
      this.lsr |= LSR_DR;
    }
  }

  private resetRxFifo(): void {
    this.rxHead = 0;
    this.rxCount = 0;
    this.lsr &= ~(LSR_DR | LSR_BI);
    this.timeoutTimer.del();
    this.timeoutIpending = false;
  }

  // ---- transmit side ----

  private transmit(b: number): void {
    if (this.mcr & MCR_LOOP) {
      this.receiveByte(b); // loopback: the byte comes straight back in
    } else {
      this.byte[0] = b;
      this.chr.write(this.byte);
    }
    // The shift register empties at once, so THR is empty again after every write.
    this.lsr |= LSR_THRE | LSR_TEMT;
    this.thrIpending = true;
    this.updateIrq();
  }

  // ---- modem lines ----

  /** MSR status bits in loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
  private loopbackMsr(mcr: number): number {
    return (
      (mcr & MCR_DTR ? MSR_DSR : 0) | (mcr & MCR_RTS ? MSR_CTS : 0) | (mcr & MCR_OUT1 ? MSR_RI : 0) | (mcr & MCR_OUT2 ? MSR_DCD : 0)
    );
  }

  /** New modem status bits: record the deltas (RI only on its trailing edge). */
  private setModemStatus(status: number): void {
    const old = this.msr & 0xf0;
    const changed = old ^ status;
    let delta = this.msr & MSR_ANY_DELTA;
    if (changed & MSR_CTS) delta |= 0x01;
    if (changed & MSR_DSR) delta |= 0x02;
    if (old & MSR_RI && !(status & MSR_RI)) delta |= 0x04;
    if (changed & MSR_DCD) delta |= 0x08;
    this.msr = status | delta;
  }

  // ---- registers ----

  private write(addr: number, val: number): void {
    switch (addr) {
      case 0:
        if (this.lcr & LCR_DLAB) this.divider = (this.divider & 0xff00) | val;
        else {
          this.lsr &= ~(LSR_THRE | LSR_TEMT);
          this.thrIpending = false;
          this.transmit(val);
        }
        break;
      case 1:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0xff) | (val << 8);
        } else {
          const changed = (this.ier ^ val) & 0x0f;
          this.ier = val & 0x0f;
          // Enabling THRI while THR is empty raises the THRE interrupt at once.
          if (changed & IER_THRI) this.thrIpending = (this.ier & IER_THRI) !== 0 && (this.lsr & LSR_THRE) !== 0;
          this.updateIrq();
        }
        break;
      case 2: {
        if (val === this.fcr) break;
        // Switching the FIFOs on or off clears them.
        if ((val ^ this.fcr) & FCR_FE) val |= FCR_RFR | FCR_XFR;
        if (val & FCR_RFR) this.resetRxFifo();
        if (val & FCR_XFR) {
          this.lsr |= LSR_THRE;
          this.thrIpending = true;
        }
        this.fcr = val & 0xc9; // the reset bits self-clear
        if (this.fcr & FCR_FE) {
          this.iir |= IIR_FE;
          this.rxTrigger = [1, 4, 8, 14][val >> 6]!;
        } else {
          this.iir &= ~IIR_FE;
        }
        this.updateIrq();
        this.chr.acceptInput();
        break;
      }
      case 3:
        this.lcr = val;
        break;
      case 4: {
        const wasLoop = (this.mcr & MCR_LOOP) !== 0;
        this.mcr = val & 0x1f;
        if (this.mcr & MCR_LOOP) this.setModemStatus(this.loopbackMsr(this.mcr));
        else if (wasLoop) this.setModemStatus(MSR_DCD | MSR_DSR | MSR_CTS);
        this.updateIrq();
        if (wasLoop && !(this.mcr & MCR_LOOP)) this.chr.acceptInput();
        break;
      }
      case 5:
      case 6:
        break; // LSR and MSR are status registers; writes are a factory test we do not model
      case 7:
        this.scr = val;
        break;
    }
  }

  private read(addr: number): number {
    switch (addr) {
      case 0: {
        if (this.lcr & LCR_DLAB) return this.divider & 0xff;
        let v: number;
        if (this.fifoEnabled) {
          v = 0;
          if (this.rxCount > 0) {
            v = this.rxFifo[this.rxHead]!;
            this.rxHead = (this.rxHead + 1) % FIFO_LEN;
            this.rxCount--;
          }
          if (this.rxCount === 0) {
            this.lsr &= ~(LSR_DR | LSR_BI);
            this.timeoutTimer.del();
          } else {
            this.timeoutTimer.modNs(this.clock.nowNs + 4 * this.charTimeNs());
          }
          this.timeoutIpending = false;
        } else {
          v = this.rbr;
          this.lsr &= ~(LSR_DR | LSR_BI);
        }
        this.updateIrq();
        if (!(this.mcr & MCR_LOOP)) this.chr.acceptInput();
        return v;
      }
      case 1:
        return this.lcr & LCR_DLAB ? (this.divider >> 8) & 0xff : this.ier;
      case 2: {
        const v = this.iir;
        // Reading IIR while it reports THRE acknowledges that interrupt.
        if ((v & 0x0f) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return v;
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5: {
        const v = this.lsr;
        if (this.lsr & (LSR_BI | LSR_OE)) {
          this.lsr &= ~(LSR_BI | LSR_OE); // error bits clear on read
          this.updateIrq();
        }
        return v;
      }
      case 6: {
        const v = this.msr;
        if (this.msr & MSR_ANY_DELTA) {
          this.msr &= 0xf0; // delta bits clear on read
          this.updateIrq();
        }
        return v;
      }
      default:
        return this.scr;
    }
  }

  /** Machine reset (QEMU's serial_reset). */
  reset(): void {
    this.rbr = 0;
    this.ier = 0;
    this.iir = IIR_NO_INT;
    this.lcr = 0;
    this.lsr = LSR_TEMT | LSR_THRE;
    this.msr = MSR_DCD | MSR_DSR | MSR_CTS;
    this.scr = 0;
    this.divider = 0x0c;
    this.mcr = MCR_OUT2;
    this.fcr = 0;
    this.thrIpending = false;
    this.resetRxFifo();
    this.updateIrq();
  }
}
