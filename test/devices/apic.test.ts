// Local APIC: reset values, LINT0 gating of the 8259, global disable, the timer against virtual
// time, TPR/PPR, EOI order, spurious vectors, ESR latching, IPIs/MSIs to self, relocation.
// Expected values come from the Intel SDM vol. 3 ch. 10 and QEMU 7.2's hw/intc/apic*.c rules.
import { describe, expect, it } from 'vitest';
import { Apic } from '../../src/devices/apic.js';
import { VirtualClock } from '../../src/devices/clock.js';
import { I8259 } from '../../src/devices/i8259.js';
import { IrqLine } from '../../src/devices/irq.js';
import { MemoryRegion, MemorySystem } from '../../src/memory/index.js';
import { ioSpace } from './io-space.js';

const BASE = 0xfee00000;

/** Stands in for the 8259 pair: an INTR level and an INTA that returns its vector. */
class FakePic {
  level = false;
  vector = 0x08;
  acks = 0;
  apic: Apic | null = null;
  set(level: boolean): void {
    this.level = level;
    this.apic!.setExtIntLine(level);
  }
  hasInterrupt(): boolean {
    return this.level;
  }
  acknowledge(): number {
    this.acks++;
    this.set(false); // an edge-triggered request leaves IRR at INTA
    return this.vector;
  }
}

function setup() {
  const sys = new MemorySystem();
  const system = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const as = sys.newAddressSpace(system, 'memory');
  as.unassignedByte = 0;
  const clock = new VirtualClock();
  const pic = new FakePic();
  const out = { intr: false, nmis: 0, eois: [] as number[] };
  const errors: string[] = [];
  const unimp: string[] = [];
  const apic = new Apic(sys, clock, {
    pic,
    intr: (l) => (out.intr = l),
    nmi: () => out.nmis++,
    guestError: (m) => errors.push(m),
    unimp: (m) => unimp.push(m),
    eoiBroadcast: (v) => out.eois.push(v),
  });
  pic.apic = apic;
  sys.transaction(() => apic.map(system));
  const rd = (off: number) => as.ldl(BASE + off);
  const wr = (off: number, v: number) => void as.stl(BASE + off, v);
  /** A fixed, edge-triggered self-IPI (ICR shorthand 01b). */
  const selfIpi = (vector: number) => wr(0x300, 0x00040000 | vector);
  const irrHas = (v: number) => ((rd(0x200 + (v >> 5) * 0x10) >>> (v & 31)) & 1) === 1;
  const isrHas = (v: number) => ((rd(0x100 + (v >> 5) * 0x10) >>> (v & 31)) & 1) === 1;
  return { sys, as, clock, pic, out, errors, unimp, apic, rd, wr, selfIpi, irrHas, isrHas };
}

describe('apic: reset state', () => {
  it('reads the power-on values of every register', () => {
    const { rd, apic } = setup();
    expect(rd(0x020)).toBe(0); // ID of the BSP
    expect(rd(0x030)).toBe(0x00050014); // version 0x14, max LVT entry 5
    expect([rd(0x080), rd(0x090), rd(0x0a0)]).toEqual([0, 0, 0]); // TPR, APR, PPR
    expect(rd(0x0d0)).toBe(0); // LDR
    expect(rd(0x0e0)).toBe(0xffffffff); // DFR: flat model
    expect(rd(0x0f0)).toBe(0xff); // SVR: software-disabled, vector 0xFF
    for (let i = 0; i < 8; i++) expect([rd(0x100 + i * 16), rd(0x180 + i * 16), rd(0x200 + i * 16)]).toEqual([0, 0, 0]);
    expect(rd(0x280)).toBe(0);
    expect([rd(0x300), rd(0x310)]).toEqual([0, 0]);
    for (let off = 0x320; off <= 0x370; off += 0x10) expect(rd(off)).toBe(0x00010000);
    expect([rd(0x380), rd(0x390), rd(0x3e0)]).toEqual([0, 0, 0]);
    expect(apic.apicBase).toBe(0xfee00900); // base | enable | BSP
  });

  it('reset() restores the power-on state after the guest changed it', () => {
    const { rd, wr, apic, clock } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x080, 0x20);
    wr(0x320, 0x20040);
    wr(0x380, 100);
    wr(0x020, 0x05000000);
    apic.setApicBase(0xfed00000);
    apic.reset();
    expect([rd(0x020), rd(0x080), rd(0x0f0), rd(0x320), rd(0x380)]).toEqual([0, 0, 0xff, 0x10000, 0]);
    expect(apic.apicBase).toBe(0xfee00900);
    expect(clock.nextDeadlineNs()).toBe(Infinity);
  });
});

