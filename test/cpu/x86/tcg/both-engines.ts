// Test helper of the translator suites: run the same machine on the interpreter and under a
// fresh TcgEngine, to hlt, and require equal final state (registers, EIP, CS, EFLAGS,
// instruction count, CR2, halt state and all of RAM).

import { expect } from 'vitest';
import { R_CS } from '../../../../src/cpu/x86/constants.js';
import { EXIT_HALTED } from '../../../../src/cpu/x86/interp/index.js';
import { TcgEngine } from '../../../../src/cpu/x86/tcg/engine.js';
import type { Machine } from '../harness.js';

/** Run to hlt under a fresh TcgEngine; returns the engine. */
export function runTcg(m: Machine, limit = 200_000): TcgEngine {
  const e = new TcgEngine(m.cpu);
  expect(e.run(m.cpu, limit)).toBe(EXIT_HALTED);
  return e;
}

/** Everything that must match between the engines. */
export function snapshot(m: Machine) {
  const cpu = m.cpu;
  return {
    regs: [...cpu.regs].map((r) => r >>> 0),
    eip: cpu.eip >>> 0,
    cs: cpu.segSel[R_CS],
    eflags: cpu.getEflags() >>> 0,
    icount: cpu.icount,
    cr2: cpu.cr2 >>> 0,
    halted: cpu.halted,
    ram: Buffer.from(m.sys.ramList.ram.subarray(m.ram.ramBlock!.offset, m.ram.ramBlock!.offset + m.ram.size)).toString('base64'),
  };
}

/** Build the same machine twice, run one on each engine, require equal final state; return both. */
export function bothEngines(make: () => Machine): { interp: Machine; tcg: Machine; engine: TcgEngine } {
  const a = make();
  a.interp.run(a.cpu, 200_000);
  expect(a.cpu.halted).toBe(true);
  const b = make();
  const engine = runTcg(b);
  const sa = snapshot(a);
  const sb = snapshot(b);
  // Compare the small fields first so a mismatch reads well, then memory.
  expect({ ...sb, ram: '' }).toEqual({ ...sa, ram: '' });
  expect(sb.ram === sa.ram).toBe(true);
  return { interp: a, tcg: b, engine };
}
