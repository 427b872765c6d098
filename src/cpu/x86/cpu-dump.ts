// A register dump in the layout of QEMU's `info registers` / -d cpu (x86_cpu_dump_state).

import { computeAll } from './cc.js';
import type { CPUX86State } from './cpu-state.js';
import { SEG_NAMES } from './constants.js';

const hex = (v: number, w = 8) => (v >>> 0).toString(16).padStart(w, '0');

const SYS_TYPES = ['Reserved', 'TSS16-avl', 'LDT', 'TSS16-busy', 'CallGate16', 'TaskGate', 'IntGate16', 'TrapGate16', 'Reserved', 'TSS32-avl', 'Reserved', 'TSS32-busy', 'CallGate32', 'Reserved', 'IntGate32', 'TrapGate32'];

/** QEMU's description of a segment cache in protected mode (" DPL=0 CS32 [-R-]"). */
function describe(s: CPUX86State, flags: number): string {
  if (!s.pe || !(flags & 0x8000)) return '';
  let d = ` DPL=${(flags >> 13) & 3} `;
  if (flags & 0x1000) {
    if (flags & 0x800) d += `${flags & 0x400000 ? 'CS32' : 'CS16'} [${flags & 0x400 ? 'C' : '-'}${flags & 0x200 ? 'R' : '-'}`;
    else d += `${flags & 0x400000 ? 'DS  ' : 'DS16'} [${flags & 0x400 ? 'E' : '-'}${flags & 0x200 ? 'W' : '-'}`;
    d += `${flags & 0x100 ? 'A' : '-'}]`;
  } else {
    d += SYS_TYPES[(flags >> 8) & 15];
  }
  return d;
}

/** The CPU's run state beside its registers (QEMU's cs->halted and HF_INHIBIT_IRQ). */
export interface DumpedCpu extends CPUX86State {
  halted: boolean;
  inhibitIrq: boolean;
}

/** QEMU's cc_op names for ours (each operation in B, W, L sizes after EFLAGS). */
const CC_OP_NAMES = ['EFLAGS', ...['ADD', 'ADC', 'SUB', 'SBB', 'LOGIC', 'INC', 'DEC', 'SHL', 'SAR', 'MUL'].flatMap((n) => [n + 'B', n + 'W', n + 'L'])];

/**
 * `ccop`: add the lazy-flag line QEMU's -d int dump has (X86_DUMP_CCOP); `fpu`: the x87 lines
 * of `info registers` (CPU_DUMP_FPU; QEMU's XMM lines follow them there, tcg86 has no SSE).
 */
export function formatCpuState(s: DumpedCpu, opts: { ccop?: boolean; fpu?: boolean } = {}): string {
  const r = s.regs;
  const fl = (s.eflags | computeAll(s)) >>> 0;
  const flagChars = ['D', 'O', 'S', 'Z', 'A', 'P', 'C'];
  const flagBits = [0x400, 0x800, 0x80, 0x40, 0x10, 0x4, 0x1];
  const flagStr = flagBits.map((b, i) => (fl & b ? flagChars[i] : '-')).join('');
  const lines = [
    `EAX=${hex(r[0]!)} EBX=${hex(r[3]!)} ECX=${hex(r[1]!)} EDX=${hex(r[2]!)}`,
    `ESI=${hex(r[6]!)} EDI=${hex(r[7]!)} EBP=${hex(r[5]!)} ESP=${hex(r[4]!)}`,
    `EIP=${hex(s.eip)} EFL=${hex(fl)} [${flagStr}] CPL=${s.cpl} II=${s.inhibitIrq ? 1 : 0} A20=${s.a20Mask === -1 ? 1 : 0} SMM=0 HLT=${s.halted ? 1 : 0}`,
  ];
  for (let i = 0; i < 6; i++) {
    lines.push(`${SEG_NAMES[i]} =${hex(s.segSel[i]!, 4)} ${hex(s.segBase[i]!)} ${hex(s.segLimit[i]!)} ${hex(s.segFlags[i]!)}${describe(s, s.segFlags[i]!)}`);
  }
  lines.push(`LDT=${hex(s.ldt.selector, 4)} ${hex(s.ldt.base)} ${hex(s.ldt.limit)} ${hex(s.ldt.flags)}${describe(s, s.ldt.flags)}`);
  lines.push(`TR =${hex(s.tr.selector, 4)} ${hex(s.tr.base)} ${hex(s.tr.limit)} ${hex(s.tr.flags)}${describe(s, s.tr.flags)}`);
  lines.push(`GDT=     ${hex(s.gdt.base)} ${hex(s.gdt.limit)}`);
  lines.push(`IDT=     ${hex(s.idt.base)} ${hex(s.idt.limit)}`);
  lines.push(`CR0=${hex(s.cr0)} CR2=${hex(s.cr2)} CR3=${hex(s.cr3)} CR4=${hex(s.cr4)}`);
  lines.push(`DR0=${hex(s.dr[0]!)} DR1=${hex(s.dr[1]!)} DR2=${hex(s.dr[2]!)} DR3=${hex(s.dr[3]!)} `);
  lines.push(`DR6=${hex(s.dr[6]!)} DR7=${hex(s.dr[7]!)}`);
  if (opts.ccop) lines.push(`CCS=${hex(s.ccSrc)} CCD=${hex(s.ccDst)} CCO=${CC_OP_NAMES[s.ccOp & 31] ?? String(s.ccOp)}`);
  lines.push(`EFER=${hex(s.efer, 16)}`);
  if (opts.fpu) {
    const x = s.x87;
    // MXCSR keeps its reset value: nothing in tcg86 can change it without SSE.
    lines.push(`FCW=${hex(x.fpuc, 4)} FSW=${hex(x.fsw, 4)} [ST=${x.top}] FTW=${hex(x.abridgedTag, 2)} MXCSR=00001f80`);
    for (let i = 0; i < 8; i += 2) {
      const r = (k: number) => `FPR${k}=${x.regs[k]!.low.toString(16).padStart(16, '0')} ${hex(x.regs[k]!.high, 4)}`;
      lines.push(`${r(i)} ${r(i + 1)}`);
    }
  }
  return lines.join('\n') + '\n';
}
