// Debian's GRUB on an IDE disk (test/devices/ide/grub-image.ts): SeaBIOS boots boot.img, which
// loads core.img through int 13h; GRUB's serial console shows the same transcript as on QEMU 7.2
// up to its prompt (test/golden/disks/grub.out, scripts/record-golden-disks.mjs), and a command
// typed at the prompt runs. The translator only: GRUB needs about 150 M instructions to its
// prompt, minutes on the interpreter (the disk and CD boot tests run both engines). Skipped
// without grub-pc-bin (.ci/run installs it).
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../../src/cli/args.js';
import { MemoryCharBackend } from '../../../src/devices/chardev.js';
import { PcMachine } from '../../../src/machine/pc.js';
import { haveSeabios } from '../../machine/seabios-run.js';
import { ROOT } from './disk-images.js';
import { haveGrub, makeGrubDisk } from './grub-image.js';

let machine: PcMachine | null = null;
afterEach(() => {
  machine?.shutdown();
  machine = null;
});

/** Run until the serial output contains `text` after `from`, in steps; false at the limit. */
async function runUntil(m: PcMachine, out: MemoryCharBackend, text: string, from: number, limit: number): Promise<boolean> {
  for (let n = m.cpu.icount + 10_000_000; n <= limit; n += 10_000_000) {
    if (out.text().indexOf(text, from) >= 0) return true;
    expect(await m.runUntil(n)).toBeNull();
  }
  return out.text().indexOf(text, from) >= 0;
}

describe.skipIf(!haveSeabios || !haveGrub)('GRUB boots from an IDE disk to its serial prompt', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-grub-'));
  const disk = haveGrub ? makeGrubDisk(dir)! : '';
  const golden = fs.readFileSync(path.join(ROOT, 'test/golden/disks/grub.out'), 'latin1');

  it.each(['tcg'] as const)('%s', async (engine) => {
    const out = new MemoryCharBackend();
    const args = ['-nographic', '-nodefaults', '-serial', 'stdio', '-drive', `file=${disk},format=raw,snapshot=on`, '--engine', engine];
    machine = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? out : null) });
    expect(await runUntil(machine, out, 'grub> ', 0, 2_000_000_000)).toBe(true);
    expect(out.text()).toBe(golden);
    const at = out.text().length;
    out.inject('echo hello from tcg86\r');
    // GRUB echoes the line as it is typed; the command's output starts a line of its own.
    expect(await runUntil(machine, out, '\n\rhello from tcg86\n\r', at, machine.cpu.icount + 400_000_000)).toBe(true);
  }, 240_000);
});
