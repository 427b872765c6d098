// Where QEMU's pc puts device memory (the hotplug area DIMMs are mapped into) when maxmem is
// above the RAM size: pc_memory_init's base (the first GiB boundary above RAM above 4 GiB) and
// size (maxmem - RAM, plus 1 GiB of alignment per slot, as pc machines since 2.x enforce).

import type { MachineConfig } from './config.js';

const GiB = 2 ** 30;

export interface DeviceMemoryRange {
  base: number;
  size: number;
}

export function deviceMemoryRange(config: MachineConfig, above4g: number): DeviceMemoryRange | null {
  if (config.maxRamSize <= config.ramSize) return null;
  const base = Math.ceil((2 ** 32 + above4g) / GiB) * GiB;
  return { base, size: config.maxRamSize - config.ramSize + GiB * config.ramSlots };
}

/** QEMU's fw_cfg etc/reserved-memory-end: the end of device memory rounded up to 1 GiB (le64). */
export function reservedMemoryEnd(range: DeviceMemoryRange): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.ceil((range.base + range.size) / GiB) * GiB), true);
  return out;
}
