// `info migrate` in QEMU 7.2's layout (hmp_info_migrate), from the manager's counters.

import type { MigrationManager } from './migration.js';

export function formatMigrationInfo(m: MigrationManager): string {
  let s = 'globals:\nstore-global-state: on\nonly-migratable: off\nsend-configuration: on\nsend-section-footer: on\ndecompress-error-check: on\nclear-bitmap-shift: 18\n';
  if (m.caps.autoConverge) s = 'capabilities: auto-converge: on\n' + s;
  if (m.status === 'none') return s;
  s += `Migration status: ${m.status}`;
  if (m.status === 'failed' && m.error) s += ` (${m.error})`;
  s += '\n';
  const ram = m.ram;
  const done = m.status === 'completed';
  const total = done || !m.active ? m.totalMs : m.now() - m.startMs;
  s += `total time: ${Math.round(total)} ms\n`;
  if (done) s += `downtime: ${Math.round(m.downtimeMs)} ms\n`;
  else if (m.active) s += `expected downtime: ${Math.round(m.expectedDowntimeMs)} ms\n`;
  s += `setup: ${Math.round(m.setupMs)} ms\n`;
  if (!ram) return s;
  const kb = (n: number) => Math.floor(n / 1024);
  const secs = Math.max(total, 1) / 1000;
  s += `transferred ram: ${kb(m.transferred)} kbytes\n`;
  s += `throughput: ${((m.transferred * 8) / 1e6 / secs).toFixed(2)} mbps\n`;
  s += `remaining ram: ${kb(ram.dirtyPages * 4096)} kbytes\n`;
  s += `total ram: ${kb(ram.totalBytes)} kbytes\n`;
  s += `duplicate: ${ram.zeroPages} pages\n`;
  s += `skipped: 0 pages\n`;
  s += `normal: ${ram.normalPages} pages\n`;
  s += `normal bytes: ${kb(ram.normalPages * 4096)} kbytes\n`;
  s += `dirty sync count: ${ram.syncCount}\n`;
  s += `page size: 4 kbytes\n`;
  s += `multifd bytes: 0 kbytes\n`;
  s += `pages-per-second: ${Math.round((ram.normalPages + ram.zeroPages) / secs)}\n`;
  if (m.dirtyPagesRate) s += `dirty pages rate: ${m.dirtyPagesRate} pages\n`;
  if (m.throttlePercent) s += `cpu throttle percentage: ${m.throttlePercent}\n`;
  s += `pages per iteration: ${m.pagesPerIteration.join(' ')}\n`;
  return s;
}
