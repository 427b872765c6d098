// The destination refuses bad streams with one line and applies nothing: truncated at every
// section boundary and in the middle of pages, corrupted sections (CRC-32), another machine
// configuration (RAM size, RAMBlocks, devices), section versions out of range.

import { beforeAll, describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/migration/bytes.js';
import { crc32 } from '../../src/migration/crc32.js';
import { StreamLoader } from '../../src/migration/loader.js';
import { saveSnapshot } from '../../src/migration/snapshot.js';
import { PAGE_DATA, SEC_DEVICE, SEC_RAM } from '../../src/migration/stream-format.js';
import { machine, type TestMachine } from './helpers.js';

interface Section {
  start: number;
  end: number;
  type: number;
}

function sections(s: Uint8Array): Section[] {
  const out: Section[] = [];
  const dv = new DataView(s.buffer, s.byteOffset, s.byteLength);
  for (let at = 8; at < s.length; ) {
    const end = at + 5 + dv.getUint32(at + 1) + 4;
    out.push({ start: at, end, type: s[at]! });
    at = end;
  }
  return out;
}

async function snapshotOf(extra: string[] = []): Promise<Uint8Array> {
  const src = machine('migrate-dirty', 'tcg', extra);
  await expect(src.m.run(400_000)).rejects.toThrow(/without exiting/);
  const s = saveSnapshot(src.m.sys);
  src.m.shutdown();
  return s;
}

/** What a refused load must leave alone. */
function fingerprint(t: TestMachine): string {
  const ram = t.m.sys.ramList.findByIdstr('pc.ram')!;
  return `${crc32(ram.host.subarray(0, ram.usedLength))} ${t.m.cpu.eip} ${t.m.cpu.icount} ${t.m.clock.nowNs} ${t.m.pit.channels[0].count}`;
}

/** Load `bytes` into `dst`; the refusal message (or null when accepted). */
function load(dst: TestMachine, bytes: Uint8Array): string | null {
  let applied = false;
  const loader = new StreamLoader(dst.m.sys, () => (applied = true));
  try {
    loader.feed(bytes);
    loader.finish();
  } catch (e) {
    if (!(e instanceof MigrationError)) throw e;
    expect(applied).toBe(false);
    expect(e.message).not.toContain('\n');
    return e.message;
  }
  return null;
}

/** A small machine keeps the stream short: every cut below is one load attempt. */
const SMALL = ['-m', '4', '-vga', 'none'];

describe('a refused stream', () => {
  let stream: Uint8Array;
  let dst: TestMachine;
  let before: string;
  beforeAll(async () => {
    stream = await snapshotOf(SMALL);
    dst = machine('migrate-dirty', 'tcg', SMALL);
    before = fingerprint(dst);
  });

  it('is accepted whole (the reference for the cases below)', () => {
    const other = machine('migrate-dirty', 'tcg', SMALL);
    expect(load(other, stream)).toBeNull();
    other.m.shutdown();
  });

  it('truncated at every section boundary', () => {
    const secs = sections(stream);
    expect(secs.length).toBeGreaterThan(20);
    expect(load(dst, stream.subarray(0, 4))).toMatch(/inside the header/);
    for (const s of secs) {
      expect(load(dst, stream.subarray(0, s.start)), `cut at ${s.start}`).toMatch(/truncated: it ends after section \d+ .*without the end-of-stream marker/);
    }
    expect(fingerprint(dst)).toBe(before);
  });

  it('truncated in the middle of every data page and of every section head', () => {
    const secs = sections(stream);
    let pages = 0;
    for (const s of secs) {
      expect(load(dst, stream.subarray(0, s.start + 3)), 'inside a section head').toMatch(/truncated: it ends 3 bytes into section/);
      if (s.type !== SEC_RAM) continue;
      const dv = new DataView(stream.buffer, stream.byteOffset + s.start + 5);
      const count = dv.getUint16(0);
      for (let r = 0, at = 2; r < count; r++) {
        const data = dv.getUint8(at) === PAGE_DATA;
        if (data) {
          pages++;
          expect(load(dst, stream.subarray(0, s.start + 5 + at + 7 + 2048)), 'mid-page').toMatch(/truncated: it ends \d+ bytes into section \d+ \(RAM pages\)/);
        }
        at += 7 + (data ? 4096 : 0);
      }
    }
    expect(pages).toBeGreaterThan(20);
    expect(fingerprint(dst)).toBe(before);
  });

  it('with any section corrupted (CRC-32)', () => {
    for (const s of sections(stream)) {
      const bad = stream.slice();
      // The last payload byte, or the CRC itself for an empty section.
      bad[s.end - 4 > s.start + 5 ? s.end - 5 : s.end - 1] ^= 0x40;
      expect(load(dst, bad), `section at ${s.start}`).toMatch(/^section \d+ \([a-zA-Z ]+\) at offset \d+ is corrupted: CRC-32 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8}$/);
    }
    expect(fingerprint(dst)).toBe(before);
  });

  it('from a machine with another RAM size, other RAMBlocks or other devices', async () => {
    const stream = await snapshotOf();
    const dst = machine('migrate-dirty', 'tcg');
    const before = fingerprint(dst);
    const m32 = machine('migrate-dirty', 'tcg', ['-m', '32']);
    expect(load(m32, stream)).toMatch(/RAMBlock 'pc.ram' is 16777216 bytes in the stream but 33554432 here \(RAM sizes differ\)/);
    m32.m.shutdown();
    const noVga = machine('migrate-dirty', 'tcg', ['-vga', 'none']);
    expect(load(noVga, stream)).toMatch(/unknown RAMBlock '0000:00:02.0\/vga.vram'/);
    noVga.m.shutdown();
    const withSerial = machine('migrate-dirty', 'tcg', ['-serial', 'null']);
    expect(load(withSerial, stream)).toMatch(/the stream has no state for device 'serial' instance 0/);
    withSerial.m.shutdown();
    const serialStream = await snapshotOf(['-serial', 'null']);
    expect(load(dst, serialStream)).toMatch(/device section 'serial' instance 0 has no device here/);
    expect(fingerprint(dst)).toBe(before);
    dst.m.shutdown();
  });

  it('with a section version outside what this side reads', () => {
    const pit = sections(stream).find((s) => s.type === SEC_DEVICE && Buffer.from(stream.subarray(s.start + 6, s.start + 11)).toString() === 'i8254')!;
    expect(pit).toBeDefined();
    const versionAt = pit.start + 5 + 1 + 5 + 4;
    for (const [version, want] of [
      [0, /device section 'i8254' instance 0: version 0 is below the minimum version 1 accepted/],
      [3, /device section 'i8254' instance 0: version 3 is newer than 2/],
    ] as const) {
      const bad = stream.slice();
      new DataView(bad.buffer).setUint32(versionAt, version);
      new DataView(bad.buffer).setUint32(pit.end - 4, crc32(bad, 0, pit.start, pit.end - 4));
      expect(load(dst, bad)).toMatch(want);
    }
    expect(fingerprint(dst)).toBe(before);
  });

  it('that is not a stream at all, or has bytes after its end', () => {
    expect(load(dst, new TextEncoder().encode('QEVM\x00\x00\x00\x03 some other format'))).toMatch(/not a tcg86 migration stream/);
    const extra = new Uint8Array(stream.length + 1);
    extra.set(stream);
    const other = machine('migrate-dirty', 'tcg', SMALL);
    expect(load(other, extra)).toMatch(/1 bytes follow the end-of-stream marker/);
    other.m.shutdown();
  });
});
