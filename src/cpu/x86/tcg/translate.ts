// Turns guest code at CS:EIP into a TranslationBlock: decode up to a block end, the end of the
// first page (one instruction may cross into the next), a mode-changing instruction or the
// length limit; generate its JavaScript and compile it with new Function.

import { MMU_INST_FETCH, TLB_MMIO } from '../../../softmmu/tlb-flags.js';
import { TranslationBlock, type TBFunction } from '../../../softmmu/tb.js';
import { computeAll, computeCF, testCondition } from '../cc.js';
import { R_CS } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { decode, END, F, formatInsnAtt, formatInsnText, Insn, OP_END, OP_FLAGS, OP_INVALID, OP_TOO_LONG, opId } from '../decoder/index.js';
import { GUEST_EXCEPTION } from '../exception.js';
import { HANDLERS } from '../interp/handlers.js';
import { imulFlagSrc32 } from '../interp/muldiv.js';
import { CodeGen, type BlockInsn } from './codegen.js';
import type { BlockDescription } from '../plugin-hooks.js';
import { formatAsmLine } from '../exec-log.js';

export const MAX_BLOCK_INSNS = 48;

/**
 * Segment register loads: they change the flags blocks are specialised on (flat DS/ES/SS,
 * stack size). opId throws on a name the decoder does not have, so a renamed op cannot
 * silently drop out of this set (a regex over names once missed les/lds/lss/lfs/lgs).
 */
const SEGMENT_LOADS = new Set(
  ['mov_Sw_Ew', 'pop_ES', 'pop_SS', 'pop_DS', 'pop_FS', 'pop_GS', 'les_Gz_Mp', 'lds_Gz_Mp', 'lss_Gz_Mp', 'lfs_Gz_Mp', 'lgs_Gz_Mp'].map(opId),
);

/** Ops after which a block must end although the decoder gives them no END kind. */
function endsBlock(op: number): boolean {
  if (OP_END[op] !== END.NONE) return true;
  const f = OP_FLAGS[op]!;
  if (f & (F.IOPL | F.PRIV | F.FAR)) return true; // I/O, privileged, far transfers
  return SEGMENT_LOADS.has(op);
}

/** The ram_addr of the code byte at linear address lin, or -1 when it is not RAM/ROM. */
export function codeRamAddr(cpu: X86CPU, lin: number): number {
  const mmu = cpu.mmu;
  const idx = mmu.probe(lin, MMU_INST_FETCH, cpu.mmuIdx);
  const t = mmu.tlb.tables[cpu.mmuIdx]!;
  if (t.comparator(idx, MMU_INST_FETCH) & TLB_MMIO) return -1;
  return (lin + t.addend(idx)) >>> 0;
}

/** The block as plugins see it: each instruction's linear address, bytes (fetched again) and decode. */
function describeBlock(cpu: X86CPU, csBase: number, block: BlockInsn[]): BlockDescription {
  const insns = block.map((b) => {
    const bytes = new Uint8Array(b.insn.len);
    for (let i = 0; i < bytes.length; i++) bytes[i] = cpu.readCode8(b.eip + i);
    return { vaddr: (csBase + b.eip) >>> 0, bytes, insn: b.insn };
  });
  return { vaddr: (csBase + block[0]!.eip) >>> 0, insns };
}

interface DecodedBlock {
  block: BlockInsn[];
  size: number;
  /** ram_addr of the second page when the last instruction crosses into it, else -1. */
  ramAddr1: number;
}

/** Decode the block at pc: up to a block end, the page end or the length limit. */
function decodeBlock(cpu: X86CPU, pc: number, checked: boolean): DecodedBlock | null {
  const csBase = cpu.segBase[R_CS]!;
  const code32 = cpu.code32;
  const mask = code32 ? 0xffffffff : 0xffff;
  const startPage = (csBase + pc) & -4096;
  const block: BlockInsn[] = [];
  let eip = pc;
  let size = 0;
  let ramAddr1 = -1;
  const savedCr2 = cpu.cr2;
  for (let n = 0; n < MAX_BLOCK_INSNS; n++) {
    const lin = (csBase + eip) | 0;
    if (n > 0 && (lin & -4096) !== startPage) break;
    const insn = new Insn();
    try {
      decode(insn, cpu, eip, code32);
    } catch (e) {
      if (e !== GUEST_EXCEPTION || n === 0) throw e;
      cpu.cr2 = savedCr2; // speculative: the fault belongs to code that may never run
      break;
    }
    if (insn.op === OP_INVALID || insn.op === OP_TOO_LONG) {
      if (n > 0) break; // let the interpreter raise it when execution gets there
    }
    if (eip + insn.len - 1 > mask) {
      // The instruction wraps from the end of the offset space (IP 0xffff) to offset 0: its
      // bytes are not contiguous, which a block's two-page code range cannot describe.
      if (n > 0) break;
      return null;
    }
    const endLin = (lin + insn.len - 1) | 0;
    if (checked && (endLin & -4096) !== startPage) {
      if (n > 0) break;
      return null; // the interpreter runs an instruction that crosses out of a hot page
    }
    if ((endLin & -4096) !== startPage) {
      // This instruction crosses into the next page: record that page (it must be RAM too).
      let r1: number;
      try {
        r1 = codeRamAddr(cpu, endLin & -4096);
      } catch (e) {
        if (e !== GUEST_EXCEPTION) throw e;
        cpu.cr2 = savedCr2;
        r1 = -1;
      }
      if (r1 < 0) {
        if (n > 0) break;
        return null;
      }
      ramAddr1 = r1;
    }
    const nextEip = (eip + insn.len) & mask;
    block.push({ insn, eip, nextEip: nextEip >>> 0 });
    size += insn.len;
    eip = nextEip >>> 0;
    if (ramAddr1 >= 0 || endsBlock(insn.op)) break;
  }
  return { block, size, ramAddr1 };
}

