// The local APICs of an -smp machine on one bus: who an IPI reaches (physical IDs and
// broadcast, logical flat and cluster per DFR/LDR, the shorthands), what each delivery mode
// does at the target (fixed, lowest priority to the lowest-numbered target as QEMU 7.2, NMI,
// INIT, start-up, INIT level de-assert doing nothing), MSIs to several APICs, and the register
// page showing the running CPU's APIC. Rules from the SDM vol. 3 ch. 10 and QEMU's apic.c.
import { describe, expect, it } from 'vitest';
import { Apic } from '../../src/devices/apic.js';
import { ApicBus } from '../../src/devices/apic-bus.js';
import { VirtualClock } from '../../src/devices/clock.js';
import { MemoryRegion, MemorySystem } from '../../src/memory/index.js';

const BASE = 0xfee00000;
const N = 4;

function setup() {
  const sys = new MemorySystem();
  const system = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const as = sys.newAddressSpace(system, 'memory');
  const clock = new VirtualClock();
  const bus = new ApicBus<Apic>();
  const cpus = Array.from({ length: N }, () => ({ intr: false, nmis: 0, inits: 0, sipis: [] as number[] }));
  const delivered: number[] = [];
  const errors: string[] = [];
  const apics = cpus.map((c, i) => {
    const a = new Apic(sys, clock, {
      pic: null,
      intr: (l) => (c.intr = l),
      nmi: () => c.nmis++,
      id: i,
      bsp: i === 0,
      bus,
      init: () => c.inits++,
      sipi: (v) => c.sipis.push(v),
      guestError: (m) => errors.push(m),
    });
    bus.add(a);
    return a;
  });
  bus.onDelivered = (t) => delivered.push(apics.indexOf(t));
  sys.transaction(() => apics[0]!.map(system));
  /** Register access as CPU `cpu` (the page shows the running CPU's APIC). */
  const rd = (cpu: number, off: number) => {
    bus.current = apics[cpu]!;
    return as.ldl(BASE + off) >>> 0;
  };
  const wr = (cpu: number, off: number, v: number) => {
    bus.current = apics[cpu]!;
    as.stl(BASE + off, v >>> 0);
  };
  const irrHas = (cpu: number, v: number) => ((rd(cpu, 0x200 + (v >> 5) * 0x10) >>> (v & 31)) & 1) === 1;
  for (let i = 0; i < N; i++) wr(i, 0xf0, 0x1ff); // software-enable every APIC
  /** Send an IPI from `cpu`: ICR high (destination) then low. */
  const ipi = (cpu: number, lo: number, dest = 0) => {
    wr(cpu, 0x310, dest << 24);
    wr(cpu, 0x300, lo);
  };
  const receivers = (v: number) => [0, 1, 2, 3].filter((i) => irrHas(i, v));
  return { as, bus, apics, cpus, rd, wr, irrHas, ipi, receivers, delivered, errors };
}

