// Instructions whose whole job is to raise an interrupt or exception: int n, int3, into,
// int1 (icebp), bound (#BR), ud2, and rsm (#UD: no system-management mode is modelled).

import { computeAll } from './cc.js';
import { EXCP01_DB, EXCP03_INT3, EXCP04_INTO, EXCP05_BOUND, EXCP06_ILLOP, EXCP0D_GPF } from './constants.js';
import { CC_O } from './flags.js';
import { iopl } from './flags-sys.js';
import { defineHandler } from './interp/handlers.js';
import { ea } from './interp/operands.js';

defineHandler('int_Ib', (cpu, i) => {
  // Without CR4.VME, int n in V86 mode needs IOPL 3 (else the monitor emulates it).
  if (cpu.vm86 && iopl(cpu) !== 3) cpu.raise(EXCP0D_GPF, 0);
  cpu.raiseSoftwareInt(i.imm & 0xff);
});

// int3 and into are not IOPL-sensitive in V86 mode; the gate's DPL still applies.
defineHandler('int3', (cpu) => cpu.raiseSoftwareInt(EXCP03_INT3));

defineHandler('into', (cpu) => {
  if (computeAll(cpu) & CC_O) cpu.raiseSoftwareInt(EXCP04_INTO);
});

defineHandler('int1', (cpu) => {
  // icebp: a #DB trap delivered like a hardware exception (no gate DPL check), returning
  // after the instruction.
  cpu.eip = cpu.nextEip;
  cpu.raise(EXCP01_DB);
});

defineHandler('bound_Gv_Ma', (cpu, i) => {
  const a = ea(cpu, i);
  const next = i.adsize === 32 ? (a + (i.opsize >> 3)) >>> 0 : (a + (i.opsize >> 3)) & 0xffff;
  let idx: number, lo: number, hi: number;
  if (i.opsize === 32) {
    idx = cpu.regs[i.reg]!;
    lo = cpu.read32(i.seg, a);
    hi = cpu.read32(i.seg, next);
  } else {
    idx = (cpu.regs[i.reg]! << 16) >> 16;
    lo = (cpu.read16(i.seg, a) << 16) >> 16;
    hi = (cpu.read16(i.seg, next) << 16) >> 16;
  }
  if (idx < lo || idx > hi) cpu.raise(EXCP05_BOUND);
});

defineHandler('ud2', (cpu) => cpu.raise(EXCP06_ILLOP));
defineHandler('rsm', (cpu) => cpu.raise(EXCP06_ILLOP));
