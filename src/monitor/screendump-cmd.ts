// `screendump` as QEMU 7.2's qmp_screendump, shared by HMP (`screendump FILE [-f ppm|png]
// [device [head]]`) and QMP: the display is refreshed first (graphic_hw_update), then saved;
// failures are CommandErrors with QEMU's texts.

import type { PcMachine } from '../machine/pc.js';
import { ScreendumpError, writeScreendump, type ScreendumpFormat } from '../devices/vga/display/screendump.js';
import { CommandError } from './command-error.js';
import { MonitorError } from './expr.js';

/** The VGA's qdev names a `device` argument may give. */
const VGA_DEVICE_NAMES = ['vga', 'video0'];

export function screendumpTo(m: PcMachine, file: string, format: ScreendumpFormat, device?: string, head?: number): void {
  if (device !== undefined) {
    if (!VGA_DEVICE_NAMES.includes(device) || !m.display) throw new CommandError(`Device '${device}' not found`, 'DeviceNotFound');
    if ((head ?? 0) !== 0) throw new CommandError('There is no QemuConsole I can screendump from.');
  } else if (head !== undefined) {
    throw new CommandError("'head' must be specified together with 'device'");
  }
  const d = m.display;
  if (!d) throw new CommandError('There is no console to take a screendump from');
  d.update();
  try {
    writeScreendump(d.surface, file, format);
  } catch (e) {
    if (!(e instanceof ScreendumpError)) throw e;
    throw new CommandError(e.message);
  }
}

/** HMP's argument syntax; errors print as "Error: ..." (hmp_handle_error). */
export function screendump(m: PcMachine, args: string, print: (text: string) => void): void {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const file = words.shift();
  if (file === undefined) throw new MonitorError('screendump: filename expected', true);
  let format: ScreendumpFormat = 'ppm';
  if (words[0] === '-f') {
    words.shift();
    const f = words.shift();
    if (f === undefined) throw new MonitorError("Parameter 'format' is missing", true);
    if (f !== 'ppm' && f !== 'png') {
      print(`Error: invalid parameter value: ${f}\n`);
      return;
    }
    format = f;
  }
  const device = words[0];
  const head = words[1] === undefined ? undefined : /^\d+$/.test(words[1]) ? Number(words[1]) : -1;
  screendumpTo(m, file, format, device, head);
}
