// A PS/2 mouse on the 8042's aux port (QEMU's ps2 mouse): the host commands drivers use
// (reset, status, resolution, sample rate, stream/remote/wrap modes, enable), IntelliMouse
// (ID 3) and Explorer (ID 4) detection by the 200-100-80 / 200-200-80 sample-rate knocks, and
// movement packets built from the host's pointer as the queue has room.

import type { VMStateDescription } from '../memory/index.js';

const QUEUE_MAX = 16;
const ACK = 0xfa;

const STATUS_REMOTE = 0x40;
const STATUS_ENABLED = 0x20;
const STATUS_SCALE21 = 0x10;

export const PS2_MOUSE_VMSTATE: VMStateDescription = {
  name: 'ps2mouse',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'queue', type: 'uint8-list' },
    { name: 'writeCmd', type: 'int32' },
    { name: 'status', type: 'uint8' },
    { name: 'resolution', type: 'uint8' },
    { name: 'sampleRate', type: 'uint8' },
    { name: 'wrap', type: 'bool' },
    { name: 'type', type: 'uint8' },
    { name: 'detectState', type: 'uint8' },
    { name: 'dx', type: 'int32' },
    { name: 'dy', type: 'int32' },
    { name: 'dz', type: 'int32' },
    { name: 'buttons', type: 'uint8' },
  ],
};

const clamp = (v: number, lim: number): number => (v > lim ? lim : v < -lim ? -lim : v);

export class Ps2Mouse {
  private readonly queue: number[] = [];
  /** A command waiting for its argument byte (-1 when none). */
  writeCmd = -1;
  status = 0;
  resolution = 2;
  sampleRate = 100;
  wrap = false;
  /** The device ID: 0 standard, 3 IntelliMouse (wheel), 4 IntelliMouse Explorer. */
  type = 0;
  detectState = 0;
  /** Movement not yet sent (PS/2 y grows upwards). */
  dx = 0;
  dy = 0;
  dz = 0;
  buttons = 0;

  /** `notify` tells the controller that the mouse has data. */
  constructor(private readonly notify: () => void) {}

  get hasData(): boolean {
    return this.queue.length > 0;
  }

  read(): number {
    const v = this.queue.shift() ?? 0;
    // Room freed: a stream-mode mouse sends what movement is left.
    if (this.queue.length === 0) this.sync();
    return v;
  }

  private put(...bytes: number[]): void {
    for (const b of bytes) if (this.queue.length < QUEUE_MAX) this.queue.push(b);
    this.notify();
  }

  /**
   * Host pointer input: relative movement (x right, y down, as screens count), wheel steps and
   * the buttons held (bit 0 left, 1 right, 2 middle, 3-4 side). Ignored while the guest has
   * not enabled reporting, as QEMU's.
   */
  event(dx: number, dy: number, dz: number, buttons: number): void {
    if (!(this.status & STATUS_ENABLED)) return;
    this.dx += dx;
    this.dy -= dy;
    this.dz += dz;
    const changed = buttons !== this.buttons;
    this.buttons = buttons;
    if (changed || dx !== 0 || dy !== 0 || dz !== 0) this.sync(changed);
  }

  /** Stream mode: send packets while the queue has room for one (QEMU's ps2_mouse_sync). */
  private sync(force = false): void {
    if (!(this.status & STATUS_ENABLED) || (this.status & STATUS_REMOTE)) return;
    if (!force && this.dx === 0 && this.dy === 0 && this.dz === 0) return;
    while (this.queue.length < QUEUE_MAX - 4) {
      this.sendPacket();
      if (this.dx === 0 && this.dy === 0 && this.dz === 0) break;
    }
  }

  private sendPacket(): void {
    const dx = clamp(this.dx, 127);
    const dy = clamp(this.dy, 127);
    const b = 0x08 | ((dx < 0 ? 1 : 0) << 4) | ((dy < 0 ? 1 : 0) << 5) | (this.buttons & 7);
    const bytes = [b, dx & 0xff, dy & 0xff];
    let dz = 0;
    if (this.type === 3) {
      dz = clamp(this.dz, 127);
      bytes.push(dz & 0xff);
    } else if (this.type === 4) {
      dz = clamp(this.dz, 7);
      bytes.push((dz & 0x0f) | ((this.buttons & 0x18) << 1));
    }
    this.put(...bytes);
    this.dx -= dx;
    this.dy -= dy;
    this.dz -= dz;
  }

  /** A byte the guest sent to the mouse (8042 command 0xD4). */
  write(val: number): void {
    if (this.writeCmd >= 0) {
      const cmd = this.writeCmd;
      this.writeCmd = -1;
      if (cmd === 0xe8) this.resolution = val & 3;
      else if (cmd === 0xf3) this.setSampleRate(val);
      this.put(ACK);
      return;
    }
    if (this.wrap && val !== 0xec && val !== 0xff) {
      this.put(val); // wrap mode echoes everything but its reset commands
      return;
    }
    switch (val) {
      case 0xe6: // scaling 1:1
        this.status &= ~STATUS_SCALE21;
        this.put(ACK);
        break;
      case 0xe7: // scaling 2:1
        this.status |= STATUS_SCALE21;
        this.put(ACK);
        break;
      case 0xe8: // set resolution
      case 0xf3: // set sample rate
        this.writeCmd = val;
        this.put(ACK);
        break;
      case 0xe9: // status request
        this.put(ACK, this.status, this.resolution, this.sampleRate);
        break;
      case 0xea: // stream mode
        this.status &= ~STATUS_REMOTE;
        this.put(ACK);
        break;
      case 0xeb: // read data (remote mode)
        this.put(ACK);
        this.sendPacket();
        break;
      case 0xec: // reset wrap mode
        this.wrap = false;
        this.put(ACK);
        break;
      case 0xee: // wrap mode
        this.wrap = true;
        this.put(ACK);
        break;
      case 0xf0: // remote mode
        this.status |= STATUS_REMOTE;
        this.put(ACK);
        break;
      case 0xf2: // get device ID
        this.put(ACK, this.type);
        break;
      case 0xf4:
        this.status |= STATUS_ENABLED;
        this.put(ACK);
        break;
      case 0xf5:
        this.status &= ~STATUS_ENABLED;
        this.put(ACK);
        break;
      case 0xf6: // set defaults
        this.status = 0;
        this.resolution = 2;
        this.sampleRate = 100;
        this.put(ACK);
        break;
      case 0xff: // reset: ACK, self-test passed, device ID
        this.resetState();
        this.put(ACK, 0xaa, this.type);
        break;
      default:
        // QEMU's mouse ignores commands it does not know; a real one asks for a resend.
        break;
    }
  }

  private setSampleRate(val: number): void {
    this.sampleRate = val;
    // The IntelliMouse knocks: 200, 100, 80 gives ID 3; 200, 200, 80 gives ID 4.
    switch (this.detectState) {
      case 1:
        this.detectState = val === 100 ? 2 : val === 200 ? 3 : 0;
        break;
      case 2:
        if (val === 80) this.type = 3;
        this.detectState = 0;
        break;
      case 3:
        if (val === 80) this.type = 4;
        this.detectState = 0;
        break;
      default:
        this.detectState = val === 200 ? 1 : 0;
    }
  }

  private resetState(): void {
    this.queue.length = 0;
    this.writeCmd = -1;
    this.status = 0;
    this.resolution = 2;
    this.sampleRate = 100;
    this.wrap = false;
    this.type = 0;
    this.detectState = 0;
    this.dx = this.dy = this.dz = 0;
  }

  reset(): void {
    this.resetState();
    this.buttons = 0;
  }
}