describe('apic: the 8259 on LINT0', () => {
  it('keeps the PIC from the CPU while LINT0 is masked, passes it as ExtINT once unmasked', () => {
    const { wr, rd, pic, out, apic } = setup();
    pic.set(true);
    expect(out.intr).toBe(false);
    expect(apic.hasInterrupt()).toBe(false);
    // What the timer ROM (and a BIOS) does.
    wr(0x0f0, 0x1ff);
    wr(0x350, 0x700);
    wr(0x360, 0x400);
    expect(rd(0x350)).toBe(0x700);
    expect(out.intr).toBe(true); // the request already pending reaches the CPU
    pic.vector = 0x20;
    expect(apic.acknowledge()).toBe(0x20);
    expect(pic.acks).toBe(1);
    expect(out.intr).toBe(false);
    expect(rd(0x100 + 0x10)).toBe(0); // ExtINT never enters the APIC's ISR
    wr(0x350, 0x10700);
    pic.set(true);
    expect(out.intr).toBe(false);
  });

  it('an ExtINT request is answered by the PIC ahead of a higher APIC vector', () => {
    const { wr, pic, apic, selfIpi, irrHas } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x350, 0x700);
    selfIpi(0xe0);
    pic.vector = 0x30;
    pic.set(true);
    expect(apic.acknowledge()).toBe(0x30);
    expect(irrHas(0xe0)).toBe(true);
    expect(apic.acknowledge()).toBe(0xe0);
  });

  it('LINT0 in fixed mode turns a rising INTR into its own vector without an INTA to the PIC', () => {
    const { wr, pic, apic, out, irrHas } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x350, 0x50);
    pic.set(true);
    pic.set(true); // a repeated level is not a second edge
    expect(irrHas(0x50)).toBe(true);
    expect(out.intr).toBe(true);
    expect(apic.acknowledge()).toBe(0x50);
    expect(pic.acks).toBe(0);
    expect(out.intr).toBe(false);
  });

  it('LINT0 in NMI mode raises one NMI per rising edge', () => {
    const { wr, pic, out } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x350, 0x400);
    pic.set(true);
    pic.set(true);
    expect(out.nmis).toBe(1);
    expect(out.intr).toBe(false);
    pic.set(false);
    pic.set(true);
    expect(out.nmis).toBe(2);
  });

  it('LINT1 programmed as NMI turns the NMI wire into NMIs; masked, it does nothing', () => {
    const { wr, apic, out } = setup();
    wr(0x0f0, 0x1ff);
    apic.setNmiLine(true);
    apic.setNmiLine(false);
    expect(out.nmis).toBe(0);
    wr(0x360, 0x400);
    apic.setNmiLine(true);
    apic.setNmiLine(true);
    expect(out.nmis).toBe(1);
  });
});

