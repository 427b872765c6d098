// `screendump` as QEMU 7.2's HMP: PPM (P6) by default, PNG with -f png, the same pixels in
// both; a path that cannot be written gives one "Error:" line and the machine goes on.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRgb, screendumpOf } from '../devices/vga/display/screen-runner.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-screendump-'));

describe('screendump', () => {
  it('writes a binary PPM by default, with the pixels of the PNG', async () => {
    const ppm = path.join(tmp, 'a.ppm');
    const png = path.join(tmp, 'a.png');
    expect(await screendumpOf('scr-vga12', 'tcg', ppm, 'ppm', `screendump ${ppm}`)).not.toContain('Error');
    await screendumpOf('scr-vga12', 'tcg', png, 'png');
    const data = fs.readFileSync(ppm);
    const header = 'P6\n640 480\n255\n';
    expect(data.subarray(0, header.length).toString('latin1')).toBe(header);
    expect(data.length).toBe(header.length + 640 * 480 * 3);
    expect(data.subarray(header.length).equals(decodeRgb(png).rgb)).toBe(true);
  });

  it('an unwritable path or a bad format: one error line, and the monitor goes on', async () => {
    const out = await screendumpOf('scr-vga13', 'interp', '', 'png', `screendump /nonexistent-dir/x.ppm\nscreendump ${tmp}/b.png -f jpeg\nscreendump\ninfo display`);
    expect(out).toContain("Error: failed to open file '/nonexistent-dir/x.ppm': No such file or directory\r\n");
    expect(out).toContain('Error: invalid parameter value: jpeg\r\n');
    expect(out).toMatch(/display: 640x400, graphic, VGA; refresh every 33\.333 ms of guest time\r\n {2}refreshes +1\r\n/);
    expect(out).toContain('screendump: filename expected\r\nTry "help screendump" for more information\r\n');
    expect(fs.existsSync(`${tmp}/b.png`)).toBe(false);
  });
});
