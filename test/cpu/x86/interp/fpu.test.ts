// x87 escapes and #NM: under CR0.EM or CR0.TS an escape raises #NM, wait/fwait only with MP and
// TS. A CPU model without `fpu` runs escapes with no effect (fnstsw leaves its destination, as
// FPU detection expects); with it, fninit/fnstsw store the FPU's status.
import { describe, expect, it } from 'vitest';
import { CR0_EM_MASK, CR0_MP_MASK, CR0_TS_MASK } from '../../../../src/cpu/x86/constants.js';
import { haltVector, peek16, realMode, run } from '../harness.js';

const FLD1 = [0xd9, 0xe8, 0xf4];
const FWAIT = [0x9b, 0xf4];

describe('fpu', () => {
  it('CR0.EM: an escape raises #NM', () => {
    const m = realMode(FLD1);
    m.cpu.cr0 |= CR0_EM_MASK;
    run(m);
    expect(haltVector(m)).toBe(7);
  });

  it('CR0.TS: an escape raises #NM; fwait too when MP is set, not without MP', () => {
    let m = realMode(FLD1);
    m.cpu.cr0 |= CR0_TS_MASK;
    run(m);
    expect(haltVector(m)).toBe(7);
    m = realMode(FWAIT);
    m.cpu.cr0 |= CR0_TS_MASK | CR0_MP_MASK;
    run(m);
    expect(haltVector(m)).toBe(7);
    m = realMode(FWAIT);
    m.cpu.cr0 |= CR0_TS_MASK | CR0_EM_MASK;
    run(m);
    expect(haltVector(m)).toBe(-1);
  });

  // fninit; mov word [0x3000], 0x5a5a; fnstsw [0x3000]; mov ax, 0x1234; fnstsw ax; fld1; fwait
  const DETECT = [0xdb, 0xe3, 0xc7, 0x06, 0x00, 0x30, 0x5a, 0x5a, 0xdd, 0x3e, 0x00, 0x30, 0xb8, 0x34, 0x12, 0xdf, 0xe0, 0xd9, 0xe8, 0x9b, 0xf4];

  it('with no coprocessor (a model without fpu), fninit/fnstsw/fld1/fwait complete and store nothing', () => {
    const m = realMode(DETECT);
    m.cpu.x87.present = false;
    run(m);
    expect(haltVector(m)).toBe(-1);
    expect(peek16(m, 0x3000)).toBe(0x5a5a);
    expect(m.cpu.regs[0]! & 0xffff).toBe(0x1234);
  });

  it('with the FPU, fnstsw stores the status word after fninit (0) and fld1 pushes 1.0', () => {
    const m = realMode(DETECT);
    expect(m.cpu.x87.present).toBe(true);
    run(m);
    expect(haltVector(m)).toBe(-1);
    expect(peek16(m, 0x3000)).toBe(0);
    expect(m.cpu.regs[0]! & 0xffff).toBe(0);
    expect(m.cpu.x87.top).toBe(7);
    expect(m.cpu.x87.st(0)).toEqual({ high: 0x3fff, low: 0x8000000000000000n });
  });
});
