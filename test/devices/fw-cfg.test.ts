// fw_cfg on the pc's ports (QEMU's hw/nvram/fw_cfg.c): items through the selector and data
// ports, and DMA descriptors that select, read, skip and refuse writes. The ROM
// roms/src/fwcfg-dma.asm checks the same against QEMU; here the items' contents and the
// control word written back are checked directly.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { FW_CFG_DMA_CTL_ERROR, FW_CFG_DMA_CTL_READ, FW_CFG_DMA_CTL_SELECT, FW_CFG_DMA_CTL_SKIP, FW_CFG_DMA_CTL_WRITE, FW_CFG_ID, FW_CFG_NB_CPUS, FW_CFG_NOGRAPHIC, FW_CFG_RAM_SIZE, FW_CFG_SIGNATURE } from '../../src/devices/fw-cfg.js';
import { PcMachine } from '../../src/machine/pc.js';
import { bswap } from '../../src/memory/index.js';
import { R_CS, R_EAX } from '../../src/cpu/x86/constants.js';
import { EXIT_HALTED } from '../../src/cpu/x86/interp/index.js';
import type { TcgEngine } from '../../src/cpu/x86/tcg/engine.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DESC = 0x8000;
const BUF = 0x9000;
const bswap32 = (v: number) => bswap(v, 4);

let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());

function pc(...extra: string[]): PcMachine {
  machine = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/demo.bin'), '-serial', 'none', '-monitor', 'none', '-display', 'none', ...extra]));
  return machine;
}

function readItem(m: PcMachine, key: number, n: number): number[] {
  m.io.stw(0x510, key);
  return Array.from({ length: n }, () => m.io.ldub(0x511));
}

/** Run one DMA descriptor; returns the control word the device wrote back. */
function dma(m: PcMachine, control: number, length: number, address: number): number {
  m.memory.stl(DESC, bswap32(control));
  m.memory.stl(DESC + 4, bswap32(length));
  m.memory.stl(DESC + 8, 0);
  m.memory.stl(DESC + 12, bswap32(address));
  m.io.stl(0x514, 0);
  m.io.stl(0x518, bswap32(DESC));
  return bswap32(m.memory.ldl(DESC));
}

const bytes = (m: PcMachine, at: number, n: number) => Array.from({ length: n }, (_, k) => m.memory.ldub(at + k));

describe('fw_cfg', () => {
  it('the selector and data ports give QEMU\'s items: signature, id (DMA), RAM size, CPUs, -nographic', () => {
    const m = pc('-m', '96M', '-nographic');
    expect([0, 1, 2, 3].map(() => m.io.ldub(0x511))).toEqual([0x51, 0x45, 0x4d, 0x55]); // reset selects the signature
    expect(readItem(m, FW_CFG_SIGNATURE, 5)).toEqual([0x51, 0x45, 0x4d, 0x55, 0]); // "QEMU", then zeros
    expect(readItem(m, FW_CFG_ID, 4)).toEqual([3, 0, 0, 0]);
    expect(readItem(m, FW_CFG_RAM_SIZE, 8)).toEqual([0, 0, 0, 6, 0, 0, 0, 0]);
    expect(readItem(m, FW_CFG_NB_CPUS, 2)).toEqual([1, 0]);
    expect(readItem(m, FW_CFG_NOGRAPHIC, 2)).toEqual([1, 0]);
    expect(readItem(pc(), FW_CFG_NOGRAPHIC, 2)).toEqual([0, 0]);
    expect(readItem(m, 0x1234, 2)).toEqual([0, 0]); // no such item
    // The DMA register reads as "QEMU CFG".
    expect(bswap32(m.io.ldl(0x514))).toBe(0x51454d55);
    expect(bswap32(m.io.ldl(0x518))).toBe(0x20434647);
  });

  it('DMA: select and read, skip, zeros past the end, and an error for a write', () => {
    const m = pc();
    for (let k = 0; k < 16; k++) m.memory.stb(BUF + k, 0xee);
    expect(dma(m, (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 6, BUF)).toBe(0);
    expect(bytes(m, BUF, 7)).toEqual([0x51, 0x45, 0x4d, 0x55, 0, 0, 0xee]);
    // Skip 2 of the signature, then read on from there (the offset carries over).
    expect(dma(m, (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 2, BUF + 8)).toBe(0);
    expect(bytes(m, BUF + 8, 2)).toEqual([0xee, 0xee]); // a skip writes nothing
    expect(dma(m, FW_CFG_DMA_CTL_READ, 1, BUF + 8)).toBe(0);
    expect(bytes(m, BUF + 8, 2)).toEqual([0x4d, 0xee]);
    expect(dma(m, (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, BUF)).toBe(FW_CFG_DMA_CTL_ERROR);
    expect(bytes(m, BUF, 4)).toEqual([0x51, 0x45, 0x4d, 0x55]);
    // No read, write or skip bit: nothing moves, and the control word becomes 0.
    expect(dma(m, (FW_CFG_ID << 16) | FW_CFG_DMA_CTL_SELECT, 4, BUF)).toBe(0);
    expect(bytes(m, BUF, 4)).toEqual([0x51, 0x45, 0x4d, 0x55]);
  });

  it('a DMA read over translated code invalidates it, counted as a DMA invalidation', () => {
    const m = pc();
    const engine = m.engine as TcgEngine;
    // mov eax, 0x11111111; hlt at 0x7000, run in real mode from 0700:0000.
    m.memory.write(0x7000, Uint8Array.from([0x66, 0xb8, 0x11, 0x11, 0x11, 0x11, 0xf4]));
    const run = () => {
      m.cpu.halted = false;
      m.cpu.loadSegReal(R_CS, 0x0700);
      m.cpu.eip = 0;
      expect(engine.run(m.cpu, 100)).toBe(EXIT_HALTED);
      return m.cpu.regs[R_EAX]! >>> 0;
    };
    expect(run()).toBe(0x11111111);
    expect(run()).toBe(0x11111111);
    const before = engine.cache.stats.invalidationsDma;
    expect(dma(m, (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, 0x7002)).toBe(0);
    expect(engine.cache.stats.invalidationsDma).toBe(before + 1);
    expect(run()).toBe(0x554d4551);
  });
});
