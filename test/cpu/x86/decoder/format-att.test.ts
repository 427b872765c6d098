// The AT&T formatter against what QEMU 7.2 itself printed (capstone 4 through -d in_asm) for a
// corpus of instructions from the golden ROMs, the C kernels, difftest ROMs and a Linux boot
// (test/golden/disas/capstone-att.txt, recorded by scripts/record-golden-disas.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInsnAtt } from '../../../../src/cpu/x86/decoder/index.js';
import { formatAsmLine } from '../../../../src/cpu/x86/exec-log.js';
import { dec, hex } from './bytes-reader.js';

const CORPUS = path.resolve(__dirname, '../../../golden/disas/capstone-att.txt');

interface Entry {
  addr: number;
  bytes: number[];
  text: string;
}

const entries: Entry[] = fs
  .readFileSync(CORPUS, 'latin1')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [addr, bytes, text] = l.split('\t');
    return { addr: parseInt(addr!, 16), bytes: hex(bytes!), text: text! };
  });

/**
 * Capstone 4 quirks tcg86 does not copy (its prefix state leaks from one instruction to the
 * next): F2 before A5 is shown or not depending on what came before, and with 66 and F3 both
 * present ins/outs in 32-bit code come out as the 32-bit form.
 */
function capstoneQuirk(bytes: number[]): boolean {
  const k = bytes.findIndex((b) => ![0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3].includes(b));
  const prefixes = bytes.slice(0, k);
  const opcode = bytes[k];
  if (prefixes.includes(0xf2) && opcode === 0xa5) return true;
  return prefixes.includes(0x66) && prefixes.includes(0xf3) && (opcode === 0x6d || opcode === 0x6f);
}

/** The text as QEMU lays it out: mnemonic padded to 8, a blank, the operands. */
function asQemu(bytes: number[], addr: number, code32: boolean): string | null {
  // Padded: read in the other code size the bytes may make a longer instruction.
  const insn = dec([...bytes, ...new Array<number>(16).fill(0)], code32, code32 ? addr : addr & 0xffff);
  const t = formatInsnAtt(insn, addr, code32);
  if (insn.len !== bytes.length || t.mnemonic === '(bad)') return null;
  return `${t.mnemonic.padEnd(8)} ${t.ops}`.trimEnd();
}

describe('formatInsnAtt: capstone 4 as QEMU 7.2 prints it', () => {
  it('has a corpus', () => expect(entries.length).toBeGreaterThan(1000));

  it('prints every corpus instruction as QEMU did (in the code size whose length fits)', () => {
    const wrong: string[] = [];
    for (const e of entries) {
      if (capstoneQuirk(e.bytes)) continue;
      // QEMU's log does not say the code size: the instruction must read right in one whose
      // length is the logged one (16- and 32-bit register names differ, so this is rarely both).
      const texts = [asQemu(e.bytes, e.addr, false), asQemu(e.bytes, e.addr, true)];
      if (!texts.includes(e.text)) wrong.push(`${e.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}: QEMU "${e.text}", tcg86 ${texts.map((t) => `"${t}"`).join(' / ')}`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  it('lays lines out as -d in_asm: bytes column, continuation lines, undecodable bytes', () => {
    const long = dec(hex('c7 05 04 30 00 00 00 00 09 00'), true, 0xf10c8);
    expect(formatAsmLine(0xf10c8, hex('c7 05 04 30 00 00 00 00 09 00'), formatInsnAtt(long, 0xf10c8, true))).toBe(
      '0x000f10c8:  c7 05 04 30 00 00 00 00  movl     $0x90000, 0x3004\n0x000f10d0:  09 00\n',
    );
    expect(formatAsmLine(0xf00ae, [0xfa], formatInsnAtt(dec([0xfa], false), 0xf00ae, false))).toBe('0x000f00ae:  fa                       cli      \n');
    // QEMU shows what capstone cannot decode as one .byte line per byte.
    expect(formatAsmLine(0xf186c, [0x0f, 0x04], formatInsnAtt(dec([0x0f, 0x04], true), 0xf186c, true))).toBe(
      '0x000f186c:  0f                       .byte    0x0f\n0x000f186d:  04                       .byte    0x04\n',
    );
  });
});