describe('APIC bus (-smp)', () => {
  it('the register page shows the running CPU\'s APIC: its ID and BSP flag', () => {
    const t = setup();
    expect([0, 1, 2, 3].map((i) => t.rd(i, 0x20) >>> 24)).toEqual([0, 1, 2, 3]);
    expect(t.apics.map((a) => (a.apicBase & 0x100) !== 0)).toEqual([true, false, false, false]);
    t.apics.forEach((a) => a.reset());
    expect(t.apics.map((a) => (a.apicBase & 0x100) !== 0)).toEqual([true, false, false, false]);
  });

  it('physical destinations: one ID, the broadcast ID 0xFF, and an ID nobody has', () => {
    const t = setup();
    t.ipi(0, 0x4041, 2);
    expect(t.receivers(0x41)).toEqual([2]);
    t.ipi(0, 0x4042, 0xff);
    expect(t.receivers(0x42)).toEqual([0, 1, 2, 3]);
    t.ipi(0, 0x4043, 7);
    expect(t.receivers(0x43)).toEqual([]);
  });

  it('shorthands: self, all including self, all excluding self', () => {
    const t = setup();
    t.ipi(1, 0x44044);
    expect(t.receivers(0x44)).toEqual([1]);
    t.ipi(1, 0x84045);
    expect(t.receivers(0x45)).toEqual([0, 1, 2, 3]);
    t.ipi(1, 0xc4046);
    expect(t.receivers(0x46)).toEqual([0, 2, 3]);
  });

  it('logical flat (LDR bit masks) and cluster (high nibble cluster, low nibble members) destinations', () => {
    const t = setup();
    for (let i = 0; i < N; i++) t.wr(i, 0xd0, (1 << i) << 24);
    t.ipi(0, 0x4847, 0x0a);
    expect(t.receivers(0x47)).toEqual([1, 3]);
    // Cluster: CPUs 0,1 in cluster 1 (members 1, 2), CPUs 2,3 in cluster 2 (members 1, 2).
    for (let i = 0; i < N; i++) {
      t.wr(i, 0xe0, 0x0fffffff);
      t.wr(i, 0xd0, (((1 + (i >> 1)) << 4) | (1 << (i & 1))) << 24);
    }
    t.ipi(0, 0x4848, 0x22);
    expect(t.receivers(0x48)).toEqual([3]);
    t.ipi(0, 0x4849, 0x13);
    expect(t.receivers(0x49)).toEqual([0, 1]);
    t.ipi(0, 0x484a, 0xf1); // cluster 15 is nobody's
    expect(t.receivers(0x4a)).toEqual([]);
  });

  it('lowest priority reaches one target only: the lowest-numbered, as QEMU 7.2 picks it', () => {
    const t = setup();
    for (let i = 0; i < N; i++) t.wr(i, 0xd0, (1 << i) << 24);
    t.ipi(0, 0x494b, 0x0c);
    expect(t.receivers(0x4b)).toEqual([2]);
    t.ipi(3, 0xc414c); // all excluding self, lowest priority
    expect(t.receivers(0x4c)).toEqual([0]);
  });

  it('NMI, INIT and start-up reach each target; INIT level de-assert reaches nobody', () => {
    const t = setup();
    t.ipi(0, 0xc4400);
    expect(t.cpus.map((c) => c.nmis)).toEqual([0, 1, 1, 1]);
    t.ipi(0, 0xc8500); // INIT, level de-assert
    expect(t.cpus.map((c) => c.inits)).toEqual([0, 0, 0, 0]);
    t.ipi(0, 0x4500, 3);
    expect(t.cpus.map((c) => c.inits)).toEqual([0, 0, 0, 1]);
    t.ipi(0, 0xc4620);
    expect(t.cpus.map((c) => c.sipis)).toEqual([[], [0x20], [0x20], [0x20]]);
  });

  it('an illegal vector is flagged in the sender\'s ESR and delivered to nobody', () => {
    const t = setup();
    t.ipi(0, 0x4005, 1);
    expect(t.irrHas(1, 5)).toBe(false);
    t.wr(0, 0x280, 0);
    expect(t.rd(0, 0x280)).toBe(0x20); // send illegal vector
  });

  it('an MSI reaches every APIC its destination names (the I/O APIC\'s path)', () => {
    const t = setup();
    for (let i = 0; i < N; i++) t.wr(i, 0xd0, (1 << i) << 24);
    t.as.stl((BASE | (0x06 << 12) | 4) >>> 0, 0x50); // logical 0x06: CPUs 1 and 2
    expect(t.receivers(0x50)).toEqual([1, 2]);
    t.as.stl((BASE | (3 << 12)) >>> 0, 0x51); // physical 3
    expect(t.receivers(0x51)).toEqual([3]);
    t.as.stl((BASE | (0x0e << 12) | 4) >>> 0, 0x152); // lowest priority among 1-3
    expect(t.receivers(0x52)).toEqual([1]);
  });

  it('tells the machine of every delivery (it ends the sender\'s turn for another CPU)', () => {
    const t = setup();
    t.ipi(2, 0xc4053);
    expect(t.delivered).toEqual([0, 1, 3]);
  });
});