describe('apic: with the real 8259 pair', () => {
  it('the timer ROM sequence lets IRQ0 through as ExtINT and the INTA lands in the 8259', () => {
    const io = ioSpace();
    const sys = io.sys;
    const system = MemoryRegion.container(sys, null, 'system', 2 ** 32);
    const mem = sys.newAddressSpace(system, 'memory');
    let intr = false;
    const pic = new I8259(sys);
    const apic = new Apic(sys, new VirtualClock(), { pic, intr: (l) => (intr = l), nmi: () => {} });
    pic.intr = new IrqLine((l) => apic.setExtIntLine(l));
    sys.transaction(() => {
      pic.map(io.root);
      apic.map(system);
    });
    for (const [port, v] of [
      [0x20, 0x11],
      [0x21, 0x08],
      [0x21, 0x04],
      [0x21, 0x01],
      [0x21, 0xfe],
    ] as const)
      io.outb(port, v);
    pic.irqs[0]!.raise();
    expect(pic.hasInterrupt()).toBe(true);
    expect(intr).toBe(false); // LINT0 masked after reset
    mem.stl(BASE + 0x0f0, 0x1ff);
    mem.stl(BASE + 0x350, 0x700);
    mem.stl(BASE + 0x360, 0x400);
    expect(intr).toBe(true);
    expect(apic.acknowledge()).toBe(0x08);
    expect(intr).toBe(false);
    io.outb(0x20, 0x0b); // OCW3: read ISR
    expect(io.inb(0x20)).toBe(0x01);
  });
});

describe('apic: globally disabled (IA32_APIC_BASE bit 11 clear)', () => {
  it('passes INTR and NMI straight through; EN set again gives the power-up state', () => {
    const { apic, pic, out, rd, wr } = setup();
    wr(0x0f0, 0x1ff);
    apic.setApicBase(0xfee00000);
    expect(apic.apicBase).toBe(0xfee00100); // BSP stays, enable clear
    expect(rd(0x0f0) & 0x100).toBe(0); // QEMU also software-disables it
    expect(rd(0x350)).toBe(0x10000);
    pic.set(true);
    expect(out.intr).toBe(true);
    pic.vector = 0x0b;
    expect(apic.acknowledge()).toBe(0x0b);
    expect(pic.acks).toBe(1);
    apic.setNmiLine(true);
    expect(out.nmis).toBe(1);
    wr(0x0f0, 0x1ff);
    wr(0x350, 0x700);
    apic.setApicBase(0xfee00800);
    expect(apic.apicBase).toBe(0xfee00900);
    expect(rd(0x0f0)).toBe(0xff); // software-disabled, as after power-up (SDM 10.4.7.1)
    expect(rd(0x350)).toBe(0x10000);
    pic.set(false);
    pic.set(true);
    expect(out.intr).toBe(false); // LINT0 masked again
    // The guest software-enables it and a self-IPI arrives.
    wr(0x0f0, 0x1ff);
    wr(0x300, 0x40040);
    expect(out.intr).toBe(true);
    expect(apic.acknowledge()).toBe(0x40);
    apic.reset();
    expect(apic.apicBase).toBe(0xfee00900);
  });
});

describe('apic: software disable (SVR bit 8)', () => {
  it('forces every LVT masked and keeps them masked until software unmasks them', () => {
    const { rd, wr, pic, out } = setup();
    wr(0x350, 0x700); // while software-disabled: the mask bit sticks
    expect(rd(0x350)).toBe(0x10700);
    pic.set(true);
    expect(out.intr).toBe(false);
    wr(0x0f0, 0x1ff);
    expect(rd(0x350)).toBe(0x10700);
    wr(0x350, 0x700);
    expect(out.intr).toBe(true);
    wr(0x0f0, 0x0ff);
    expect(rd(0x350)).toBe(0x10700);
    expect(out.intr).toBe(false);
  });

  it('holds fixed interrupts in IRR without asserting INTR', () => {
    const { wr, out, selfIpi, irrHas } = setup();
    selfIpi(0x40);
    expect(irrHas(0x40)).toBe(true);
    expect(out.intr).toBe(false);
    wr(0x0f0, 0x1ff);
    expect(out.intr).toBe(true);
  });

  it('LVT writes keep only their defined bits', () => {
    const { rd, wr } = setup();
    wr(0x0f0, 0xffffffff);
    expect(rd(0x0f0)).toBe(0x1ff);
    wr(0x320, 0xffffffff);
    expect(rd(0x320)).toBe(0x000300ff);
    wr(0x350, 0xffffffff);
    expect(rd(0x350)).toBe(0x0001a7ff);
    wr(0x370, 0xffffffff);
    expect(rd(0x370)).toBe(0x000100ff);
    wr(0x3e0, 0xffffffff);
    expect(rd(0x3e0)).toBe(0xb);
    wr(0x300, 0xffff0000 | 0x00040000); // shorthand self, vector 0: an illegal vector, not sent
    expect(rd(0x300)).toBe(0x000c0000);
  });
});

