// -display curses as QEMU's: the VGA's text mode in the terminal (colours, cursor), redrawn
// row by row where cells changed; a graphics mode shows QEMU's "W x H Graphic mode" line. Keys
// typed there reach the PS/2 keyboard as scan code set 2 (QEMU's keyboard default), as soon
// as the keyboard's queue has room. Ctrl-C ends tcg86. ANSI escapes, no curses library.

import type { PcMachine } from '../machine/pc.js';
import { TextScreen } from '../devices/vga/display/text-update.js';

/** CP437 as Unicode, for the characters a text mode shows. */
const CP437 =
  ' ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼' +
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⌂' +
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■ ';
const GLYPHS = [...CP437];

/** VGA colour number (blue is 1, red 4) to the ANSI one (red is 1, blue 4). */
const ANSI = [0, 4, 2, 6, 1, 5, 3, 7];

/** Scan code set 2 make codes of the keys a terminal sends as one byte (lower case). */
const SET2: Record<string, number> = {
  a: 0x1c, b: 0x32, c: 0x21, d: 0x23, e: 0x24, f: 0x2b, g: 0x34, h: 0x33, i: 0x43, j: 0x3b, k: 0x42, l: 0x4b, m: 0x3a,
  n: 0x31, o: 0x44, p: 0x4d, q: 0x15, r: 0x2d, s: 0x1b, t: 0x2c, u: 0x3c, v: 0x2a, w: 0x1d, x: 0x22, y: 0x35, z: 0x1a,
  '1': 0x16, '2': 0x1e, '3': 0x26, '4': 0x25, '5': 0x2e, '6': 0x36, '7': 0x3d, '8': 0x3e, '9': 0x46, '0': 0x45,
  ' ': 0x29, '\r': 0x5a, '\n': 0x5a, '\t': 0x0d, '\x7f': 0x66, '\b': 0x66, '\x1b': 0x76,
  '-': 0x4e, '=': 0x55, '[': 0x54, ']': 0x5b, '\\': 0x5d, ';': 0x4c, "'": 0x52, '`': 0x0e, ',': 0x41, '.': 0x49, '/': 0x4a,
};
/** Shifted characters: the unshifted key they are on. */
const SHIFTED: Record<string, string> = {
  '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0',
  _: '-', '+': '=', '{': '[', '}': ']', '|': '\\', ':': ';', '"': "'", '~': '`', '<': ',', '>': '.', '?': '/',
};
const SHIFT = 0x12;
/** Cursor keys (ESC [ A..D): extended codes. */
const ARROWS: Record<string, number> = { A: 0x75, B: 0x72, C: 0x74, D: 0x6b };

export class CursesDisplay {
  private readonly screen: TextScreen;
  /** Scan code sequences of typed keys waiting for the keyboard's queue. */
  private readonly keys: number[][] = [];
  private closed = false;
  private readonly interval: NodeJS.Timeout;

  constructor(
    private readonly machine: PcMachine,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly inp: NodeJS.ReadStream = process.stdin,
  ) {
    const d = machine.display;
    if (!d) throw new Error('-display curses needs a VGA (not -vga none)');
    this.screen = new TextScreen(d);
    // The alternate screen, cleared, as curses' initscr.
    this.out.write('\x1b[?1049h\x1b[2J\x1b[H');
    // As QEMU's curses, the terminal follows the guest on the host's clock (33 ms); it only
    // reads video memory, so guest time and the VGA refresh are not disturbed. Keys and timers
    // are seen between slices: look every slice (200k instructions), not every 64.
    this.interval = setInterval(() => this.refresh(), 33);
    this.interval.unref();
    machine.hostPollSlices = 1;
    // A guest waiting for a key (sti; hlt with no timer) waits for the terminal.
    const before = machine.hostCanAct;
    machine.hostCanAct = () => !this.closed || (before?.() ?? false);
    if (inp.isTTY) inp.setRawMode(true);
    inp.on('data', (data: Buffer) => this.typed(data));
    inp.resume();
  }

  /** Put the terminal back (normal screen, cursor shown, colours reset). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.interval);
    if (this.inp.isTTY) this.inp.setRawMode(false);
    this.inp.pause();
    this.out.write('\x1b[0m\x1b[?25h\x1b[?1049l');
  }

  private refresh(): void {
    this.feed();
    const r = this.screen.update();
    if (!r) return;
    const s = this.screen;
    let text = r.resized ? '\x1b[0m\x1b[2J' : '';
    for (let y = r.first; y <= r.last; y++) {
      text += `\x1b[${y + 1};1H`;
      let attr = -1;
      for (let x = 0; x < s.width; x++) {
        const v = s.cells[y * s.width + x]!;
        const a = v >> 8;
        if (a !== attr) {
          attr = a;
          // Foreground with bright as bold; background's 3 bits (bit 7 is blink or bright bg).
          text += `\x1b[0;${a & 8 ? '1;' : ''}3${ANSI[a & 7]};4${ANSI[(a >> 4) & 7]}m`;
        }
        text += GLYPHS[v & 0xff];
      }
    }
    text += '\x1b[0m';
    if (s.cursor >= 0) text += `\x1b[${Math.floor(s.cursor / s.width) + 1};${(s.cursor % s.width) + 1}H\x1b[?25h`;
    else text += '\x1b[?25l';
    this.out.write(text);
  }

  private typed(data: Buffer): void {
    const str = data.toString('latin1');
    for (let i = 0; i < str.length; i++) {
      const c = str[i]!;
      if (c === '\x03') {
        this.close();
        this.machine.requestExit(0);
        return;
      }
      if (c === '\x1b' && str[i + 1] === '[' && ARROWS[str[i + 2] ?? ''] !== undefined) {
        const code = ARROWS[str[i + 2]!]!;
        this.keys.push([0xe0, code, 0xe0, 0xf0, code]);
        i += 2;
        continue;
      }
      const lower = c >= 'A' && c <= 'Z' ? c.toLowerCase() : SHIFTED[c];
      if (lower !== undefined && SET2[lower] !== undefined) {
        const code = SET2[lower]!;
        this.keys.push([SHIFT, code, 0xf0, code, 0xf0, SHIFT]);
      } else if (SET2[c] !== undefined) {
        this.keys.push([SET2[c]!, 0xf0, SET2[c]!]);
      }
    }
    this.feed();
    this.machine.wake();
  }

  /** Hand typed keys to the keyboard as long as its 16-byte queue has room for them. */
  private feed(): void {
    const kbd = this.machine.i8042.kbd;
    while (this.keys.length > 0 && kbd.queued + this.keys[0]!.length <= 16) kbd.sendScancodes(this.keys.shift()!);
  }
}
