// -display curses tried as a person would: tmux runs the real command line in a terminal,
// send-keys types, capture-pane reads the screen. The ROM (roms/src/curses-keys.asm) echoes the
// keys it reads from the PS/2 keyboard into text mode, and "!" switches it to mode 13h.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, type CliProcess } from './cli-process.js';
import { parseArgs } from '../../src/cli/args.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `tcg86-curses-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function screenWith(text: string, escapes = false): Promise<string> {
  let screen = '';
  for (let k = 0; k < 300; k++) {
    screen = tmux('capture-pane', '-t', 'tcg86', '-p', ...(escapes ? ['-e'] : [])).stdout;
    if (screen.includes(text)) return screen;
    await sleep(50);
  }
  throw new Error(`the terminal never showed "${text}"; it shows:\n${screen}`);
}

let p: CliProcess;
beforeAll(async () => {
  p = await cliProcess();
});
afterAll(() => {
  tmux('kill-server');
  p.remove();
});

describe.skipIf(!HAS_TMUX)('-display curses in a terminal (tmux)', () => {
  it('shows the text screen in colour, types into the guest, shows the graphics-mode line, and ends on Ctrl-C', async () => {
    const rom = path.join(ROOT, 'roms/curses-keys.bin');
    const r = tmux('new-session', '-d', '-s', 'tcg86', '-x', '100', '-y', '30', `${process.execPath} ${p.cli} -bios ${rom} -display curses; echo "exit $?"; sleep 30`);
    expect(r.status).toBe(0);
    const first = await screenWith('TYPE:', true);
    // Row 0: bright white on blue (attribute 0x1f).
    expect(first.split('\n')[0]).toMatch(/^\x1b\[1m\x1b\[37m\x1b\[44mTCG86 CURSES TEST - TYPE:/);
    tmux('send-keys', '-t', 'tcg86', 'Hello world');
    tmux('send-keys', '-t', 'tcg86', 'Enter');
    tmux('send-keys', '-t', 'tcg86', 'ok 42');
    const typed = (await screenWith('ok 42')).split('\n');
    expect(typed.slice(0, 3)).toEqual(['TCG86 CURSES TEST - TYPE:', 'Hello world', 'ok 42']);
    // The hardware cursor follows the typing (row 3, column 6 in tmux's 1-based terms).
    expect(tmux('display-message', '-t', 'tcg86', '-p', '#{cursor_y},#{cursor_x}').stdout.trim()).toBe('2,5');
    tmux('send-keys', '-t', 'tcg86', '!');
    const graphic = (await screenWith('Graphic mode')).split('\n');
    expect(graphic[1]).toBe(' '.repeat(19) + '640 x 400 Graphic mode');
    tmux('send-keys', '-t', 'tcg86', 'C-c');
    const after = await screenWith('exit 0');
    expect(after).not.toContain('Graphic mode'); // the terminal's own screen is back
  });
});

describe('-display on the command line', () => {
  const rom = ['-bios', path.join(ROOT, 'roms/curses-keys.bin')];
  it('takes none and curses, refuses other displays and curses without a VGA or with stdio in use', () => {
    expect(parseArgs([...rom, '-display', 'curses']).display).toBe('curses');
    expect(parseArgs([...rom, '-display', 'none']).display).toBe('none');
    expect(() => parseArgs([...rom, '-display', 'gtk'])).toThrow(/'gtk' is not supported \(use -display none, -display curses or -nographic; see -display help\)/);
    expect(() => parseArgs([...rom, '-display', 'curses', '-vga', 'none'])).toThrow(/-display curses: there is no display adapter/);
    expect(() => parseArgs([...rom, '-display', 'curses', '-serial', 'stdio'])).toThrow(/-display curses: the terminal is the display/);
  });
});