describe('apic: timer', () => {
  /** Software-enable, divide by conf, LVT timer entry, then load the initial count. */
  function start(t: ReturnType<typeof setup>, lvt: number, divide: number, initial: number) {
    t.wr(0x0f0, 0x1ff);
    t.wr(0x3e0, divide);
    t.wr(0x320, lvt);
    t.wr(0x380, initial);
  }

  it('one-shot: the count falls one per (divisor) ns from the load time; the interrupt follows 0', () => {
    const t = setup();
    t.clock.advanceTo(1000);
    start(t, 0x40, 0x0, 100); // divide by 2
    expect(t.rd(0x390)).toBe(100);
    t.clock.advanceTo(1001);
    expect(t.rd(0x390)).toBe(100); // less than one tick
    t.clock.advanceTo(1002);
    expect(t.rd(0x390)).toBe(99);
    t.clock.advanceTo(1150);
    expect(t.rd(0x390)).toBe(25);
    // QEMU: the count reads 0 for one tick, the interrupt comes at initial+1 ticks.
    expect(t.clock.nextDeadlineNs()).toBe(1000 + 101 * 2);
    t.clock.runUntil(1201);
    expect(t.rd(0x390)).toBe(0);
    expect(t.irrHas(0x40)).toBe(false);
    t.clock.runUntil(1202);
    expect(t.irrHas(0x40)).toBe(true);
    expect(t.out.intr).toBe(true);
    expect(t.clock.nextDeadlineNs()).toBe(Infinity);
    t.clock.runUntil(5000);
    expect(t.rd(0x390)).toBe(0);
    expect(t.rd(0x380)).toBe(100);
  });

  it('the divide configuration selects 2, 4, 8, 16, 32, 64, 128 or 1', () => {
    const cases: Array<[number, number]> = [
      [0x0, 2],
      [0x1, 4],
      [0x2, 8],
      [0x3, 16],
      [0x8, 32],
      [0x9, 64],
      [0xa, 128],
      [0xb, 1],
    ];
    for (const [conf, div] of cases) {
      const t = setup();
      start(t, 0x10040, conf, 100000);
      t.clock.advanceTo(12800);
      expect(t.rd(0x390)).toBe(100000 - 12800 / div);
    }
  });

  it('periodic: reloads every initial+1 ticks with deadlines on the load-time grid', () => {
    const t = setup();
    t.clock.advanceTo(100);
    start(t, 0x20041, 0x1, 9); // divide by 4: period 10 ticks = 40 ns
    expect(t.rd(0x390)).toBe(9);
    t.clock.advanceTo(104);
    expect(t.rd(0x390)).toBe(8);
    t.clock.advanceTo(139);
    expect(t.rd(0x390)).toBe(0);
    const fired: number[] = [];
    for (const at of [140, 180, 220]) {
      t.clock.runUntil(at - 1);
      expect(t.irrHas(0x41)).toBe(false);
      t.clock.runUntil(at);
      expect(t.irrHas(0x41)).toBe(true);
      fired.push(t.clock.nowNs);
      expect(t.rd(0x390)).toBe(9);
      expect(t.apic.acknowledge()).toBe(0x41);
      t.wr(0x0b0, 0);
    }
    expect(fired).toEqual([140, 180, 220]);
    // A late run of the clock does not move the grid.
    t.clock.advanceTo(265);
    t.clock.runExpired();
    expect(t.clock.nextDeadlineNs()).toBe(300);
  });

  it('a masked timer keeps counting and interrupts again once unmasked', () => {
    const t = setup();
    start(t, 0x20042, 0xb, 99); // divide by 1: period 100 ns
    t.wr(0x320, 0x30042); // masked
    expect(t.clock.nextDeadlineNs()).toBe(Infinity);
    t.clock.runUntil(250);
    expect(t.irrHas(0x42)).toBe(false);
    expect(t.rd(0x390)).toBe(99 - 50);
    t.wr(0x320, 0x20042);
    expect(t.clock.nextDeadlineNs()).toBe(300);
  });

  it('software disable masks the timer; the count goes on', () => {
    const t = setup();
    start(t, 0x40, 0xb, 1000);
    t.clock.advanceTo(10);
    t.wr(0x0f0, 0xff);
    expect(t.rd(0x320)).toBe(0x10040);
    t.clock.runUntil(2000);
    expect(t.irrHas(0x40)).toBe(false);
    expect(t.rd(0x390)).toBe(0); // one-shot ran out at 1000 ticks
  });

  it('a new divisor applies from the write on; the count keeps its value', () => {
    const t = setup();
    start(t, 0x43, 0x0, 1000); // divide by 2 from t=0
    t.clock.advanceTo(200);
    expect(t.rd(0x390)).toBe(900);
    t.wr(0x3e0, 0xb); // divide by 1
    expect(t.rd(0x390)).toBe(900);
    t.clock.advanceTo(300);
    expect(t.rd(0x390)).toBe(800);
    expect(t.clock.nextDeadlineNs()).toBe(200 + 901);
  });

  it('an initial count of 0 stops the timer in both modes', () => {
    const t = setup();
    start(t, 0x20044, 0xb, 50);
    t.clock.advanceTo(20);
    t.wr(0x380, 0);
    expect(t.clock.nextDeadlineNs()).toBe(Infinity);
    expect(t.rd(0x390)).toBe(0);
  });
});

