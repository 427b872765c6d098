// Differential testing, host side: runs a generated ROM on tcg86 in-process (either engine) or on
// qemu-system-i386, turns the raw debugcon dump into comparable text, and disassembles blocks.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { decode, formatInsn, Insn } from '../../src/cpu/x86/decoder/index.js';
import { buildRom, generate, SAVE_LEN, windows, type Mode, type Program, type Rom } from './gen.js';

/** The command line (after -bios) for QEMU and tcg86; 2 MiB of RAM is plenty and quick to set up. */
export const ROM_ARGS = [
  '-m', '2', '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot',
  '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
];

let tmpDir: string | null = null;
let tmpCount = 0;
/** Writes a ROM image to a private temporary file (removed at process exit). */
export function writeTempRom(image: Uint8Array): string {
  if (!tmpDir) {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-difftest-'));
    const dir = tmpDir;
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const file = path.join(tmpDir, `rom${tmpCount++ % 8}.bin`);
  fs.writeFileSync(file, image);
  return file;
}

export interface RunResult {
  out: Uint8Array;
  status: number;
  /** Set when the run did not end by itself (hang, host exception). */
  error?: string;
  icount?: number;
}

export async function runTcg86(image: Uint8Array, engine: 'interp' | 'tcg', maxInstructions = 2_000_000): Promise<RunResult> {
  const file = writeTempRom(image);
  const con = new MemoryCharBackend();
  const machine = new PcMachine(parseArgs(['-bios', file, ...ROM_ARGS, '--engine', engine]), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? con : null),
  });
  try {
    const status = await machine.run(maxInstructions);
    return { out: con.bytes, status, icount: machine.cpu.icount };
  } catch (e) {
    return { out: con.bytes, status: -1, error: e instanceof Error ? e.message : String(e), icount: machine.cpu.icount };
  } finally {
    machine.shutdown();
  }
}

export function qemuAvailable(): boolean {
  return spawnSync('qemu-system-i386', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function runQemu(image: Uint8Array, timeoutMs = 10_000): RunResult {
  const file = writeTempRom(image);
  const r = spawnSync('qemu-system-i386', ['-bios', file, ...ROM_ARGS, '-accel', 'tcg'], { timeout: timeoutMs, maxBuffer: 1 << 24 });
  if (r.error) return { out: new Uint8Array(r.stdout ?? []), status: -1, error: String(r.error) };
  return { out: new Uint8Array(r.stdout), status: r.status ?? -1 };
}

const h8 = (v: number) => (v >>> 0).toString(16).padStart(8, '0');
const h4 = (v: number) => (v & 0xffff).toString(16).padStart(4, '0');
const h2 = (v: number) => (v & 0xff).toString(16).padStart(2, '0');

/**
 * The dump as text: one line of exception/flags state, one of GPRs, one of segments, then per
 * memory window only the bytes that differ from the initial contents ("addr=val").
 */
export function formatDump(p: Program, r: RunResult): string {
  const w = windows(p.mode);
  const expect = SAVE_LEN + w.reduce((a, x) => a + x.len, 0);
  const o = r.out;
  const lines: string[] = [`status ${r.status}${r.error ? ` error: ${r.error}` : ''}`];
  if (o.length !== expect) {
    lines.push(`dump length ${o.length} (expected ${expect}): ${Buffer.from(o.subarray(0, 512)).toString('hex')}`);
    return lines.join('\n');
  }
  const d32 = (off: number) => (o[off]! | (o[off + 1]! << 8) | (o[off + 2]! << 16) | (o[off + 3]! << 24)) >>> 0;
  const vec = d32(0);
  if (vec === 0xffffffff) lines.push(`end eflags=${h8(d32(20))}`);
  else lines.push(`exc ${vec} err=${h8(d32(4))} cr2=${h8(d32(8))} eip=${h8(d32(12))} cs=${h4(d32(16))} eflags=${h8(d32(20))}`);
  const R = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
  lines.push(R.map((n, i) => `${n}=${h8(d32(24 + 4 * i))}`).join(' '));
  const S = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
  lines.push(S.map((n, i) => `${n}=${h4(o[56 + 2 * i]! | (o[57 + 2 * i]! << 8))}`).join(' '));
  let at = SAVE_LEN;
  w.forEach((win, i) => {
    const init = p.init[i]!;
    const diffs: string[] = [];
    for (let k = 0; k < win.len; k++) if (o[at + k] !== init[k]) diffs.push(`${h4(win.start + k)}=${h2(o[at + k]!)}`);
    lines.push(`${win.name}: ${diffs.join(' ')}`);
    at += win.len;
  });
  return lines.join('\n');
}

/** A short hash of the ROM image: goldens record it so a generator change is detected. */
export function romHash(image: Uint8Array): string {
  return createHash('sha1').update(image).digest('hex').slice(0, 12);
}

/** Disassembly of the block (units separated), with offsets as the CPU sees EIP. */
export function disassemble(rom: Rom, p: Program, keep?: readonly boolean[]): string {
  const insn = new Insn();
  const img = rom.image;
  const base = rom.code32 ? 0xf0000 : 0;
  const lines: string[] = [];
  p.units.forEach((u, i) => {
    if (keep && !keep[i]) return;
    const start = rom.unitOffsets[i]!;
    lines.push(`  ; unit ${i}: ${u.kind}`);
    let off = start;
    while (off < start + u.bytes.length) {
      decode(insn, { readCode8: (eip) => img[(eip - base) & 0xffff]! }, base + off, rom.code32);
      const bytes = Buffer.from(img.subarray(off, off + insn.len)).toString('hex');
      lines.push(`  ${(base + off).toString(16).padStart(5, '0')}  ${bytes.padEnd(24)} ${formatInsn(insn)}`);
      off += Math.max(1, insn.len);
    }
  });
  return lines.join('\n');
}

export interface Case {
  seed: number;
  mode: Mode;
  program: Program;
  rom: Rom;
}

export function makeCase(seed: number, mode: Mode, keep?: readonly boolean[]): Case {
  const program = generate(seed, mode);
  return { seed, mode, program, rom: buildRom(program, keep) };
}

/** Instruction count bound for a difftest ROM (blocks are short; loops are tiny). */
export const DIFF_MAX_INSNS = 2_000_000;
