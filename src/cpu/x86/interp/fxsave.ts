// fxsave/fxrstor (0F AE /0 /1): the x87 part of the 512-byte image (SDM vol. 2, FXSAVE table
// 3-53). tcg86 has no SSE, so MXCSR, MXCSR_MASK and the XMM area are neither written nor read
// (QEMU 7.2 does the same on a model without SSE). FOP is written as 0: tcg86 keeps no last
// opcode (fnstenv stores none either). Only bytes 0-153 are touched, and they are checked
// (segment, pages) before anything is written or loaded, so a fault leaves both sides as they were.

import { checkFpuAvailable } from '../control-regs.js';
import { EXCP06_ILLOP, EXCP0D_GPF } from '../constants.js';
import { CPUID_FXSR, FEAT_1_EDX } from '../cpu-models.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { f80, type F80 } from '../fpu/floatx80.js';
import { defineHandler } from './handlers.js';
import { ea } from './operands.js';

/** Bytes of the image fxsave writes: the header and ST0-7 (10 bytes each, 16 apart). */
const USED = 32 + 7 * 16 + 10;

/** #UD without FXSR, #NM with CR0.EM or TS, #GP(0) unless the operand's linear address is 16-byte aligned. */
function imageCheck(cpu: X86CPU, i: Insn): number {
  if (!(cpu.features[FEAT_1_EDX]! & CPUID_FXSR)) cpu.raise(EXCP06_ILLOP);
  checkFpuAvailable(cpu, false);
  const off = ea(cpu, i);
  if (((cpu.segBase[i.seg]! + off) & 15) !== 0) cpu.raise(EXCP0D_GPF, 0);
  return off;
}

defineHandler('fxsave_M', (cpu, i) => {
  const off = imageCheck(cpu, i);
  const lin = cpu.probeWrite(cpu.linearWrite(i.seg, off, 512), USED);
  const x = cpu.x87;
  cpu.stLin16(lin, x.fpuc);
  cpu.stLin16((lin + 2) | 0, x.fsw);
  cpu.stLin16((lin + 4) | 0, x.abridgedTag); // byte 5 (reserved) written as 0
  cpu.stLin16((lin + 6) | 0, 0);
  cpu.stLin32((lin + 8) | 0, x.fpip);
  cpu.stLin32((lin + 12) | 0, x.fpcs & 0xffff);
  cpu.stLin32((lin + 16) | 0, x.fpdp);
  cpu.stLin32((lin + 20) | 0, x.fpds & 0xffff);
  for (let k = 0; k < 8; k++) {
    const a = (lin + 32 + 16 * k) | 0;
    const r = x.st(k);
    cpu.stLin32(a, Number(r.low & 0xffffffffn) | 0);
    cpu.stLin32((a + 4) | 0, Number(r.low >> 32n) | 0);
    cpu.stLin16((a + 8) | 0, r.high);
  }
});

defineHandler('fxrstor_M', (cpu, i) => {
  const off = imageCheck(cpu, i);
  const lin = cpu.linearRead(i.seg, off, 512);
  const x = cpu.x87;
  const fcw = cpu.ldLin16(lin);
  const fsw = cpu.ldLin16((lin + 2) | 0);
  const ftw = cpu.ldLin8((lin + 4) | 0);
  const fip = cpu.ldLin32((lin + 8) | 0);
  const fcs = cpu.ldLin16((lin + 12) | 0);
  const fdp = cpu.ldLin32((lin + 16) | 0);
  const fds = cpu.ldLin16((lin + 20) | 0);
  // Read every register before loading any: a fault on the last page leaves the FPU as it was.
  const regs: F80[] = [];
  for (let k = 0; k < 8; k++) {
    const a = (lin + 32 + 16 * k) | 0;
    const lo = BigInt(cpu.ldLin32(a) >>> 0);
    const hi = BigInt(cpu.ldLin32((a + 4) | 0) >>> 0);
    regs.push(f80(cpu.ldLin16((a + 8) | 0), (hi << 32n) | lo));
  }
  x.setFpuc(fcw);
  x.setFpus(fsw);
  for (let k = 0; k < 8; k++) x.tags[k] = (ftw >> k) & 1 ? 0 : 1;
  for (let k = 0; k < 8; k++) x.setSt(k, regs[k]!);
  x.fpip = fip;
  x.fpcs = fcs;
  x.fpdp = fdp;
  x.fpds = fds;
});
