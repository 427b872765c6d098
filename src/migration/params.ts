// Migration parameters and capabilities with QEMU 7.2's names and defaults (the subset that
// tcg86's pre-copy uses), set by migrate_set_parameter / migrate_set_capability.

import { MigrationError } from './bytes.js';

export interface MigrationParams {
  /** Bytes per second the stream may use (QEMU's MAX_THROTTLE default: 128 MiB/s). */
  maxBandwidth: number;
  /** Longest acceptable pause of the guest at completion, ms. */
  downtimeLimit: number;
  throttleTriggerThreshold: number;
  cpuThrottleInitial: number;
  cpuThrottleIncrement: number;
  maxCpuThrottle: number;
}

export function defaultParams(): MigrationParams {
  return {
    maxBandwidth: 128 * 1024 * 1024,
    downtimeLimit: 300,
    throttleTriggerThreshold: 50,
    cpuThrottleInitial: 20,
    cpuThrottleIncrement: 10,
    maxCpuThrottle: 99,
  };
}

export interface MigrationCaps {
  autoConverge: boolean;
  /** QMP's MIGRATION and MIGRATION_PASS events are sent (QEMU's `events` capability). */
  events: boolean;
}

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** migrate_set_parameter NAME VALUE (max-bandwidth takes a size, MiB when bare, as HMP). */
export function setParam(p: MigrationParams, name: string, value: string): void {
  const int = (lo: number, hi: number): number => {
    if (!/^\d+$/.test(value)) throw new MigrationError(`Parameter '${name}' expects a number`);
    const n = Number(value);
    if (n < lo || n > hi) throw new MigrationError(`Parameter '${name}' expects a value between ${lo} and ${hi}`);
    return n;
  };
  switch (name) {
    case 'max-bandwidth': {
      const m = /^(\d+(?:\.\d+)?)([bkmgtBKMGT]?)$/.exec(value);
      if (!m) throw new MigrationError(`Parameter 'max-bandwidth' expects a size`);
      const n = Math.round(Number(m[1]) * SIZE_UNITS[(m[2] || 'm').toLowerCase()]!);
      if (n < 1) throw new MigrationError(`Parameter 'max-bandwidth' must be at least 1 byte/s`);
      p.maxBandwidth = n;
      return;
    }
    case 'downtime-limit':
      p.downtimeLimit = int(0, 2000000);
      return;
    case 'throttle-trigger-threshold':
      p.throttleTriggerThreshold = int(1, 100);
      return;
    case 'cpu-throttle-initial':
      p.cpuThrottleInitial = int(1, 99);
      return;
    case 'cpu-throttle-increment':
      p.cpuThrottleIncrement = int(1, 99);
      return;
    case 'max-cpu-throttle':
      p.maxCpuThrottle = int(1, 99);
      return;
    default:
      throw new MigrationError(`Invalid parameter '${name}' (tcg86 knows max-bandwidth, downtime-limit, throttle-trigger-threshold, cpu-throttle-initial, cpu-throttle-increment, max-cpu-throttle)`);
  }
}

export function setCapability(c: MigrationCaps, name: string, value: string): void {
  if (value !== 'on' && value !== 'off') throw new MigrationError(`capability '${name}': '${value}' must be on or off`);
  if (name === 'events') c.events = value === 'on';
  else if (name === 'auto-converge') c.autoConverge = value === 'on';
  else throw new MigrationError(`Invalid capability '${name}' (tcg86 knows auto-converge and events)`);
}

/** `info migrate_parameters`, in QEMU's layout for the parameters tcg86 has. */
export function formatParams(p: MigrationParams): string {
  return (
    `throttle-trigger-threshold: ${p.throttleTriggerThreshold}\n` +
    `cpu-throttle-initial: ${p.cpuThrottleInitial}\n` +
    `cpu-throttle-increment: ${p.cpuThrottleIncrement}\n` +
    `max-cpu-throttle: ${p.maxCpuThrottle}\n` +
    `max-bandwidth: ${p.maxBandwidth} bytes/second\n` +
    `downtime-limit: ${p.downtimeLimit} ms\n`
  );
}
