// The human monitor (QEMU's HMP) on a character device: a line editor with echo, the
// "(qemu) " prompt, and commands run between two slices of guest execution, never inside one.

import type { CharBackend, CharReceiver } from '../devices/chardev.js';
import { SocketCharBackend } from '../devices/chardev-socket.js';
import type { PcMachine } from '../machine/pc.js';
import { runCommand, type MonitorContext } from './commands.js';
import { FormatDefaults } from './memory-dump.js';

const PROMPT = '(qemu) ';
/** The longest command line kept (QEMU's READLINE_CMD_BUF_SIZE). */
const MAX_LINE = 4095;

export class Monitor implements CharReceiver {
  private line = '';
  private lastWasCr = false;
  /** Skipping an escape sequence (arrow keys and such from a terminal). */
  private escape = 0;
  /** A complete line waiting to run; input after it is held until it has run. */
  private pendingLine: string | null = null;
  private held: number[] = [];
  private scheduled = false;
  private greeted = false;
  private quit = false;
  private inputOpen = true;
  private readonly ctx: MonitorContext;
  /** Set by a command that holds the prompt (migrate without -d) until it resolves. */
  private suspendedUntil: Promise<void> | null = null;

  constructor(
    private readonly machine: PcMachine,
    private readonly chr: CharBackend,
    opts: { muxed: boolean },
  ) {
    this.ctx = {
      machine,
      formats: new FormatDefaults(),
      print: (text) => this.print(text),
      startNs: process.hrtime.bigint(),
      suspend: (until) => (this.suspendedUntil = until),
    };
    // A guest halted for good waits for us while our input may still bring commands, and
    // while lines already received have not all run: the end of input arrives as soon as the
    // last byte is read, long before the lines held behind a running command are executed.
    machine.hostCanAct = () => !this.quit && (this.inputOpen || this.pendingLine !== null || this.held.length > 0 || this.scheduled);
    const socket = chr instanceof SocketCharBackend;
    chr.setReceiver(this);
    // On a mux the banner waits until the monitor first gets the focus (C-a c), as in QEMU;
    // on a socket each client gets it when it connects.
    if (!opts.muxed && !socket) this.greet();
  }

  private greet(): void {
    if (this.greeted) {
      this.print(PROMPT + this.line);
      return;
    }
    this.greeted = true;
    this.print("tcg86 monitor - type 'help' for more information\n" + PROMPT);
  }

  event(ev: 'mux-in' | 'mux-out' | 'opened' | 'closed'): void {
    if (ev === 'mux-in') this.greet();
    else if (ev === 'opened') {
      // A new client: a fresh line and QEMU's banner again (monitor_event's CHR_EVENT_OPENED).
      this.line = '';
      this.escape = 0;
      this.greeted = false;
      this.greet();
    }
  }

  inputEnded(): void {
    this.inputOpen = false;
  }

  canReceive(): number {
    // One command at a time, as QEMU reads: its output comes before the next line's echo.
    return this.pendingLine === null ? 4096 : 0;
  }

  receive(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      if (this.pendingLine !== null) this.held.push(data[i]!);
      else this.editByte(data[i]!);
    }
  }

  private editByte(b: number): void {
    if (this.escape > 0) {
      // ESC [ x (or ESC O x): consume the sequence, including numeric parameters.
      if (this.escape === 1) this.escape = b === 0x5b || b === 0x4f ? 2 : 0;
      else if (b >= 0x40 && b <= 0x7e) this.escape = 0;
      return;
    }
    if (b === 0x0a && this.lastWasCr) {
      this.lastWasCr = false; // CR LF is one end of line
      return;
    }
    this.lastWasCr = b === 0x0d;
    if (b === 0x0d || b === 0x0a) {
      this.print('\n');
      this.pendingLine = this.line;
      this.line = '';
      this.schedule();
    } else if (b === 0x08 || b === 0x7f) {
      if (this.line.length > 0) {
        this.line = this.line.slice(0, -1);
        this.print('\b \b');
      }
    } else if (b === 0x1b) {
      this.escape = 1;
    } else if (b >= 0x20 && this.line.length < MAX_LINE) {
      const c = String.fromCharCode(b);
      this.line += c;
      this.print(c);
    }
  }

  /** Commands run from the event loop, where the machine sits between two slices. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    const line = this.pendingLine;
    if (line === null || this.quit) return;
    if (!runCommand(this.ctx, line)) {
      this.quit = true;
      return;
    }
    const until = this.suspendedUntil;
    if (until !== null) {
      // Suspended: the prompt and the lines behind this one wait (pendingLine stays set).
      this.suspendedUntil = null;
      void until.then(() => this.resume());
      return;
    }
    this.resume();
  }

  /** The command is done: the prompt, then the input held behind it. */
  private resume(): void {
    if (this.quit) return;
    this.print(PROMPT);
    this.pendingLine = null;
    // Go on with what arrived behind that line, then let the backend send more.
    const held = this.held;
    this.held = [];
    this.receive(Uint8Array.from(held));
    if (this.pendingLine === null) this.chr.acceptInput();
  }

  /** Monitor output: "\n" becomes "\r\n" as QEMU's monitor_puts does. */
  private print(text: string): void {
    this.chr.write(Uint8Array.from(Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1')));
  }
}
