// FERR# and IGNNE# with CR0.NE clear (roms/src/fpu-ferr.asm), which QEMU 7.2 cannot record: its
// TCG aborts when fwait raises FERR# without the I/O lock. The expected lines follow QEMU's
// fpu_helper.c and pc.c: fwait with a pending unmasked exception raises IRQ 13 unless IGNNE# is
// asserted; a write to port F0 asserts IGNNE# and lowers IRQ 13; fnclex leaves IGNNE# asserted;
// fldenv with ES clear deasserts it. Both engines must print the same and retire as many instructions.
import { describe, expect, it } from 'vitest';
import { runRom } from '../../../roms/rom-runner.js';

const EXPECTED = [
  'fpu-ferr: start',
  'ferr 1',
  'irq13 sw=b884', // IRQ 13 taken right after the fwait: B, ES, ZE
  'after fwait 1',
  'after fwait 2', // IGNNE#: no interrupt
  'irq13 sw=a884', // after fldenv with ES clear, FERR# reaches IRQ 13 again
  'after fwait 3',
  'fpu-ferr: done',
  '',
].join('\n');

describe('FERR# -> IRQ 13, port F0 and IGNNE#', () => {
  it('both engines', async () => {
    const interp = await runRom('roms/fpu-ferr', 'interp');
    expect(interp.output).toBe(EXPECTED);
    expect(interp.status).toBe(1);
    const tcg = await runRom('roms/fpu-ferr', 'tcg');
    expect(tcg.output).toBe(EXPECTED);
    expect(tcg.instructions).toBe(interp.instructions);
  });
});
