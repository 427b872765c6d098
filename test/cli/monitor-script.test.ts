// The monitor as a script target: lines piped into -monitor stdio all run, in order, with their
// whole output, and `quit` exits 0, even when the guest halts for good while the lines held
// behind a running command are still waiting (the end of input used to end the run at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, le32, type CliProcess } from './cli-process.js';

let p: CliProcess;
beforeAll(async () => {
  p = await cliProcess();
});
afterAll(() => p.remove());

/** mov ecx,n; L: dec ecx; jnz L; cli; hlt: halts for good after about 2n instructions. */
const haltAfter = (n: number): number[] => [0x66, 0xb9, ...le32(n), 0x66, 0x49, 0x75, 0xfc, 0xfa, 0xf4];

describe('commands piped into -monitor stdio', () => {
  it('all run and quit exits 0 (3 runs; test/monitor/script.test.ts runs 50 in process)', () => {
    // The guest halts after the input has arrived (the first 64 slices run before any I/O)
    // and while the lines are still being run, one per event-loop turn.
    const rom = p.rom('halt-late.bin', haltAfter(30_000_000));
    const lines = 30;
    const script = 'info status\n'.repeat(lines) + 'quit\n';
    const statuses: (number | null)[] = [];
    for (let run = 0; run < 3; run++) {
      const r = p.run(['-bios', rom, '-display', 'none', '-serial', 'none', '-monitor', 'stdio'], { input: script, timeoutMs: 30_000 });
      statuses.push(r.status);
      const out = r.stdout.toString();
      if (r.status !== 0 || r.stderr.length !== 0) {
        expect({ run, status: r.status, stderr: r.stderr.toString() }).toEqual({ run, status: 0, stderr: '' });
      }
      expect(out.match(/\(qemu\) info status\r\nVM status: running\r\n/g)?.length).toBe(lines);
      expect(out.endsWith('(qemu) quit\r\n')).toBe(true);
    }
    expect(statuses.every((s) => s === 0)).toBe(true);
  });
});
