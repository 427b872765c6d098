// Runs one of our ROMs in-process with the same command line the golden was recorded with,
// capturing debugcon (stdio) in memory. Shared by the golden tests and the tools.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The ROMs with a golden file, as "roms/NAME" (booted with -bios) and "kernels/NAME" (multiboot,
 * booted with -kernel). Benchmark ROMs are left to npm run bench, x87 vector ROMs to their unit tests.
 */
export function goldenRoms(): string[] {
  const list = (dir: string) =>
    fs.existsSync(path.join(ROOT, 'test/golden', dir))
      ? fs
          .readdirSync(path.join(ROOT, 'test/golden', dir))
          .filter((f) => f.endsWith('.out'))
          .map((f) => `${dir}/${f.slice(0, -4)}`)
      : [];
  // The fpu-vec-* outputs are softfloat vectors: test/cpu/x86/fpu checks them op by op (running
  // their thousands of printed lines on both engines would take a minute).
  return [...list('roms'), ...list('kernels')].filter((n) => !n.includes('/bench-') && !n.includes('/fpu-vec-')).sort();
}

/**
 * A `; KEY: value` header line within the first 10 lines of a ROM source, or `// KEY: value` in a
 * C kernel's source (roms/c/NAME.c).
 */
function header(name: string, key: string): string | null {
  const asm = path.join(ROOT, 'roms/src', `${name}.asm`);
  const c = path.join(ROOT, 'roms/c', `${name}.c`);
  const [src, prefix] = fs.existsSync(asm) ? [asm, `; ${key}: `] : [c, `// ${key}: `];
  if (!fs.existsSync(src)) return null;
  const line = fs.readFileSync(src, 'latin1').split('\n').slice(0, 10).find((l) => l.startsWith(prefix));
  return line ? line.slice(prefix.length).trim() : null;
}

/** A kernel's image: roms/NAME.elf for the C kernels (built by gcc), roms/NAME.bin for NASM's. */
function kernelImage(name: string): string {
  return fs.existsSync(path.join(ROOT, 'roms', `${name}.elf`)) ? `roms/${name}.elf` : `roms/${name}.bin`;
}

/** Extra flags from a `; ARGS:` line in the first 10 lines of the ROM source. */
export function romArgs(name: string): string[] {
  return (header(name, 'ARGS') ?? '').split(/\s+/).filter(Boolean);
}

/**
 * The command line the golden was recorded with. Kernels are named by a path relative to the
 * repository root because QEMU starts the multiboot command line with the -kernel argument.
 */
export function romCommandLine(id: string, engine: 'interp' | 'tcg'): string[] {
  const [dir, name] = id.split('/') as [string, string];
  const boot =
    dir === 'kernels'
      ? ['-kernel', kernelImage(name), ...(header(name, 'APPEND') !== null ? ['-append', header(name, 'APPEND')!] : [])]
      : ['-bios', path.join(ROOT, 'roms', `${name}.bin`)];
  return [
    ...boot,
    '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot',
    '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    ...romArgs(name),
    '--engine', engine,
  ];
}

export interface RomResult {
  output: string;
  status: number;
  /** Instructions retired by every vCPU. */
  instructions: number;
  /** Each vCPU's count (-smp: the two engines must interleave the CPUs alike). */
  perCpu: number[];
}

export async function runRom(id: string, engine: 'interp' | 'tcg', maxInstructions = 500_000_000): Promise<RomResult> {
  const console = new MemoryCharBackend();
  const machine = new PcMachine(parseArgs(romCommandLine(id, engine)), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? console : null),
  });
  try {
    const status = await machine.run(maxInstructions);
    return { output: console.text(), status, instructions: machine.totalIcount, perCpu: machine.cpus.map((c) => c.icount) };
  } finally {
    machine.shutdown();
  }
}

export function golden(id: string): { output: string; status: number } {
  const base = path.join(ROOT, 'test/golden', id);
  return {
    output: fs.readFileSync(`${base}.out`, 'latin1'),
    status: Number(fs.readFileSync(`${base}.status`, 'utf8').trim()),
  };
}
