// Test helper: run SeaBIOS (Debian's bios-256k.bin) on the pc until its debug log (port
// 0x402) says "No bootable device." or an instruction limit passes; returns the log.
import * as fs from 'node:fs';
import { parseArgs } from '../../src/cli/args.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { PcMachine } from '../../src/machine/pc.js';

export const SEABIOS = '/usr/share/seabios/bios-256k.bin';
export const haveSeabios = fs.existsSync(SEABIOS) && fs.existsSync('/usr/share/seabios/vgabios-stdvga.bin');
export const END = 'No bootable device.';

export interface SeabiosRun {
  log: string;
  machine: PcMachine;
}

/** Run until the log holds END (checked every `step` instructions) or `limit` instructions. */
export async function runSeabios(engine: 'tcg' | 'interp', extra: string[] = [], limit = 400_000_000, step = 20_000_000): Promise<SeabiosRun> {
  const log = new MemoryCharBackend();
  const args = ['-nodefaults', '-vga', 'std', '-display', 'none', '-no-reboot', '-chardev', 'stdio,id=seabios', '-device', 'isa-debugcon,iobase=0x402,chardev=seabios', '--engine', engine, ...extra];
  const machine = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? log : null) });
  for (let n = step; n <= limit && !log.text().includes(END); n += step) {
    try {
      await machine.run(n);
      break; // the guest ended the run
    } catch (e) {
      if (!(e instanceof Error) || !/without exiting \(limit/.test(e.message)) throw e;
    }
  }
  return { log: log.text(), machine };
}