describe('apic: priorities', () => {
  it('TPR holds back vectors of its class and below; PPR follows TPR and the in-service class', () => {
    const { wr, rd, out, apic, selfIpi, irrHas, isrHas } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x080, 0x50);
    selfIpi(0x45);
    expect(irrHas(0x45)).toBe(true);
    expect(out.intr).toBe(false);
    expect(rd(0x0a0)).toBe(0x50);
    wr(0x080, 0x40); // same class 4: still held
    expect(out.intr).toBe(false);
    wr(0x080, 0x3f);
    expect(out.intr).toBe(true);
    expect(apic.acknowledge()).toBe(0x45);
    expect(isrHas(0x45)).toBe(true);
    expect(irrHas(0x45)).toBe(false);
    expect(rd(0x0a0)).toBe(0x40); // ISRV class 4 above TPR class 3
    wr(0x080, 0x4a);
    expect(rd(0x0a0)).toBe(0x4a); // TPR class 4 >= ISRV class 4: PPR = TPR
    wr(0x080, 0x10);
    expect(rd(0x0a0)).toBe(0x40);
  });

  it('EOI retires the highest in-service vector first; nesting follows the classes', () => {
    const { wr, rd, out, apic, selfIpi, isrHas } = setup();
    wr(0x0f0, 0x1ff);
    selfIpi(0x31);
    selfIpi(0x62);
    expect(apic.acknowledge()).toBe(0x62);
    expect(out.intr).toBe(false); // 0x31 is below the in-service class 6
    selfIpi(0x71);
    expect(out.intr).toBe(true);
    expect(apic.acknowledge()).toBe(0x71);
    expect(rd(0x130)).toBe(0x00020004); // ISR word 3 (vectors 0x60-0x7F): bits for 0x71 and 0x62
    wr(0x0b0, 0);
    expect(isrHas(0x71)).toBe(false);
    expect(isrHas(0x62)).toBe(true);
    expect(rd(0x0a0)).toBe(0x60);
    expect(out.intr).toBe(false);
    wr(0x0b0, 0);
    expect(out.intr).toBe(true);
    expect(apic.acknowledge()).toBe(0x31);
    wr(0x0b0, 0);
    for (let i = 0; i < 8; i++) expect(rd(0x100 + i * 16)).toBe(0);
    wr(0x0b0, 0); // EOI with nothing in service changes nothing
    expect(rd(0x0a0)).toBe(0);
  });

  it('vectors of the same class go highest first', () => {
    const { wr, apic, selfIpi } = setup();
    wr(0x0f0, 0x1ff);
    selfIpi(0x52);
    selfIpi(0x5e);
    selfIpi(0x57);
    expect(apic.acknowledge()).toBe(0x5e);
    wr(0x0b0, 0);
    expect(apic.acknowledge()).toBe(0x57);
  });

  it('a level-triggered vector sets TMR and its EOI is broadcast', () => {
    const { wr, rd, apic, out } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x300, 0x0004c000 | 0x66); // self, fixed, level assert, level trigger
    expect(rd(0x180 + 0x30)).toBe(1 << 6);
    expect(apic.acknowledge()).toBe(0x66);
    wr(0x0b0, 0);
    expect(out.eois).toEqual([0x66]);
    wr(0x300, 0x00040067); // edge: TMR clear, no broadcast
    apic.acknowledge();
    wr(0x0b0, 0);
    expect(out.eois).toEqual([0x66]);
  });

  it('gives the spurious vector when the request is held back at acknowledge time', () => {
    const { wr, apic, out, selfIpi, irrHas, isrHas } = setup();
    wr(0x0f0, 0x1cf);
    selfIpi(0x45);
    expect(out.intr).toBe(true);
    wr(0x080, 0x50); // the guest raises TPR before the CPU takes the interrupt
    expect(apic.acknowledge()).toBe(0xcf);
    expect(isrHas(0x45)).toBe(false);
    expect(irrHas(0x45)).toBe(true);
    wr(0x080, 0);
    expect(apic.acknowledge()).toBe(0x45);
    wr(0x0b0, 0);
    expect(apic.acknowledge()).toBe(0xcf); // nothing at all pending
  });
});

