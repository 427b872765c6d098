// x87 escapes with no coprocessor: #NM under CR0.EM or CR0.TS, wait/fwait #NM only with MP
// and TS, and otherwise no effect (fnstsw leaves its destination, as FPU detection expects).
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

  it('with no coprocessor, fninit/fnstsw/fld1/fwait complete and store nothing', () => {
    // fninit; mov word [0x3000], 0x5a5a; fnstsw [0x3000]; mov ax, 0x1234; fnstsw ax; fld1; fwait
    const m = realMode([0xdb, 0xe3, 0xc7, 0x06, 0x00, 0x30, 0x5a, 0x5a, 0xdd, 0x3e, 0x00, 0x30, 0xb8, 0x34, 0x12, 0xdf, 0xe0, 0xd9, 0xe8, 0x9b, 0xf4]);
    run(m);
    expect(haltVector(m)).toBe(-1);
    expect(peek16(m, 0x3000)).toBe(0x5a5a);
    expect(m.cpu.regs[0]! & 0xffff).toBe(0x1234);
  });
});
