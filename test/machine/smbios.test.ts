// SMBIOS tables against QEMU 7.2's for configurations the golden ROM (roms/src/smbios.asm, -m 128)
// does not cover: RAM above 4 GiB (two type 19 ranges) and -smp (one socket of N cores), from
// test/golden/smbios (scripts/record-golden-smbios.sh), built by buildSmbios with the same inputs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSmbios } from '../../src/machine/smbios.js';

const GOLD = path.resolve(import.meta.dirname, '../golden/smbios');
const GiB = 1024 ** 3;
/** qemu32 with the features tcg86 does not run turned off (the recording's -cpu). */
const CPUID1 = { cpuidEax: 0x663, cpuidEdx: 0x0001a3fd };

function golden(name: string): { anchor: string; tables: string } {
  const lines = fs.readFileSync(path.join(GOLD, `${name}.txt`), 'utf8').trim().split('\n');
  const hex = (file: string) => lines.find((l) => l.startsWith(file))!.split(' ')[2]!;
  return { anchor: hex('etc/smbios/smbios-anchor'), tables: hex('etc/smbios/smbios-tables') };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('SMBIOS', () => {
  it('-m 5G -smp 2: two RAM ranges, one socket of two cores', () => {
    const s = buildSmbios({ ramSize: 5 * GiB, ramRanges: [[0, 3 * GiB], [4 * GiB, 2 * GiB]], cores: 2, ...CPUID1 });
    const q = golden('m5g-smp2');
    expect(hex(s.tables)).toBe(q.tables);
    expect(hex(s.anchor)).toBe(q.anchor);
  });

  it('-m 3584M -smp 4: RAM below 4 GiB up to the 3 GiB split, then above', () => {
    const s = buildSmbios({ ramSize: 3.5 * GiB, ramRanges: [[0, 3 * GiB], [4 * GiB, 0.5 * GiB]], cores: 4, ...CPUID1 });
    const q = golden('m3g-smp4');
    expect(hex(s.tables)).toBe(q.tables);
    expect(hex(s.anchor)).toBe(q.anchor);
  });
});
