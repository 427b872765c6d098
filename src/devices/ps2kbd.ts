// A PS/2 keyboard as seen behind the 8042: it answers the host commands firmware uses
// (reset, echo, identify, enable/disable, LEDs, typematic, scan-code set) and queues scan codes,
// translated to set 1 when the 8042's XLATE bit is on (as QEMU's ps2_put_keycode).

import { SET2_TO_SET1 } from './ps2-translate.js';

/** The keyboard's output FIFO has room for 16 bytes, as QEMU's ps2 queue. */
const QUEUE_MAX = 16;

const ACK = 0xfa;
const RESEND = 0xfe;

export class Ps2Keyboard {
  private readonly queue: number[] = [];
  /** A command waiting for its argument byte (0 when none). */
  private pendingCmd = 0;
  scanning = true;
  leds = 0;
  scancodeSet = 2;
  typematic = 0;
  /** The 8042 translates set 2 codes to set 1 (its command byte bit 6). */
  translate = false;
  /** A translated 0xF0 break prefix is waiting for the code it applies to. */
  needHighBit = false;

  /** `notify` tells the controller that the keyboard has data. */
  constructor(private readonly notify: () => void) {}

  /** Bytes waiting in the queue (a host frontend sends a key when it fits). */
  get queued(): number {
    return this.queue.length;
  }

  get hasData(): boolean {
    return this.queue.length > 0;
  }

  read(): number {
    return this.queue.shift() ?? 0;
  }

  private put(...bytes: number[]): void {
    for (const b of bytes) if (this.queue.length < QUEUE_MAX) this.queue.push(b);
    this.notify();
  }

  /**
   * Key presses/releases from the host as set 2 codes (0xE0 extension and 0xF0 break prefixes),
   * dropped while scanning is off. A guest that chose set 1 without translation gets set 1
   * codes; set 3 is not modelled (the codes stay set 2).
   */
  sendScancodes(bytes: readonly number[]): void {
    if (!this.scanning) return;
    if (this.scancodeSet === 1 && !this.translate) {
      let brk = 0;
      for (const b of bytes) {
        if (b === 0xf0) brk = 0x80;
        else {
          this.put(SET2_TO_SET1[b]! | brk);
          brk = 0;
        }
      }
      return;
    }
    for (const b of bytes) this.putKeycode(b);
  }

  private putKeycode(code: number): void {
    if (!this.translate) this.put(code);
    else if (code === 0xf0) this.needHighBit = true;
    else {
      this.put(SET2_TO_SET1[code]! | (this.needHighBit ? 0x80 : 0));
      this.needHighBit = false;
    }
  }

  /** A byte from the host (the guest wrote port 0x60 with no controller command pending). */
  write(val: number): void {
    if (this.pendingCmd) {
      const cmd = this.pendingCmd;
      this.pendingCmd = 0;
      if (cmd === 0xed) this.leds = val & 7;
      else if (cmd === 0xf3) this.typematic = val & 0x7f;
      else if (cmd === 0xf0) {
        if (val === 0) {
          this.put(ACK, this.scancodeSet);
          return;
        }
        if (val <= 3) this.scancodeSet = val;
      }
      this.put(ACK);
      return;
    }
    switch (val) {
      case 0xff: // reset: ACK, then the self-test result (BAT passed)
        this.resetState();
        this.put(ACK, 0xaa);
        break;
      case 0xee: // echo: answered with itself, no ACK
        this.put(0xee);
        break;
      case 0xf2: // identify: an MF2 keyboard
        this.put(ACK, 0xab, 0x83);
        break;
      case 0xf4:
        this.scanning = true;
        this.put(ACK);
        break;
      case 0xf5: // disable and restore defaults
        this.scanning = false;
        this.put(ACK);
        break;
      case 0xf6:
        this.scanning = true;
        this.put(ACK);
        break;
      case 0xed:
      case 0xf3:
      case 0xf0:
        this.pendingCmd = val;
        this.put(ACK);
        break;
      default:
        this.put(RESEND); // unknown command: the keyboard asks for a resend
    }
  }

  private resetState(): void {
    this.queue.length = 0;
    this.pendingCmd = 0;
    this.scanning = true;
    this.leds = 0;
    this.scancodeSet = 2;
  }

  reset(): void {
    this.resetState();
    this.translate = false;
    this.needHighBit = false;
  }
}
