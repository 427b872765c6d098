#!/usr/bin/env node
// record-golden-qmp.mjs: send test/golden/qmp/transcript.qmp to qemu-system-i386 7.2 over a
// QMP Unix socket and record its replies as test/golden/qmp/transcript.out (the test sends the
// same transcript to tcg86 and compares, timestamps and versions aside; scripts/qmp-transcript.mjs).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTranscript, runTranscript } from './qmp-transcript.mjs';

const root = path.resolve(import.meta.dirname, '..');
const gold = path.join(root, 'test/golden/qmp');
const qemu = process.env.QEMU ?? 'qemu-system-i386';

/** The command line both emulators get (the socket's path appended by the caller). */
export const TRANSCRIPT_ARGS = ['-bios', path.join(root, 'roms/qmp-guest.bin'), '-display', 'none', '-nodefaults', '-vga', 'std', '-S'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-qmp-'));
const sock = path.join(dir, 'qmp.sock');
const steps = parseTranscript(fs.readFileSync(path.join(gold, 'transcript.qmp'), 'utf8'));
const { text, status } = await runTranscript({ cmd: qemu, args: [...TRANSCRIPT_ARGS, '-qmp', `unix:${sock},server=on,wait=off`], sock, steps, cwd: dir });
fs.writeFileSync(path.join(gold, 'transcript.out'), text);
fs.writeFileSync(path.join(gold, 'transcript.status'), `${status}\n`);
fs.rmSync(dir, { recursive: true, force: true });
console.log(`record-golden-qmp: ${text.split('\n').length - 1} lines, exit status ${status}`);
