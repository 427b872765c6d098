// The CPU's migration section (QEMU's vmstate_x86_cpu): registers, EFLAGS and the lazy
// flags as they are, segment caches, table and control registers, MSRs, pending
// interrupt inputs and the time base. The soft TLB is not migrated: postLoad flushes it.

import type { VMStateDescription } from '../../memory/index.js';
import type { X86CPU } from './cpu.js';
import type { X87State } from './fpu/x87-state.js';

/** QEMU's vmstate_fpreg and the x87 part of vmstate_x86_cpu: registers, TOP, tags, words, pointers. */
const X87_VMSTATE: VMStateDescription = {
  name: 'x87',
  // 2: the registers travel as the register file's arrays (sign+exponent, significand halves).
  versionId: 2,
  minimumVersionId: 2,
  fields: [
    { name: 'se', type: 'buffer' },
    { name: 'hi', type: 'buffer' },
    { name: 'lo', type: 'buffer' },
    { name: 'top', type: 'uint8' },
    { name: 'tags', type: 'buffer' },
    { name: 'fpus', type: 'uint16' },
    { name: 'fpuc', type: 'uint16' },
    { name: 'fpip', type: 'uint32' },
    { name: 'fpcs', type: 'uint16' },
    { name: 'fpdp', type: 'uint32' },
    { name: 'fpds', type: 'uint16' },
    { name: 'ignne', type: 'bool' },
  ],
  // The softfloat rounding mode and precision follow the control word.
  postLoad: (x: X87State) => x.setFpuc(x.fpuc),
  // Attached or not follows the -cpu model, which both sides share.
  unmigrated: ['present'],
};

const TABLE_REG_VMSTATE: VMStateDescription = {
  name: 'segment',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'selector', type: 'float64' },
    { name: 'base', type: 'float64' },
    { name: 'limit', type: 'float64' },
    { name: 'flags', type: 'float64' },
  ],
};

export const CPU_VMSTATE: VMStateDescription = {
  name: 'cpu',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'regs', type: 'buffer' },
    { name: 'eip', type: 'float64' },
    {
      // QEMU saves EFLAGS with the condition codes computed (cpu_pre_save's CC_OP_EFLAGS).
      name: 'eflags',
      type: 'uint32',
      get: (cpu: X86CPU) => cpu.getEflags(),
      set: (cpu: X86CPU, v: number) => cpu.setEflags(v, 0xffffffff),
    },
    { name: 'segSel', type: 'buffer' },
    { name: 'segBase', type: 'buffer' },
    { name: 'segLimit', type: 'buffer' },
    { name: 'segFlags', type: 'buffer' },
    { name: 'segLo', type: 'buffer' },
    { name: 'segHi', type: 'buffer' },
    { name: 'segReadable', type: 'buffer' },
    { name: 'segWritable', type: 'buffer' },
    // The lazy flags as they are (QEMU materialises them; tcg86 keeps the CC_OP too, because
    // the flags bt* leaves undefined depend on it, cc.ts CC_OP_DYNAMIC): set after eflags.
    { name: 'ccOp', type: 'float64' },
    { name: 'ccDst', type: 'float64' },
    { name: 'ccSrc', type: 'float64' },
    { name: 'ccSrc2', type: 'float64' },
    { name: 'x87', type: 'struct', vmsd: X87_VMSTATE },
    { name: 'gdt', type: 'struct', vmsd: TABLE_REG_VMSTATE },
    { name: 'idt', type: 'struct', vmsd: TABLE_REG_VMSTATE },
    { name: 'ldt', type: 'struct', vmsd: TABLE_REG_VMSTATE },
    { name: 'tr', type: 'struct', vmsd: TABLE_REG_VMSTATE },
    { name: 'cr0', type: 'float64' },
    { name: 'cr2', type: 'float64' },
    { name: 'cr3', type: 'float64' },
    { name: 'cr4', type: 'float64' },
    { name: 'efer', type: 'float64' },
    { name: 'dr', type: 'buffer' },
    { name: 'cpl', type: 'uint8' },
    { name: 'code32', type: 'bool' },
    { name: 'ss32', type: 'bool' },
    { name: 'mmuIdx', type: 'uint8' },
    { name: 'a20Mask', type: 'int32' },
    { name: 'tscOffset', type: 'float64' },
    { name: 'sysenterCs', type: 'float64' },
    { name: 'sysenterEsp', type: 'float64' },
    { name: 'sysenterEip', type: 'float64' },
    { name: 'apicBase', type: 'float64' },
    { name: 'pat', type: 'uint64' },
    { name: 'miscEnable', type: 'uint64' },
    { name: 'biosSignId', type: 'uint64' },
    { name: 'debugCtl', type: 'uint64' },
    { name: 'perfCtl', type: 'uint64' },
    { name: 'mtrrVar', type: 'uint64-array' },
    { name: 'mtrrFixed', type: 'uint64-array' },
    { name: 'mtrrDefType', type: 'uint64' },
    { name: 'mcgCap', type: 'float64' },
    { name: 'mcgCtl', type: 'uint64' },
    { name: 'mcgStatus', type: 'uint64' },
    { name: 'mceBanks', type: 'uint64-array' },
    { name: 'features', type: 'buffer' },
    { name: 'nextEip', type: 'float64' },
    { name: 'oldException', type: 'int32' },
    { name: 'intrLevel', type: 'bool' },
    { name: 'nmiLevel', type: 'bool' },
    { name: 'nmiBlocked', type: 'bool' },
    { name: 'inhibitIrq', type: 'bool' },
    { name: 'halted', type: 'bool' },
    { name: 'waitForSipi', type: 'bool' },
    { name: 'icount', type: 'float64' },
    // guest time spent halted (guest time is instructions << shift plus this)
    { name: 'idleNs', type: 'float64' },
    { name: 'deliveries', type: 'float64' },
  ],
  // The TLB caches translations of the source's page tables as they were: start afresh.
  postLoad: (cpu: X86CPU) => cpu.mmu.tlb.flushAll(),
  unmigrated: [
    // the -cpu model and -icount shift: configuration both sides share
    'tscShift', 'physAddrBits', 'cpuIndex', 'topoCores', 'topoThreads',
    // -smp: recomputed from the other CPUs' counts whenever this one is scheduled
    'otherEvents',
    // per-instruction scratch, meaningless between two slices
    'rmwLin', 'excVector', 'excError', 'excHasError', 'excIsInt', 'tbExit', 'tbBudgetEnd', 'tbInsn', 'sliceEnd',
    // --profile on this side only: how blocks are translated here, not guest state
    'profileBlocks', 'interpProfile',
  ],
};
