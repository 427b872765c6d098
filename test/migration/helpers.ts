// Test helpers: machines running a ROM in-process with debugcon captured, a free loopback
// port, and the unmigrated reference run of a ROM.

import * as net from 'node:net';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { romCommandLine } from '../roms/rom-runner.js';

export const LIMIT = 100_000_000;

export interface TestMachine {
  m: PcMachine;
  out: MemoryCharBackend;
}

export function machine(rom: string, engine: 'interp' | 'tcg', extra: string[] = []): TestMachine {
  const out = new MemoryCharBackend();
  const m = new PcMachine(parseArgs([...romCommandLine(`roms/${rom}`, engine), ...extra]), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? out : null),
  });
  return { m, out };
}

/** Run to the end; the machine is shut down afterwards. */
export async function run(t: TestMachine): Promise<number> {
  try {
    return await t.m.run(LIMIT);
  } finally {
    t.m.shutdown();
  }
}

export interface Reference {
  output: string;
  status: number;
  icount: number;
}

export async function reference(rom: string, engine: 'interp' | 'tcg', extra: string[] = []): Promise<Reference> {
  const t = machine(rom, engine, extra);
  const status = await run(t);
  return { output: t.out.text(), status, icount: t.m.cpu.icount };
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
