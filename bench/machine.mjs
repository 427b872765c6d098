// Describes the benchmark host: CPU model and count, memory, OS, Node, QEMU and v86 versions.
import { readFileSync } from 'node:fs';
import os from 'node:os';

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function describeMachine({ qemu, v86 }) {
  return {
    cpu: cpuModel(),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    qemu: qemu ?? 'not installed',
    v86: v86 ? `v86 ${v86.version}` : 'not installed',
  };
}
