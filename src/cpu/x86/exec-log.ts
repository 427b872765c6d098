// -d exec and -d cpu: QEMU's "Trace" line and register dump before each block entered, with the
// block's flags in QEMU 7.2's hflags layout (so traces line up with QEMU's), and -dfilter.

import { DESC_B_MASK, R_CS, R_DS, R_ES, R_SS } from './constants.js';
import { formatCpuState } from './cpu-dump.js';
import type { X86CPU } from './cpu.js';
import type { AttText } from './decoder/index.js';
import { AC_MASK, IOPL_MASK, RF_MASK, TF_MASK, VM_MASK } from './flags.js';

/** QEMU's cflags bits the trace shows: CF_NO_GOTO_TB (-d nochain), the cluster index (0xff). */
export const CF_NO_GOTO_TB = 0x200;
const CF_CLUSTER_NONE = 0xff000000;

/**
 * The flags QEMU 7.2 gives a TB (cpu_get_tb_cpu_state: env->hflags | eflags IOPL/TF/RF/VM/AC):
 * CPL, INHIBIT_IRQ, CS32, SS32, ADDSEG, PE, CR0.MP/EM/TS, OSFXSR, UMIP in their HF_* bits.
 */
export function qemuTbFlags(cpu: X86CPU): number {
  let f = cpu.cpl & 3;
  if (cpu.inhibitIrq) f |= 1 << 3;
  const cs32 = (cpu.segFlags[R_CS]! & DESC_B_MASK) !== 0;
  if (cs32) f |= 1 << 4;
  if (cpu.segFlags[R_SS]! & DESC_B_MASK) f |= 1 << 5;
  const pe = (cpu.cr0 & 1) !== 0;
  const vm = (cpu.eflags & VM_MASK) !== 0;
  if (!pe || vm || !cs32 || (cpu.segBase[R_DS]! | cpu.segBase[R_ES]! | cpu.segBase[R_SS]!) !== 0) f |= 1 << 6;
  if (pe) f |= 1 << 7;
  f |= ((cpu.cr0 >>> 1) & 7) << 9; // MP, EM, TS
  if (cpu.cr4 & (1 << 9)) f |= 1 << 22; // OSFXSR
  if (cpu.cr4 & (1 << 11)) f |= 1 << 27; // UMIP
  return (f | (cpu.eflags & (IOPL_MASK | TF_MASK | RF_MASK | VM_MASK | AC_MASK))) >>> 0;
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/**
 * Log the block about to run at CS:EIP, if its linear pc passes -dfilter. `tag` stands where QEMU
 * prints the host address of the TB's code: tcg86 prints the block's number, and "(nil)" for an
 * instruction the interpreter runs (a block of one, as QEMU's one-insn-per-tb).
 */
export function traceBlock(cpu: X86CPU, tag: string, cflags: number): void {
  const log = cpu.log!;
  const csBase = cpu.segBase[R_CS]!;
  const pc = (csBase + cpu.eip) >>> 0;
  if (!log.inRange(pc)) return;
  let text = '';
  if (log.exec) text = `Trace ${cpu.cpuIndex}: ${tag} [${hex8(csBase)}/${hex8(pc)}/${hex8(qemuTbFlags(cpu))}/${hex8(cflags | CF_CLUSTER_NONE)}] \n`;
  if (log.cpu) text += formatCpuState(cpu, { ccop: true });
  log.write(text);
}

/** The tag of translated block number `id` in a Trace line (QEMU: the host code address). */
export function blockTag(id: number): string {
  return '0x' + id.toString(16).padStart(12, '0');
}

/**
 * One instruction as QEMU's -d in_asm and the monitor's `x /i` print it (disas/capstone.c
 * cap_dump_insn): the address, up to 8 bytes (then padding so mnemonics line up), capstone's
 * mnemonic padded to 8 and its operands, and any further bytes on lines of their own (with their address).
 */
export function formatAsmLine(linear: number, bytes: ArrayLike<number>, text: AttText): string {
  const head = (at: number) => `0x${((linear + at) >>> 0).toString(16).padStart(8, '0')}: `;
  const byteText = (from: number, to: number) => {
    let s = '';
    for (let i = from; i < to; i++) s += ' ' + bytes[i]!.toString(16).padStart(2, '0');
    return s;
  };
  const n = bytes.length;
  // What capstone cannot decode QEMU shows a byte a line, as data.
  if (text.mnemonic === '(bad)') {
    let lines = '';
    for (let i = 0; i < n; i++) lines += `${head(i)}${byteText(i, i + 1)}${' '.repeat(21)}  .byte    0x${bytes[i]!.toString(16).padStart(2, '0')}\n`;
    return lines;
  }
  let line = `${head(0)}${byteText(0, Math.min(n, 8))}${' '.repeat(Math.max(0, 8 - n) * 3)}  ${text.mnemonic.padEnd(8)} ${text.ops}\n`;
  for (let i = 8; i < n; i += 8) line += `${head(i)}${byteText(i, Math.min(n, i + 8))}\n`;
  return line;
}
