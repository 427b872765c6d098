// The progress line: shown only when stderr is a terminal nothing else writes to, and what it says.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { progressText, wantsProgress } from '../../src/cli/progress.js';
import { romCommandLine } from '../roms/rom-runner.js';

const machine = (args: string[]) => new PcMachine(parseArgs(args));

describe('progress line', () => {
  it('is off unless stderr is a terminal, and off when stdio or a stderr log shares it', () => {
    const quiet = ['-bios', 'roms/demo.bin', '-display', 'none', '-serial', 'none', '-monitor', 'none'];
    const cases: [string[], boolean, boolean][] = [
      [quiet, true, true],
      [quiet, false, false],
      [[...quiet, '-debugcon', 'stdio'], true, false],
      [[...quiet, '-d', 'int'], true, false],
      [[...quiet, '-d', 'int', '-D', '/dev/null'], true, true],
    ];
    for (const [args, tty, want] of cases) {
      const m = machine(args);
      expect(wantsProgress(m, tty), args.join(' ')).toBe(want);
      m.shutdown();
    }
  });

  it('states instructions, MIPS over the window, TLB hit rate and blocks', async () => {
    const m = new PcMachine(parseArgs(romCommandLine('roms/pmode', 'tcg').map((a) => (a === 'stdio' ? 'none' : a))));
    await m.run(50_000_000);
    const text = progressText(m, 2.4, 3_000_000, 1);
    m.shutdown();
    expect(text).toMatch(/^tcg86: [\d,]+ instructions, 3\.000 MIPS, TLB hit \d+\.\d\d %, [\d,]+ blocks, 2 s$/);
    expect(text).toContain(`${m.cpu.icount.toLocaleString('en-US')} instructions`);
  });
});
