// The HPET (QEMU 7.2's hw/timer/hpet.c): the periodic reload in closed form against QEMU's
// loop, counter and comparators on guest time, edge and level interrupts, legacy replacement
// taking IRQ0/IRQ8 from the PIT and the RTC, -no-hpet, and guest garbage (period 0, comparator
// writes while running, wild values) that must neither throw nor stall guest time.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { advance } from '../../src/devices/hpet.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const H = 0xfed00000;
let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

function pc(...extra: string[]): PcMachine {
  machine = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/demo.bin'), '-nodefaults', '-display', 'none', ...extra]));
  return machine;
}

const rd = (m: PcMachine, off: number) => m.memory.ldl(H + off) >>> 0;
const wr = (m: PcMachine, off: number, v: number) => m.memory.stl(H + off, v >>> 0);
const tcfg = (n: number) => 0x100 + n * 0x20;
const tcmp = (n: number) => 0x108 + n * 0x20;

/** QEMU's reload loop, one period at a time (small cases only). */
function loop(cmp: bigint, cur: bigint, p: bigint, bits: 32 | 64): bigint {
  const mod = 1n << BigInt(bits);
  const signed = (v: bigint) => (v & (mod >> 1n) ? v - mod : v);
  let n = 0;
  while (signed((cmp - cur) & (mod - 1n)) < 0n && n++ < 100000) cmp = (cmp + (p & (mod - 1n))) & (mod - 1n);
  return cmp;
}

