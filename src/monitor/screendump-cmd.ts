// The monitor's `screendump FILE [-f ppm|png] [device [head]]` as QEMU 7.2's HMP: the display
// is refreshed first (graphic_hw_update), then saved; errors are one "Error: ..." line.

import type { PcMachine } from '../machine/pc.js';
import { ScreendumpError, writeScreendump, type ScreendumpFormat } from '../devices/vga/display/screendump.js';
import { MonitorError } from './expr.js';

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
  if (words.length > 0 && words[0] !== 'vga' && words[0] !== 'video0') {
    print(`Error: Device '${words[0]}' not found\n`);
    return;
  }
  if (words.length > 1 && words[1] !== '0') {
    print(`Error: There is no QemuConsole I can screendump from.\n`);
    return;
  }
  const d = m.display;
  if (!d) {
    print('Error: There is no QemuConsole I can screendump from.\n');
    return;
  }
  d.update();
  try {
    writeScreendump(d.surface, file, format);
  } catch (e) {
    if (!(e instanceof ScreendumpError)) throw e;
    print(`Error: ${e.message}\n`);
  }
}
