// Test helper for the Linux boot tests: the CLI run as a child process without blocking the
// vitest worker, and the check that the /init script printed what it printed on QEMU 7.2.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { expect } from 'vitest';
import { GOLDEN_SCRIPT, scriptLines } from './linux-files.js';

/** A boot takes minutes on a loaded machine: the translator engine only (see DESIGN.md). */
export const BOOT_TIMEOUT_MS = 20 * 60_000;

/**
 * MemTotal is compared with a margin: QEMU's own value varies by tens of KiB between boots (with
 * the machine's ACPI and SMBIOS tables SeaBIOS reserves what it does on QEMU; 32 KiB apart seen).
 */
const MEMTOTAL_MARGIN_KB = 128;

/**
 * The CLI as a child process without blocking this worker (a boot takes minutes; spawnSync would
 * starve vitest's worker RPC): stdout, stderr and the exit status, or null after `timeoutMs`.
 */
export function runCliAsync(cliPath: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status });
    });
  });
}

/** The script lines in a serial transcript equal QEMU's (test/golden/linux/script.txt), MemTotal within the margin. */
export function expectScriptAsQemu(serial: string, stderr: string): void {
  const got = scriptLines(serial);
  const want = fs.readFileSync(GOLDEN_SCRIPT, 'utf8').trimEnd().split('\n');
  expect(got.length, `script lines in:\n${serial.slice(-3000)}\nstderr: ${stderr}`).toBe(want.length);
  const memKb = (lines: string[]) => Number(/^MemTotal:\s+(\d+) kB$/.exec(lines.find((l) => l.startsWith('MemTotal:')) ?? '')?.[1]);
  expect(Math.abs(memKb(got) - memKb(want))).toBeLessThanOrEqual(MEMTOTAL_MARGIN_KB);
  const rest = (lines: string[]) => lines.filter((l) => !l.startsWith('MemTotal:'));
  expect(rest(got)).toEqual(rest(want));
}