describe('apic: errors', () => {
  it('ESR shows the errors seen before the last write to it', () => {
    const { rd, wr, errors } = setup();
    wr(0x0f0, 0x1ff);
    expect(rd(0x3f0)).toBe(0); // reserved offset
    expect(errors.at(-1)).toContain('reserved offset 3f0');
    expect(rd(0x280)).toBe(0); // not visible until ESR is written
    wr(0x280, 0);
    expect(rd(0x280)).toBe(0x80); // illegal register address
    wr(0x280, 0);
    expect(rd(0x280)).toBe(0);
    wr(0x300, 0x00040005); // self-IPI with illegal vector 5: not delivered
    wr(0x280, 0);
    expect(rd(0x280)).toBe(0x60); // send and (being its own target) receive illegal vector
    expect(rd(0x200)).toBe(0);
    wr(0x310, 0x07000000);
    wr(0x300, 0x00000005); // to APIC 7, which does not exist: only the send side
    wr(0x280, 0);
    expect(rd(0x280)).toBe(0x20);
  });

  it('a locally generated illegal vector is reported as received, never set in IRR', () => {
    const t = setup();
    t.wr(0x0f0, 0x1ff);
    t.wr(0x3e0, 0xb);
    t.wr(0x320, 0x0a);
    t.wr(0x380, 1);
    t.clock.runUntil(10);
    t.wr(0x280, 0);
    expect(t.rd(0x280)).toBe(0x40);
    expect(t.rd(0x200)).toBe(0);
  });

  it('LVT error interrupts on each error', () => {
    const { rd, wr, irrHas } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x370, 0xfe);
    rd(0x040);
    expect(irrHas(0xfe)).toBe(true);
  });

  it('accesses smaller than 32 bits read 0 and write nothing', () => {
    const { as, rd, errors } = setup();
    expect(as.ldub(BASE + 0x30)).toBe(0);
    expect(as.lduw(BASE + 0x30)).toBe(0);
    as.stw(BASE + 0x80, 0x30);
    expect(rd(0x080)).toBe(0);
    expect(errors.length).toBe(3);
  });

  it('read-only registers ignore writes', () => {
    const { rd, wr, errors } = setup();
    wr(0x030, 0x12345678);
    wr(0x0a0, 0x80);
    wr(0x200, 0xffffffff);
    expect([rd(0x030), rd(0x0a0), rd(0x200)]).toEqual([0x00050014, 0, 0]);
    expect(errors.length).toBe(3);
    wr(0x280, 0);
    expect(rd(0x280)).toBe(0); // not an illegal address
  });
});