/**
 * Translate the block at cpu.eip. The first instruction's fetch faults are real and propagate;
 * a fault further on only ends the block there (that code may never run), with CR2 kept.
 * Returns null if the code is not in RAM/ROM (MMIO code is interpreted, never cached), or if
 * its first instruction wraps from the end of the offset space to offset 0.
 * `checked`: the page is rewritten too often to write-protect; make a checked block (see
 * TranslationBlock.checked), which never spans two pages.
 */
export function translateBlock(cpu: X86CPU, flags: number, ramAddr: number, checked = false): TranslationBlock | null {
  const pc = cpu.eip;
  const csBase = cpu.segBase[R_CS]!;
  const code32 = cpu.code32;
  const startLin = (csBase + pc) | 0;
  const entry = decodeBlock(cpu, pc, checked);
  if (!entry) return null;
  const block = entry.block;
  if (cpu.log?.inAsm && cpu.log.inRange(startLin >>> 0)) {
    // -d in_asm: the guest code of each new block, as QEMU logs it at translation.
    let text = '----------------\nIN: \n';
    for (const b of block) {
      const bytes: number[] = [];
      for (let i = 0; i < b.insn.len; i++) bytes.push(cpu.readCode8(b.eip + i));
      text += formatAsmLine(csBase + b.eip, bytes, formatInsnAtt(b.insn, csBase + b.eip, code32));
    }
    cpu.log.write(text + '\n');
  }
  // Plugins see the block now; the code gets calls only for the callbacks they registered.
  const plugin = cpu.plugins !== null ? cpu.plugins.translate(describeBlock(cpu, csBase, block)) : null;
  const gen = new CodeGen(flags, code32, checked ? ramAddr : -1, plugin, cpu.profileBlocks).generate(block);
  const page0 = Math.floor(ramAddr / 4096);
  const ramAddr1 = entry.ramAddr1;
  const tb = new TranslationBlock(pc, csBase, flags, ramAddr, entry.size, page0, ramAddr1 >= 0 ? Math.floor(ramAddr1 / 4096) : -1, ramAddr1 >= 0 ? ramAddr1 & -4096 : -1);
  tb.insnCount = block.length;
  tb.eips = gen.eips;
  if (cpu.profileBlocks) {
    tb.disas = block.map((b) => formatInsnText(b.insn, csBase + b.eip, code32));
    tb.exits = new Float64Array(5);
  }
  if (checked) {
    tb.checked = true;
    tb.snap = cpu.mmu.ram.slice(ramAddr, ramAddr + entry.size);
    tb.fixed = new Uint8Array(entry.size).fill(1);
    for (const off of gen.volatileBytes) tb.fixed[off] = 0;
  }
  tb.jmpTargetPc[0] = gen.jmpTargets[0] ?? -1;
  tb.jmpTargetPc[1] = gen.jmpTargets[1] ?? -1;
  const fname = `tb_${(startLin >>> 0).toString(16)}`;
  const src = `return function ${fname}(cpu) {\n${gen.source}\n};`;
  tb.source = src;
  // -d out_asm: QEMU logs the host code of each block; ours is this JavaScript.
  if (cpu.log?.outAsm && cpu.log.inRange(startLin >>> 0)) cpu.log.write(`OUT: [size=${src.length}]\n${src}\n\n`);
  tb.codeSize = src.length;
  const factory = new Function('H', 'I', 'EIPS', 'CF', 'TC', 'CA', 'MS', 'V', 'P', 'X', src) as (...args: unknown[]) => TBFunction;
  // mmu.ram, not a copy of it: the RAM backing is replaced when RAM blocks grow.
  const stillValid = checked ? () => tb.codeMatches(cpu.mmu.ram) : null;
  tb.fn = factory(HANDLERS, gen.insns, gen.eips, computeCF, testCondition, computeAll, imulFlagSrc32, stillValid, plugin, tb);
  return tb;
}
