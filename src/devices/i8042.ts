// The 8042 keyboard controller at 0x60/0x64 (QEMU's pckbd): status, command byte, self and
// interface tests, the output port (A20 and reset), A20 commands, reset pulse, keyboard
// enable/disable, the PS/2 keyboard behind it on IRQ1 and the PS/2 mouse on the aux port, IRQ12.

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { IrqLine } from './irq.js';
import { Ps2Keyboard } from './ps2kbd.js';
import { Ps2Mouse, PS2_MOUSE_VMSTATE } from './ps2mouse.js';
import type { VMStateDescription } from '../memory/index.js';

export const KBD_STAT_OBF = 0x01;
export const KBD_STAT_IBF = 0x02;
export const KBD_STAT_SELFTEST = 0x04;
export const KBD_STAT_CMD = 0x08;
export const KBD_STAT_UNLOCKED = 0x10;
export const KBD_STAT_MOUSE_OBF = 0x20;

const MODE_KBD_INT = 0x01;
const MODE_MOUSE_INT = 0x02;
const MODE_SYS = 0x04;
/** XLATE: the keyboard's set 2 codes reach the host as set 1. */
const MODE_KCC = 0x40;
const MODE_DISABLE_KBD = 0x10;
const MODE_DISABLE_MOUSE = 0x20;

const OUT_RESET = 0x01;
const OUT_A20 = 0x02;
/** Output-port bits the PC leaves high (QEMU's KBD_OUT_ONES). */
const OUT_ONES = 0xcc;

export interface I8042Options {
  /** IRQ1: keyboard data in the output buffer. */
  irqKbd: IrqLine | null;
  /** IRQ12: mouse (aux) data in the output buffer. */
  irqMouse?: IrqLine | null;
  /** The A20 gate from output-port bit 1 (true = enabled). */
  a20: IrqLine;
  /** Output-port bit 0 going low, or a pulse command: the machine resets. */
  resetRequest: () => void;
  /** Reports commands the model does not know (for `-d unimp` / guest_errors). */
  log?: (msg: string) => void;
}

const PS2_KBD_VMSTATE: VMStateDescription = {
  name: 'ps2kbd',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'queue', type: 'uint8-list' },
    { name: 'pendingCmd', type: 'uint8' },
    { name: 'scanning', type: 'bool' },
    { name: 'leds', type: 'uint8' },
    { name: 'scancodeSet', type: 'uint8' },
    { name: 'typematic', type: 'uint8' },
    { name: 'translate', type: 'bool' },
    { name: 'needHighBit', type: 'bool' },
  ],
};

/** The 8042 and its keyboard (QEMU's vmstate_kbd and vmstate_ps2_keyboard). */
export const I8042_VMSTATE: VMStateDescription = {
  name: 'i8042',
  versionId: 2,
  minimumVersionId: 2,
  fields: [
    { name: 'status', type: 'uint8' },
    { name: 'mode', type: 'uint8' },
    { name: 'outport', type: 'uint8' },
    { name: 'writeCmd', type: 'uint8' },
    { name: 'ctrlQueue', type: 'uint8-list' },
    { name: 'obData', type: 'uint8' },
    { name: 'obAux', type: 'bool' },
    { name: 'kbd', type: 'struct', vmsd: PS2_KBD_VMSTATE },
    { name: 'mouse', type: 'struct', vmsd: PS2_MOUSE_VMSTATE },
  ],
};

export class I8042 {
  readonly dataRegion: MemoryRegion;
  readonly cmdRegion: MemoryRegion;
  readonly kbd: Ps2Keyboard;
  readonly mouse: Ps2Mouse;
  status = KBD_STAT_CMD | KBD_STAT_UNLOCKED;
  /** The command byte (QEMU's `mode`). */
  mode = MODE_KBD_INT | MODE_MOUSE_INT;
  outport = OUT_RESET | OUT_A20 | OUT_ONES;
  /** Controller command awaiting its data byte on port 0x60 (0 = none). */
  private writeCmd = 0;
  /** Replies of the controller itself, delivered before keyboard data. */
  private readonly ctrlQueue: number[] = [];
  /** The byte in the output buffer and whether it came from the aux port. */
  private obData = 0;
  private obAux = false;

