// Golden screendumps: each screen ROM (roms/src/scr-*.asm) draws in one mode family and halts;
// tcg86's monitor `screendump -f png` must give the same pixels as QEMU 7.2's
// (test/golden/screens, recorded by scripts/record-golden-screens.sh), on both engines.
// Decoded pixels are compared, not PNG bytes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_SCREENS as GOLDEN, decodeRgb, screendumpOf } from './screen-runner.js';

describe('golden screendumps (QEMU 7.2, -display none)', () => {
  const names = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-screens-'));
  for (const engine of ['interp', 'tcg'] as const) {
    it.each(names)(`%s (${engine})`, async (name) => {
      const file = path.join(tmp, `${name}-${engine}.png`);
      const out = await screendumpOf(name, engine, file);
      expect(out).not.toContain('Error');
      const want = decodeRgb(path.join(GOLDEN, `${name}.png`));
      const got = decodeRgb(file);
      expect([got.width, got.height], 'size').toEqual([want.width, want.height]);
      const diff = firstDifference(got.rgb, want.rgb, want.width);
      expect(diff, 'first differing pixel').toBe(null);
    });
  }
});

function firstDifference(a: Buffer, b: Buffer, width: number): string | null {
  for (let i = 0; i < a.length; i += 3) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) {
      const p = i / 3;
      const hex = (x: Buffer) => x.subarray(i, i + 3).toString('hex');
      return `x=${p % width} y=${Math.floor(p / width)}: tcg86 #${hex(a)}, QEMU #${hex(b)}`;
    }
  }
  return null;
}
