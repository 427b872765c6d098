// `info mtree` (tree, and -f flattened per address space) and `info ramblock`, laid out as
// QEMU's monitor prints them so that the two can be compared line by line.

import type { MemorySystem } from './memory-system.js';
import type { MemoryRegion } from './region.js';
import type { FlatView } from './flatview.js';

const hex16 = (n: number): string => {
  // Sizes of 2^64 make "end" 2^64-1, which a double cannot hold: print it exactly.
  if (n >= 2 ** 64 - 2048) return 'ffffffffffffffff';
  return Math.floor(n).toString(16).padStart(16, '0');
};
const mrSizeEnd = (start: number, size: number): number => (size === 0 ? start : start + size - 1);

/** Options of `info mtree` (QEMU's -D shows disabled regions, hidden by default). */
export interface MtreeOptions {
  disabled?: boolean;
}

function printRegion(
  out: string[],
  mr: MemoryRegion,
  level: number,
  base: number,
  aliased: MemoryRegion[],
  showDisabled: boolean,
): void {
  const start = base + mr.addr;
  const end = mrSizeEnd(start, mr.size);
  const indent = '  '.repeat(level + 1);
  const prio = `prio ${mr.priority}, ${mr.nonvolatile ? 'nv-' : ''}${mr.typeName}`;
  const disabled = mr.enabled ? '' : ' [disabled]';
  const shown = mr.enabled || showDisabled;
  if (mr.alias) {
    // Every alias target is queued for its own section, even a hidden alias's (as QEMU).
    if (!aliased.includes(mr.alias)) aliased.push(mr.alias);
    if (shown) {
      out.push(
        `${indent}${hex16(start)}-${hex16(end)} (${prio}): alias ${mr.name} @${mr.alias.name} ` +
          `${hex16(mr.aliasOffset)}-${hex16(mrSizeEnd(mr.aliasOffset, mr.size))}${disabled}`,
      );
    }
  } else if (shown) {
    out.push(`${indent}${hex16(start)}-${hex16(end)} (${prio}): ${mr.name}${disabled}`);
  }
  // QEMU prints children by address, then by descending priority, even under a hidden parent.
  const queue: MemoryRegion[] = [];
  for (const sub of mr.subregions) {
    let i = 0;
    while (i < queue.length && !(sub.addr < queue[i]!.addr || (sub.addr === queue[i]!.addr && sub.priority > queue[i]!.priority))) i++;
    queue.splice(i, 0, sub);
  }
  for (const sub of queue) printRegion(out, sub, level + 1, start, aliased, showDisabled);
}

/**
 * `info mtree`: each root once, under the names of its address spaces (sorted, as QEMU's
 * g_slist_insert_sorted), then a "memory-region:" section per alias target, printed at its
 * own address as QEMU does.
 */
export function formatMtree(sys: MemorySystem, opts: MtreeOptions = {}): string {
  const showDisabled = opts.disabled ?? false;
  const out: string[] = [];
  const aliased: MemoryRegion[] = [];
  const done = new Set<MemoryRegion>();
  for (const as of sys.addressSpaces) {
    if (done.has(as.root)) continue;
    done.add(as.root);
    const names = sys.addressSpaces.filter((o) => o.root === as.root).map((o) => o.name);
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) out.push(`address-space: ${name}`);
    printRegion(out, as.root, 0, 0, aliased, showDisabled);
    out.push('');
  }
  for (let i = 0; i < aliased.length; i++) {
    const mr = aliased[i]!;
    out.push(`memory-region: ${mr.name}`);
    printRegion(out, mr, 0, 0, aliased, showDisabled);
    out.push('');
  }
  return out.join('\n') + '\n';
}

/** `info mtree -f`: every distinct flat view with the address spaces that use it. */
export function formatMtreeFlat(sys: MemorySystem): string {
  const out: string[] = [];
  const views: FlatView[] = [];
  for (const as of sys.addressSpaces) if (!views.includes(as.currentMap)) views.push(as.currentMap);
  views.forEach((view, n) => {
    out.push(`FlatView #${n}`);
    for (const as of sys.addressSpaces) {
      if (as.currentMap !== view) continue;
      const alias = as.root.alias ? `, alias ${as.root.alias.name}` : '';
      out.push(` AS "${as.name}", root: ${as.root.name}${alias}`);
    }
    out.push(` Root memory region: ${view.root ? view.root.name : '(none)'}`);
    if (view.ranges.length === 0) {
      out.push('  No rendered FlatView');
      out.push('');
      return;
    }
    for (const r of view.ranges) {
      const type = r.readonly ? 'rom' : r.mr.typeName;
      const at = r.offsetInRegion ? ` @${hex16(r.offsetInRegion)}` : '';
      out.push(`  ${hex16(r.addr)}-${hex16(mrSizeEnd(r.addr, r.size))} (prio ${r.mr.priority}, ${r.nonvolatile ? 'nv-' : ''}${type}): ${r.mr.name}${at}`);
    }
    out.push('');
  });
  return out.join('\n') + '\n';
}

function sizeToStr(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(3).replace(/0+$/, '')} ${units[i]}`;
}

/** `info ramblock`. The HVA column shows the block's index in our host backing store. */
export function formatRamblocks(sys: MemorySystem): string {
  const hx = (n: number) => '0x' + n.toString(16).padStart(16, '0');
  const lines = [
    `${'Block Name'.padStart(24)} ${'PSize'.padStart(8)}  ${'Offset'.padStart(18)} ${'Used'.padStart(18)} ${'Total'.padStart(18)} ${'HVA'.padStart(18)} ${'RO'.padStart(3)}`,
  ];
  for (const b of sys.ramList.blocks) {
    const ro = b.mr?.readonly ? 'ro' : 'rw';
    lines.push(
      `${b.idstr.padStart(24)} ${sizeToStr(b.pageSize).padStart(8)}  ${hx(b.offset)} ${hx(b.usedLength)} ${hx(b.maxLength)} ${hx(b.offset)} ${ro.padStart(3)}`,
    );
  }
  return lines.join('\n') + '\n';
}
