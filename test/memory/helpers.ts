// Shared helpers of the memory-core suites: a compact text form of flat views so that
// expectations read like QEMU's `info mtree -f` lines (start-end name@offset).

import type { AddressSpace, FlatView } from '../../src/memory/index.js';

const h = (n: number): string => n.toString(16);

/** One string per flat range: "start-last name[@offset][ ro]". */
export function viewLines(view: FlatView): string[] {
  return view.ranges.map(
    (r) =>
      `${h(r.addr)}-${h(r.addr + r.size - 1)} ${r.mr.name}` +
      (r.offsetInRegion ? `@${h(r.offsetInRegion)}` : '') +
      (r.readonly ? ' ro' : ''),
  );
}

export function asLines(as: AddressSpace): string[] {
  return viewLines(as.currentMap);
}

/** An I/O ops table that behaves like memory: bytes stored in `bytes`, calls logged. */
export function memoryLikeOps(size: number, log: string[] = []) {
  const bytes = new Uint8Array(size);
  return {
    bytes,
    log,
    ops: {
      read(addr: number, s: number): number {
        log.push(`r${h(addr)}/${s}`);
        let v = 0;
        for (let k = s - 1; k >= 0; k--) v = v * 256 + (addr + k < size ? bytes[addr + k]! : 0);
        return v;
      },
      write(addr: number, value: number, s: number): void {
        log.push(`w${h(addr)}/${s}=${h(value)}`);
        for (let k = 0; k < s; k++) {
          if (addr + k < size) bytes[addr + k] = Math.floor(value / 256 ** k) & 0xff;
        }
      },
    },
  };
}