  constructor(sys: MemorySystem, private readonly opts: I8042Options) {
    this.kbd = new Ps2Keyboard(() => this.fill());
    this.mouse = new Ps2Mouse(() => this.fill());
    this.dataRegion = MemoryRegion.io(sys, 'i8042', 'i8042-data', 1, {
      read: () => this.readData(),
      write: (_a, v) => this.writeData(v & 0xff),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    this.cmdRegion = MemoryRegion.io(sys, 'i8042', 'i8042-cmd', 1, {
      read: () => this.status,
      write: (_a, v) => this.writeCommand(v & 0xff),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    sys.vmstate.register(I8042_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(0x60, this.dataRegion);
    ioRoot.addSubregion(0x64, this.cmdRegion);
  }

  /** Move the next byte into an empty output buffer, then recompute the IRQs. */
  private fill(): void {
    if (!(this.status & KBD_STAT_OBF)) {
      if (this.ctrlQueue.length > 0) {
        this.present(this.ctrlQueue.shift()!, false);
      } else if (!(this.mode & MODE_DISABLE_KBD) && this.kbd.hasData) {
        // A disabled keyboard interface holds its data in the keyboard.
        this.present(this.kbd.read(), false);
      } else if (!(this.mode & MODE_DISABLE_MOUSE) && this.mouse.hasData) {
        this.present(this.mouse.read(), true);
      }
    }
    this.updateIrq();
  }

  private present(byte: number, aux: boolean): void {
    this.obData = byte;
    this.obAux = aux;
    this.status |= KBD_STAT_OBF;
    if (aux) this.status |= KBD_STAT_MOUSE_OBF;
    else this.status &= ~KBD_STAT_MOUSE_OBF;
  }

  private updateIrq(): void {
    const full = (this.status & KBD_STAT_OBF) !== 0;
    this.opts.irqKbd?.set(full && !this.obAux && (this.mode & MODE_KBD_INT) !== 0);
    this.opts.irqMouse?.set(full && this.obAux && (this.mode & MODE_MOUSE_INT) !== 0);
  }

  private reply(byte: number, aux = false): void {
    if (aux) {
      // Aux data goes straight to an empty buffer; otherwise it waits behind replies.
      if (!(this.status & KBD_STAT_OBF)) this.present(byte, true);
      this.updateIrq();
      return;
    }
    this.ctrlQueue.push(byte);
    this.fill();
  }

  private readData(): number {
    // Reading an empty buffer returns the last byte again, as on real controllers and QEMU.
    const v = this.obData;
    this.status &= ~(KBD_STAT_OBF | KBD_STAT_MOUSE_OBF);
    this.fill();
    return v;
  }

  private setOutport(val: number): void {
    this.outport = val;
    this.opts.a20.set((val & OUT_A20) !== 0);
    if (!(val & OUT_RESET)) this.opts.resetRequest();
  }

  private writeCommand(val: number): void {
    this.status |= KBD_STAT_CMD;
    switch (val) {
      case 0x20: // read command byte
        this.reply(this.mode);
        break;
      case 0x60: // write command byte
      case 0xd1: // write output port
      case 0xd2: // write keyboard output buffer
      case 0xd3: // write aux output buffer
      case 0xd4: // write to aux device
        this.writeCmd = val;
        break;
      case 0xa7:
        this.mode |= MODE_DISABLE_MOUSE;
        break;
      case 0xa8:
        this.mode &= ~MODE_DISABLE_MOUSE;
        this.fill();
        break;
      case 0xa9: // aux interface test: OK
        this.reply(0x00);
        break;
      case 0xaa: // controller self test: passed, and the system flag goes up
        this.status |= KBD_STAT_SELFTEST;
        this.reply(0x55);
        break;
      case 0xab: // keyboard interface test: OK
        this.reply(0x00);
        break;
      case 0xad:
        this.mode |= MODE_DISABLE_KBD;
        this.updateIrq();
        break;
      case 0xae:
        this.mode &= ~MODE_DISABLE_KBD;
        this.fill();
        break;
      case 0xc0: // read input port: keyboard not inhibited
        this.reply(0x80);
        break;
      case 0xd0: // read output port
        this.reply(this.outport);
        break;
      case 0xdd: // A20 off
        this.outport &= ~OUT_A20;
        this.opts.a20.set(false);
        break;
      case 0xdf: // A20 on
        this.outport |= OUT_A20;
        this.opts.a20.set(true);
        break;
      default:
        if ((val & 0xf0) === 0xf0) {
          // Pulse output-port bits whose mask bit is 0; bit 0 is the CPU reset line.
          if (!(val & 1)) this.opts.resetRequest();
        } else {
          this.opts.log?.(`i8042: unsupported command 0x${val.toString(16)}`);
        }
    }
  }

  private writeData(val: number): void {
    this.status &= ~KBD_STAT_CMD;
    const cmd = this.writeCmd;
    this.writeCmd = 0;
    switch (cmd) {
      case 0:
        // Writing to the keyboard re-enables its interface (as QEMU).
        this.mode &= ~MODE_DISABLE_KBD;
        this.kbd.write(val);
        break;
      case 0x60:
        this.mode = val;
        this.kbd.translate = (val & MODE_KCC) !== 0;
        if (val & MODE_SYS) this.status |= KBD_STAT_SELFTEST;
        else this.status &= ~KBD_STAT_SELFTEST;
        this.fill();
        break;
      case 0xd1:
        this.setOutport(val);
        break;
      case 0xd2:
        this.reply(val);
        break;
      case 0xd3:
        this.reply(val, true);
        break;
      case 0xd4:
        // Writing to the mouse re-enables the aux interface (as QEMU).
        this.mode &= ~MODE_DISABLE_MOUSE;
        this.mouse.write(val);
        break;
    }
  }

  /** Machine reset (QEMU's kbd_reset). */
  reset(): void {
    this.mode = MODE_KBD_INT | MODE_MOUSE_INT;
    this.status = KBD_STAT_CMD | KBD_STAT_UNLOCKED;
    this.outport = OUT_RESET | OUT_A20 | OUT_ONES;
    this.writeCmd = 0;
    this.ctrlQueue.length = 0;
    this.kbd.reset();
    this.mouse.reset();
    this.updateIrq();
  }
}
