// Runs one of our ROMs in-process with the same command line the golden was recorded with,
// capturing debugcon (stdio) in memory. Shared by the golden tests and the tools.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The ROMs that have a golden file (benchmark ROMs excluded: they are for npm run bench). */
export function goldenRoms(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'test/golden/roms'))
    .filter((f) => f.endsWith('.out'))
    .map((f) => f.slice(0, -4))
    .filter((n) => !n.startsWith('bench-'))
    .sort();
}

/** Extra flags from a `; ARGS:` line in the first 10 lines of the ROM source. */
export function romArgs(name: string): string[] {
  const src = path.join(ROOT, 'roms/src', `${name}.asm`);
  if (!fs.existsSync(src)) return [];
  const line = fs.readFileSync(src, 'latin1').split('\n').slice(0, 10).find((l) => l.startsWith('; ARGS:'));
  return line ? line.slice('; ARGS:'.length).trim().split(/\s+/).filter(Boolean) : [];
}

export function romCommandLine(name: string, engine: 'interp' | 'tcg'): string[] {
  return [
    '-bios', path.join(ROOT, 'roms', `${name}.bin`),
    '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot',
    '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    ...romArgs(name),
    '--engine', engine,
  ];
}

export interface RomResult {
  output: string;
  status: number;
  instructions: number;
}

export async function runRom(name: string, engine: 'interp' | 'tcg', maxInstructions = 500_000_000): Promise<RomResult> {
  const console = new MemoryCharBackend();
  const machine = new PcMachine(parseArgs(romCommandLine(name, engine)), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? console : null),
  });
  try {
    const status = await machine.run(maxInstructions);
    return { output: console.text(), status, instructions: machine.cpu.icount };
  } finally {
    machine.shutdown();
  }
}

export function golden(name: string): { output: string; status: number } {
  const dir = path.join(ROOT, 'test/golden/roms');
  return {
    output: fs.readFileSync(path.join(dir, `${name}.out`), 'latin1'),
    status: Number(fs.readFileSync(path.join(dir, `${name}.status`), 'utf8').trim()),
  };
}
