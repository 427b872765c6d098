// -object memory-backend-ram and -device pc-dimm against QEMU 7.2 (test/golden/memory, recorded
// by scripts/record-golden-memory.mjs): QEMU's errors for refused command lines, and the
// placement, slots and layout of `info memory-devices`; `info memdev` holds the same backends
// (QEMU lists them in its QOM hash-table order, tcg86 in creation order: DEVIATIONS.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { MachineError, PcMachine } from '../../src/machine/pc.js';
import { formatMemdevs, formatMemoryDevices, memdevList } from '../../src/machine/memory-devices.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOLD = path.join(ROOT, 'test/golden/memory');
const cases = JSON.parse(fs.readFileSync(path.join(GOLD, 'cases.json'), 'utf8')) as { dimmErrors: string[]; dimmInfo: string[] };
const BASE = ['-bios', path.join(ROOT, 'roms/demo.bin'), '-display', 'none', '-nodefaults', '-monitor', 'none'];

describe('memory backends and DIMMs against QEMU 7.2', () => {
  const recs = fs.readFileSync(path.join(GOLD, 'dimm-errors.txt'), 'utf8').split(/^## /m).slice(1);
  it.each(cases.dimmErrors.map((a, i) => [a, recs[i]!] as const))('%s', (a, rec) => {
    const [head, status, ...rest] = rec.split('\n');
    expect(head).toBe(a);
    expect(status).toBe('status 1');
    let got = '';
    try {
      new PcMachine(parseArgs([...BASE, ...a.split(' ')])).shutdown();
    } catch (e) {
      if (!(e instanceof UsageError) && !(e instanceof MachineError)) throw e;
      got = e.message;
    }
    expect(got).toBe(rest.join('\n').trim().replace(/^QEMU: /, ''));
  });

  it.each(cases.dimmInfo.map((a, i) => [a, i] as const))('info memory-devices / info memdev: %s', (a, i) => {
    const rec = fs.readFileSync(path.join(GOLD, `dimm-info-${i}.txt`), 'utf8');
    const [devices, memdev] = rec.slice(rec.indexOf('\n') + 1).split(/^## /m).slice(1);
    const machine = new PcMachine(parseArgs([...BASE, ...a.split(' ')]));
    try {
      expect(formatMemoryDevices(machine.memoryDevices)).toBe(devices!.replace(/\n+$/, '\n'));
      const blocks = (t: string) => t.split(/(?=^memory backend: )/m).map((b) => b.trim()).sort();
      const ours = formatMemdevs(memdevList(machine.memoryDevices, machine.config.ramSize));
      expect(blocks(ours)).toEqual(blocks(memdev!));
      // The DIMMs are RAM in device memory: a write through the bus reads back.
      const d = machine.memoryDevices.dimms[0]!;
      machine.memory.stl(d.addr + 8, 0xcafef00d);
      expect(machine.memory.ldl(d.addr + 8)).toBe(0xcafef00d);
    } finally {
      machine.shutdown();
    }
  });
});
