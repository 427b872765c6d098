// -m as QEMU 7.2 reads it, against what QEMU printed for the same arguments
// (test/golden/memory, recorded by scripts/record-golden-memory.mjs): the error texts, and the
// RAM aliases and device-memory region `info mtree` shows, warnings included.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { formatMtree } from '../../src/memory/index.js';
import { treeSections } from '../devices/mtree-sections.js';
import { strtosz } from '../../src/cli/memory-option.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOLD = path.join(ROOT, 'test/golden/memory');
const cases = JSON.parse(fs.readFileSync(path.join(GOLD, 'cases.json'), 'utf8')) as { errors: string[]; mtree: string[] };
const BASE = ['-bios', path.join(ROOT, 'roms/demo.bin'), '-display', 'none', '-nodefaults', '-monitor', 'none'];

describe('-m against QEMU 7.2', () => {
  const errors = fs.readFileSync(path.join(GOLD, 'errors.txt'), 'utf8').split(/^## -m /m).slice(1);
  it.each(cases.errors.map((m, i) => [m, errors[i]!] as const))('-m %s fails as QEMU does', (m, rec) => {
    const [head, status, ...rest] = rec.split('\n');
    expect(head).toBe(m);
    expect(status).toBe('status 1');
    const want = rest.join('\n').trim().replace(/^QEMU: /, '');
    let got = '';
    try {
      parseArgs([...BASE, '-m', m]);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      got = e.message;
    }
    expect(got).toBe(want);
  });

  const lines = (sections: Map<string, string[]>, key: string) => (sections.get(key) ?? []).filter((l) => /ram-below-4g|ram-above-4g|device-memory/.test(l));
  it.each(cases.mtree.map((m, i) => [m, i] as const))('-m %s: RAM and device memory in info mtree', (m, i) => {
    const rec = fs.readFileSync(path.join(GOLD, `mtree-${i}.txt`), 'utf8');
    const [head, stderr, ...tree] = rec.split('\n');
    expect(head).toBe(`## -m ${m}`);
    const config = parseArgs([...BASE, '-m', m]);
    const warnings = config.warnings.map((w) => `QEMU: warning: ${w}`).join('\n');
    expect(`## stderr ${warnings}`).toBe(stderr);
    const machine = new PcMachine(config);
    try {
      const ours = treeSections(formatMtree(machine.sys));
      const theirs = treeSections(tree.join('\n'));
      expect(lines(theirs, 'address-space: memory').length).toBeGreaterThan(0);
      expect(lines(ours, 'address-space: memory')).toEqual(lines(theirs, 'address-space: memory'));
      expect(ours.get('memory-region: pc.ram')).toEqual(theirs.get('memory-region: pc.ram'));
    } finally {
      machine.shutdown();
    }
  });

  it('qemu_strtosz: suffixes, fractions with a scale, hex, the 2^64 bound', () => {
    const w: string[] = [];
    expect(strtosz('1.5k', 'B', w)).toBe(1536n);
    expect(strtosz('1.k', 'B', w)).toBe(1024n);
    expect(strtosz('1.5', 'B', w)).toBe(null);
    expect(strtosz('16E', 'B', w)).toBe(null);
    expect(strtosz('15E', 'B', w)).toBe(15n * 1024n ** 6n);
    expect(strtosz('0x1000', 'B', w)).toBe(4096n);
    expect(strtosz('0x1.5', 'B', w)).toBe(null);
    expect(w).toEqual([]);
    expect(strtosz('0x2k', 'B', w)).toBe(2048n);
    expect(w).toEqual(['Using a multiplier suffix on hex numbers is deprecated: 0x2k']);
  });
});