describe('apic: IPIs and MSIs to itself', () => {
  it('destinations: physical ID or broadcast, flat and cluster logical, shorthands', () => {
    const { wr, irrHas } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x020, 0x03000000); // ID 3
    const ipi = (dest: number, lo: number) => {
      wr(0x310, dest << 24);
      wr(0x300, lo);
    };
    ipi(3, 0x50);
    ipi(2, 0x51);
    ipi(0xff, 0x52);
    wr(0x0d0, 0x24000000); // logical ID 0x24
    ipi(0x04, 0x853); // flat: bit overlap
    ipi(0x01, 0x854);
    wr(0x0e0, 0x0fffffff); // cluster model
    ipi(0x24, 0x855); // cluster 2, member bit 2
    ipi(0x14, 0x856); // cluster 1
    wr(0x300, 0x00080057); // all including self
    wr(0x300, 0x000c0058); // all excluding self
    expect([0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58].map(irrHas)).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('NMI to self raises NMI; INIT and SIPI to self are reported, not silently dropped', () => {
    const { wr, out, unimp } = setup();
    wr(0x0f0, 0x1ff);
    wr(0x300, 0x00040400);
    expect(out.nmis).toBe(1);
    wr(0x300, 0x00044500); // INIT assert to self
    wr(0x300, 0x00040612); // SIPI to self
    expect(unimp.length).toBe(2);
    expect(unimp[0]).toContain('INIT');
    expect(unimp[1]).toContain('SIPI');
    wr(0x300, 0x000c8500); // INIT level de-assert to all: arbitration sync only
    expect(unimp.length).toBe(2);
  });

  it('an MSI write (reserved offsets and above the page) reaches its destination', () => {
    const { as, wr, irrHas, out } = setup();
    wr(0x0f0, 0x1ff);
    as.stl(BASE, 0x00000061); // destination 0, fixed, vector 0x61
    as.stl(BASE + 0x1000, 0x00000062); // destination 1: no such processor
    as.stl(BASE + 0xff000, 0x00000063); // destination 0xFF: broadcast
    as.stl(BASE + 0x4000, 0x00000400); // NMI, destination 4: not this one
    expect([irrHas(0x61), irrHas(0x62), irrHas(0x63)]).toEqual([true, false, true]);
    expect(out.nmis).toBe(0);
  });
});

describe('apic: relocation', () => {
  it('IA32_APIC_BASE moves the register page; reset moves it back', () => {
    const { as, apic } = setup();
    apic.setApicBase(0xfed00800);
    expect(apic.apicBase).toBe(0xfed00900);
    expect(as.ldl(0xfed00030)).toBe(0x00050014);
    expect(as.ldl(BASE + 0x30)).toBe(0);
    apic.reset();
    expect(as.ldl(BASE + 0x30)).toBe(0x00050014);
    expect(as.ldl(0xfed00030)).toBe(0);
  });

  it('x2APIC enable is reported as unsupported and not taken', () => {
    const { apic, unimp } = setup();
    apic.setApicBase(0xfee00c00);
    expect(apic.apicBase).toBe(0xfee00900);
    expect(unimp[0]).toContain('x2APIC');
  });
});
