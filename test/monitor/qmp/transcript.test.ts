// The QMP transcript (test/golden/qmp/transcript.qmp) sent to tcg86 over a Unix socket, as a
// client would: the replies must be QEMU 7.2's (transcript.out, recorded by
// scripts/record-golden-qmp.mjs) apart from timestamps, versions, thread ids and the command list.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, type CliProcess } from '../../cli/cli-process.js';
// @ts-expect-error: a plain ESM script shared with the recording script
import { commandNames, normalize, parseTranscript, runTranscript } from '../../../scripts/qmp-transcript.mjs';

const gold = path.join(ROOT, 'test/golden/qmp');
let cli: CliProcess;

beforeAll(async () => {
  cli = await cliProcess();
}, 60_000);
afterAll(() => cli?.remove());

describe('QMP transcript against QEMU 7.2', () => {
  for (const engine of ['tcg', 'interp']) {
    it(`replies as QEMU does (${engine})`, async () => {
      const dir = fs.mkdtempSync(path.join(cli.dir, `qmp-${engine}-`));
      const sock = path.join(dir, 'qmp.sock');
      const steps = parseTranscript(fs.readFileSync(path.join(gold, 'transcript.qmp'), 'utf8'));
      const args = [cli.cli, '-bios', path.join(ROOT, 'roms/qmp-guest.bin'), '-display', 'none', '-nodefaults', '-vga', 'std', '-S'];
      args.push('--engine', engine, '-qmp', `unix:${sock},server=on,wait=off`);
      const { text, status, stderr } = await runTranscript({ cmd: process.execPath, args, sock, steps, cwd: dir });
      const want = fs.readFileSync(path.join(gold, 'transcript.out'), 'utf8');
      expect(normalize(text)).toBe(normalize(want));
      expect(status, stderr).toBe(Number(fs.readFileSync(path.join(gold, 'transcript.status'), 'utf8')));
      // Every command tcg86 lists is one of QEMU's.
      const qemuNames = new Set(commandNames(want));
      expect(commandNames(text).filter((n: string) => !qemuNames.has(n))).toEqual([]);
      // pmemsave and memsave wrote the ROM's last bytes, as QEMU did.
      const rom = fs.readFileSync(path.join(ROOT, 'roms/qmp-guest.bin'));
      expect(fs.readFileSync(path.join(dir, 'pmem.bin'))).toEqual(rom.subarray(0xfff0));
      expect(fs.readFileSync(path.join(dir, 'mem.bin'))).toEqual(rom);
      expect(fs.readFileSync(path.join(dir, 'shot.ppm')).subarray(0, 2).toString()).toBe('P6');
    }, 60_000);
  }
});
