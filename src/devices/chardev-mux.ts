// QEMU's mux chardev: several frontends (a serial port and the monitor, as -nographic's
// mon:stdio sets up) share one backend. Output from every frontend goes out; input goes to
// the frontend with the focus, and Ctrl-A escapes switch the focus, print help or quit.

import type { CharBackend, CharReceiver } from './chardev.js';

/** Ctrl-A, QEMU's default escape character. */
export const MUX_ESCAPE = 0x01;
/** Input held per frontend while it cannot take more (QEMU's MUX_BUFFER_SIZE). */
const MUX_BUFFER_SIZE = 32;

const HELP = [
  'C-a h    print this help',
  'C-a x    exit emulator',
  'C-a c    switch between console and monitor',
  'C-a C-a  sends C-a',
];

class MuxPort implements CharBackend {
  receiver: CharReceiver | null = null;
  readonly pending: number[] = [];

  constructor(
    private readonly mux: MuxChardev,
    readonly index: number,
  ) {}

  write(data: Uint8Array): void {
    this.mux.backend.write(data);
  }
  setReceiver(receiver: CharReceiver | null): void {
    this.receiver = receiver;
    this.mux.connected(this);
    this.mux.flush(this, true);
    if (this.mux.inputHasEnded) receiver?.inputEnded?.();
  }
  acceptInput(): void {
    this.mux.flush(this, true);
  }
  close(): void {
    this.receiver = null;
  }
}

export class MuxChardev implements CharReceiver {
  private readonly ports: MuxPort[] = [];
  private focus = 0;
  private gotEscape = false;
  private started = false;
  /** The backend's input ended; frontends that connect later are told when they do. */
  private ended = false;
  /** C-a x: the emulator must stop (the machine decides how). */
  onTerminate: (() => void) | null = null;

  constructor(readonly backend: CharBackend) {
    backend.setReceiver(this);
  }

  /** A new frontend on this mux (QEMU attaches them in creation order; the first has the focus). */
  attach(): CharBackend {
    const port = new MuxPort(this, this.ports.length);
    this.ports.push(port);
    return port;
  }

  /** Every frontend is attached: tell the focused one it has the console. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.ports[this.focus]?.receiver?.event?.('mux-in');
  }

  /**
   * A frontend connected after start() that holds the focus is told so at once.
   */
  connected(port: MuxPort): void {
    if (this.started && port.index === this.focus) port.receiver?.event?.('mux-in');
  }

  /** A frontend that connects after the input ended is told so once it has its held bytes. */
  get inputHasEnded(): boolean {
    return this.ended;
  }

  canReceive(): number {
    if (this.gotEscape) return 1;
    const port = this.ports[this.focus];
    if (!port) return 1; // nobody listens: bytes are dropped, escapes still work
    return Math.max(0, MUX_BUFFER_SIZE - port.pending.length);
  }

  receive(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.procByte(data[i]!);
    const port = this.ports[this.focus];
    if (port) this.flush(port, false);
  }

  inputEnded(): void {
    // The backend may end before any frontend is attached (stdin is /dev/null): remember it.
    this.ended = true;
    for (const p of this.ports) {
      this.flush(p, false);
      p.receiver?.inputEnded?.();
    }
  }

  private procByte(b: number): void {
    if (this.gotEscape) {
      this.gotEscape = false;
      switch (b) {
        case 0x68: // h
        case 0x3f: // ?
          this.write('\n\r' + HELP.map((l) => l + '\n\r').join(''));
          return;
        case 0x78: // x
          this.write('tcg86: Terminated\n\r');
          this.onTerminate?.();
          return;
        case 0x63: // c
          this.switchFocus();
          return;
        case MUX_ESCAPE:
          break; // C-a C-a: one C-a goes to the frontend
        default:
          return; // unknown escapes are swallowed, as QEMU does
      }
    } else if (b === MUX_ESCAPE) {
      this.gotEscape = true;
      return;
    }
    const port = this.ports[this.focus];
    if (port && port.pending.length < MUX_BUFFER_SIZE) port.pending.push(b);
  }

  private switchFocus(): void {
    if (this.ports.length === 0) return;
    // Bytes typed before C-a c belong to the frontend that had the focus: hand them over now.
    this.flush(this.ports[this.focus]!, false);
    this.ports[this.focus]!.receiver?.event?.('mux-out');
    this.focus = (this.focus + 1) % this.ports.length;
    this.ports[this.focus]!.receiver?.event?.('mux-in');
  }

  /**
   * Hand a frontend the input it has room for. When the frontend asked (it has room again),
   * the backend may then send more; never from inside the backend's own delivery.
   */
  flush(port: MuxPort, frontendAsked: boolean): void {
    const r = port.receiver;
    if (r && port.pending.length > 0) {
      const room = Math.min(r.canReceive(), port.pending.length);
      if (room > 0) r.receive(Uint8Array.from(port.pending.splice(0, room)));
    }
    if (frontendAsked && port.index === this.focus) this.backend.acceptInput();
  }

  private write(text: string): void {
    this.backend.write(Uint8Array.from(Buffer.from(text, 'latin1')));
  }
}