describe('HPET', () => {
  it('reloads a periodic comparator as QEMU loops, in one step', () => {
    const M32 = 0xffffffffn;
    const cases: [bigint, bigint, bigint, 32 | 64][] = [
      [100000n, 100000n, 100000n, 64],
      [100000n, 100001n, 100000n, 64],
      [100000n, 1234567n, 100000n, 64],
      [0xffffffff000186a0n, 4919n, 100000n, 64],
      [0xfffffff0n, 0x10n, 7n, 32],
      [5n, 0x7fff0000n, 0x10000n, 32],
      [5n, 0x90n, 0x80000000n, 32],
      [5n, 0x90n, 0xf0000000n, 32],
      [0n, 1n, 3n, 32],
    ];
    for (const [cmp, cur, p, bits] of cases) expect(advance(cmp, cur, p, bits), `${cmp} ${cur} ${p}`).toBe(loop(cmp, cur, p, bits));
    // Far behind with a period of 1: QEMU would loop 2^31 times; the answer is immediate.
    expect(advance(0n, 0x80000000n, 1n, 32)).toBe(0x80000000n);
    expect(advance(0n, 0x7fffffffffffffffn, 1n, 64)).toBe(0x7fffffffffffffffn);
    expect(advance(3n, 9n, 0x100000000n, 32) & M32).toBe(3n); // a period of 2^32 in 32-bit mode moves nothing
  });

  it('counts 100 MHz of guest time from where it was stopped', () => {
    const m = pc();
    expect(rd(m, 0)).toBe(0x8086a201);
    expect(rd(m, 4)).toBe(10_000_000);
    wr(m, 0xf0, 1000);
    m.clock.advanceTo(m.clock.nowNs + 5000);
    expect(rd(m, 0xf0)).toBe(1000); // stopped
    wr(m, 0x10, 1);
    m.clock.advanceTo(m.clock.nowNs + 5000);
    expect(rd(m, 0xf0)).toBe(1500);
    wr(m, 0x10, 0);
    m.clock.advanceTo(m.clock.nowNs + 5000);
    expect(rd(m, 0xf0)).toBe(1500);
  });

  it('a level timer holds its status bit and GSI until the bit is written back', () => {
    const m = pc();
    wr(m, tcfg(2), (20 << 9) | 0x4 | 0x2); // GSI 20, enabled, level
    wr(m, tcmp(2) + 4, 0); // the comparator resets to all ones: its high half first
    wr(m, tcmp(2), 100);
    wr(m, 0x10, 1);
    m.clock.runUntil(m.clock.nowNs + 999);
    expect(rd(m, 0x20)).toBe(0);
    m.clock.runUntil(m.clock.nowNs + 1000);
    expect(rd(m, 0x20)).toBe(4);
    expect(m.gsi[20]!.level).toBe(true);
    wr(m, 0x20, 4);
    expect(rd(m, 0x20)).toBe(0);
    expect(m.gsi[20]!.level).toBe(false);
  });

  it('legacy replacement puts timers 0 and 1 on IRQ0 and IRQ8 and cuts the PIT off', () => {
    const m = pc();
    const seen: number[] = [];
    const edges = (n: number) => {
      const line = m.gsi[n]!;
      const set = line.set.bind(line);
      line.set = (level: boolean) => {
        if (level) seen.push(n);
        set(level);
      };
    };
    edges(0);
    edges(8);
    // PIT channel 0 at its fastest reasonable rate: IRQ0 edges while not in legacy mode.
    m.io.stb(0x43, 0x34);
    m.io.stb(0x40, 100);
    m.io.stb(0x40, 0);
    m.clock.runUntil(m.clock.nowNs + 1_000_000);
    expect(seen.filter((n) => n === 0).length).toBeGreaterThan(5);
    seen.length = 0;
    wr(m, 0x10, 3);
    wr(m, tcfg(1), 0x4 | (5 << 9));
    wr(m, tcmp(1), 1000);
    m.clock.runUntil(m.clock.nowNs + 1_000_000);
    expect(seen).toEqual([8]);
    wr(m, 0x10, 1); // legacy off: the PIT drives IRQ0 again
    m.clock.runUntil(m.clock.nowNs + 1_000_000);
    expect(seen.filter((n) => n === 0).length).toBeGreaterThan(5);
  });

  it('is absent with -no-hpet and -machine hpet=off (the range reads as unassigned)', () => {
    for (const flags of [['-no-hpet'], ['-machine', 'pc,hpet=off']]) {
      const m = pc(...flags);
      expect(m.hpet).toBeNull();
      expect(rd(m, 0)).toBe(0);
      m.shutdown();
      machine = null;
    }
  });

  it('survives guest garbage: period 0, comparators rewritten while running, random writes', () => {
    const m = pc();
    // Period 0 periodic: one interrupt, then the timer stays quiet; guest time moves on.
    wr(m, tcfg(0), 0x4 | 0x8 | 0x40 | (2 << 9));
    wr(m, tcmp(0), 0);
    wr(m, 0x10, 1);
    m.clock.runUntil(m.clock.nowNs + 1_000_000);
    // Period 1 (10 ns) with the counter far ahead: the reload is one step, not billions.
    wr(m, 0x10, 0);
    wr(m, 0xf4, 0x7fffffff);
    wr(m, tcfg(1), 0x4 | 0x8 | 0x40 | (2 << 9));
    wr(m, tcmp(1), 1);
    wr(m, 0x10, 1);
    const t0 = performance.now();
    m.clock.runUntil(m.clock.nowNs + 10_000);
    expect(performance.now() - t0).toBeLessThan(2000);
    // A comparator far in the future (past INT64_MAX / 2 ns) stops the timer, as QEMU's hpet_arm.
    wr(m, tcfg(2), 0x4 | 0x8 | 0x40);
    wr(m, tcmp(2) + 4, 0x7fffffff);
    wr(m, tcmp(2), 0xffffffff);
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 20000; i++) {
      const off = (rnd() % 0x400) & ~3;
      const v = rnd() % 4 === 0 ? rnd() % 4 : rnd();
      // Keep FSB messages away from RAM the test does not care about: they land where the guest said.
      expect(() => wr(m, off, v)).not.toThrow();
      if (i % 64 === 0) expect(() => m.clock.runUntil(m.clock.nowNs + 200)).not.toThrow();
    }
    // Whatever state it is in, the next deadline is never in the past (guest time can move).
    const next = m.clock.nextDeadlineNs();
    expect(next === Infinity || next >= m.clock.nowNs).toBe(true);
  });
});
