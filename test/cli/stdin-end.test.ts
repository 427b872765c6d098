// Input that can never come: with -nographic (serial and monitor muxed on stdio) and stdin at
// /dev/null, a guest halted for good is reported and the process exits; it does not wait for
// monitor commands. The stdio backend ends its input before the monitor joins the mux.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, type CliProcess } from './cli-process.js';

let p: CliProcess;
beforeAll(async () => {
  p = await cliProcess();
});
afterAll(() => p.remove());

describe('stdin at /dev/null', () => {
  it('-nographic: a guest halted with interrupts off exits with its registers', () => {
    const rom = p.rom('cli-hlt.bin', [0xfa, 0xf4]); // cli; hlt
    const r = p.run(['-bios', rom, '-nographic'], { timeoutMs: 20_000 });
    expect(r.error).toBeUndefined(); // not killed by the timeout
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('the guest halted with interrupts disabled; nothing can wake it');
    expect(r.stderr.toString()).toMatch(/EIP=00000002 .* HLT=1/);
  });
});
