// The x87 escapes (D8-DF) and wait/fwait on a machine with no coprocessor attached: CR0.EM
// or CR0.TS gives #NM (SDM 2.5); otherwise the instruction completes with no effect, as on a
// 386 without a 387: fninit changes nothing and fnstsw/fnstcw leave their destination as it
// was, which is what FPU-detection code looks for. x87 arithmetic is out of scope; each
// escape that runs is reported under -d unimp so a guest relying on it is easy to spot.

import { checkFpuAvailable } from '../control-regs.js';
import { R_CS } from '../constants.js';
import { defineHandler } from './handlers.js';

defineHandler('fpu_esc', (cpu, i) => {
  checkFpuAvailable(cpu, false);
  if (cpu.log?.unimp) {
    const modrm = (i.mod << 6) | (i.reg << 3) | i.rm;
    cpu.log.write(
      `x87 ${i.opcode.toString(16)} ${modrm.toString(16).padStart(2, '0')} at ` +
        `${cpu.segSel[R_CS]!.toString(16).padStart(4, '0')}:${i.eip.toString(16)}: no coprocessor, no effect\n`,
    );
  }
});

// fwait: #NM only when both MP and TS are set; with no coprocessor there is never a pending
// x87 exception to deliver, so otherwise it just completes.
defineHandler('fwait', (cpu) => checkFpuAvailable(cpu, true));
