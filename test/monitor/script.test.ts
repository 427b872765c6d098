// The monitor as a script target, in process: every line of a script whose input has already
// ended runs, in order, before a guest halted for good ends the run, and `quit` exits 0. The
// guest halts (at 50 different points) before the monitor's first turn, so every line is
// still waiting when it does: the end of input used to end the run there with status 1.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Monitor } from '../../src/monitor/monitor.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-monscript-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A 64 KiB ROM: mov ecx,n; L: dec ecx; jnz L; cli; hlt (halts for good after 2n+3 instructions). */
function haltRom(n: number): string {
  const image = new Uint8Array(0x10000);
  image.set([0x66, 0xb9, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0x66, 0x49, 0x75, 0xfc, 0xfa, 0xf4], 0);
  image.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  const p = path.join(dir, `halt-${n}.bin`);
  fs.writeFileSync(p, image);
  return p;
}

describe('a script piped into -monitor stdio', () => {
  it('runs every line and quit exits 0, in 50 runs halting at different points', async () => {
    const lines = 8;
    const script = 'info status\n'.repeat(lines) + 'p 6*7\nquit\n';
    for (let run = 0; run < 50; run++) {
      const stdio = new MemoryCharBackend();
      const args = ['-bios', haltRom(1 + run * 200), '-display', 'none', '-serial', 'none', '-monitor', 'stdio'];
      if (run % 2) args.push('--engine', 'interp');
      const machine = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null) });
      new Monitor(machine, machine.chardevs.get(machine.config.monitor!), { muxed: false });
      // The whole script and its end arrive before the guest runs, as from a pipe or a file. The
      // ROM halts within 20k instructions, well inside the first slice even on a loaded host.
      stdio.inject(script);
      stdio.endInput();
      expect(await machine.run(1e9)).toBe(0);
      expect(machine.cpu.halted).toBe(true); // it halted while lines were still waiting
      const out = stdio.text();
      expect(out.match(/\(qemu\) info status\r\nVM status: running\r\n/g)?.length).toBe(lines);
      expect(out.endsWith('(qemu) p 6*7\r\n0x2a\r\n(qemu) quit\r\n')).toBe(true);
      machine.shutdown();
    }
  });
});
