// Runs a ROM on qemu-system-i386 (TCG, the golden-file command line) as a child process; wall
// time includes QEMU's startup, which the caller measures separately with a trivial ROM.
import { spawnSync } from 'node:child_process';
import { runChild } from './child.mjs';
import { checkOutput } from './roms.mjs';

const BASE = ['-accel', 'tcg', '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot', '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'];

/** QEMU's version line, or null when the binary ($QEMU or qemu-system-i386) cannot be run. */
export function qemuVersion(bin = process.env.QEMU || 'qemu-system-i386') {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n')[0].trim();
}

export async function runQemu(rom, { timeoutMs, bin = process.env.QEMU || 'qemu-system-i386' } = {}) {
  const r = await runChild(bin, [...(rom.boot ?? ['-bios', rom.bin]), ...BASE, ...rom.args], { timeoutMs });
  return {
    engine: 'qemu-tcg',
    wallMs: r.wallMs,
    status: r.status,
    timedOut: r.timedOut,
    rssKiB: r.rssKiB,
    rssMethod: r.rssMethod,
    check: r.timedOut ? 'TIMEOUT' : checkOutput(rom, r.stdout, r.status),
    icount: null,
    note: null,
    stderrTail: r.stderr.trim() ? r.stderr.trim().split('\n').slice(-3).join('\n') : null,
  };
}
