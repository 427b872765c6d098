// VMState sections: every piece of device and CPU state a section leaves out is declared
// (unmigrated), and a snapshot loaded into a fresh machine reproduces every declared field.

import { describe, expect, it } from 'vitest';
import type { VMStateDescription } from '../../src/memory/index.js';
import { StreamLoader } from '../../src/migration/loader.js';
import { saveSnapshot } from '../../src/migration/snapshot.js';
import { machine } from './helpers.js';

/** Own properties that hold state: numbers, booleans, bigints, typed arrays, arrays of those. */
function stateKeys(o: object): string[] {
  return Object.keys(o).filter((k) => {
    const v = (o as Record<string, unknown>)[k];
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return true;
    if (ArrayBuffer.isView(v)) return true;
    return Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'bigint');
  });
}

function checkCoverage(vmsd: VMStateDescription, o: object, where: string): void {
  const named = new Set([...vmsd.fields.map((f) => f.name), ...(vmsd.unmigrated ?? [])]);
  const missing = stateKeys(o).filter((k) => !named.has(k));
  expect(missing, `${where}: state that no field carries`).toEqual([]);
  for (const f of vmsd.fields) {
    const v = (o as Record<string, unknown>)[f.name];
    if (f.type === 'struct') checkCoverage(f.vmsd!, v as object, `${where}.${f.name}`);
    if (f.type === 'struct-array') (v as object[]).forEach((e, i) => checkCoverage(f.vmsd!, e, `${where}.${f.name}[${i}]`));
  }
}

function compare(vmsd: VMStateDescription, a: any, b: any, where: string): void {
  for (const f of vmsd.fields) {
    if (f.type === 'struct') {
      compare(f.vmsd!, a[f.name], b[f.name], `${where}.${f.name}`);
      continue;
    }
    if (f.type === 'struct-array') {
      (a[f.name] as object[]).forEach((e, i) => compare(f.vmsd!, e, b[f.name][i], `${where}.${f.name}[${i}]`));
      continue;
    }
    const va = f.get ? f.get(a) : a[f.name];
    const vb = f.get ? f.get(b) : b[f.name];
    if (ArrayBuffer.isView(va)) expect(Array.from(vb as Uint8Array), `${where}.${f.name}`).toEqual(Array.from(va as Uint8Array));
    else expect(vb, `${where}.${f.name}`).toEqual(va);
  }
}

describe('vmstate', () => {
  it('every section covers its object, and a snapshot round-trips every field', async () => {
    // The optional devices too, so that their sections are checked.
    const extra = ['-device', 'pc-testdev', '-device', 'pci-testdev'];
    const src = machine('timer', 'tcg', extra);
    // Run into the ROM's timer tests (PIT, PIC, RTC and APIC programmed, interrupts flowing).
    await expect(src.m.run(300_000)).rejects.toThrow(/without exiting/);
    for (const e of src.m.sys.vmstate.entries) checkCoverage(e.vmsd, e.opaque, `${e.idstr}[${e.instanceId}]`);
    const stream = saveSnapshot(src.m.sys);

    const dst = machine('timer', 'tcg', extra);
    let applied = false;
    const loader = new StreamLoader(dst.m.sys, () => (applied = true));
    for (let i = 0; i < stream.length; i += 65536) loader.feed(stream.subarray(i, i + 65536));
    expect(loader.done && applied).toBe(true);
    const entries = src.m.sys.vmstate.entries;
    expect(dst.m.sys.vmstate.entries.map((e) => `${e.idstr}:${e.instanceId}`)).toEqual(entries.map((e) => `${e.idstr}:${e.instanceId}`));
    entries.forEach((e, i) => compare(e.vmsd, e.opaque, dst.m.sys.vmstate.entries[i]!.opaque, `${e.idstr}[${e.instanceId}]`));
    const ramA = src.m.sys.ramList.findByIdstr('pc.ram')!;
    const ramB = dst.m.sys.ramList.findByIdstr('pc.ram')!;
    expect(Buffer.compare(Buffer.from(ramA.host.subarray(0, ramA.usedLength)), Buffer.from(ramB.host.subarray(0, ramB.usedLength)))).toBe(0);
    src.m.shutdown();
    dst.m.shutdown();
  });
});
