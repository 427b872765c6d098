// vga.vram is logged for DIRTY_MEMORY_VGA: CPU stores through the soft TLB (chain-4 maps vram
// as RAM), planar stores through vga-lowmem and device/DMA writes all mark vram pages dirty,
// and a display's snapshot-and-clear reports each change once and re-arms the tracking.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { PcMachine } from '../../../src/machine/pc.js';
import { DIRTY_MEMORY_VGA } from '../../../src/memory/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PAGE = 4096;

function machine(): PcMachine {
  // The ROM never runs: the tests drive ports and memory from outside.
  return new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/vga.bin'), '-nographic', '-serial', 'none', '-monitor', 'none']));
}

/** A fresh start: no vram page dirty for the VGA client. */
function clean(m: PcMachine): void {
  m.vga!.testAndClearDirty(0, m.vga!.vramSize);
}

/** Chain-4 on or off, all planes written, and (for planar writes) every bit of the byte. */
function chain4(m: PcMachine, on: boolean): void {
  m.io.stb(0x3ce, 8);
  m.io.stb(0x3cf, 0xff);
  m.io.stb(0x3c4, 2);
  m.io.stb(0x3c5, 0x0f);
  m.io.stb(0x3c4, 4);
  m.io.stb(0x3c5, on ? 0x08 : 0x06);
}

describe('vga.vram dirty tracking', () => {
  it('is a 16 MiB RAM block named like QEMU, logged for the VGA client', () => {
    const m = machine();
    const block = m.sys.ramList.findByIdstr('0000:00:02.0/vga.vram');
    expect(block?.usedLength).toBe(16 * 1024 * 1024);
    expect(m.vga!.vram.effectiveDirtyLogMask & (1 << DIRTY_MEMORY_VGA)).not.toBe(0);
  });

  it('a guest store through the soft TLB marks the page; a snapshot-and-clear reports it once', () => {
    const m = machine();
    const vga = m.vga!;
    chain4(m, true);
    clean(m);
    const mmu = m.cpu.mmu;
    const idx = m.cpu.mmuIdx;
    mmu.st8(0xa0000 + 3 * PAGE + 5, 0x5a, idx);
    expect(vga.vramPtr[3 * PAGE + 5]).toBe(0x5a); // chain-4: straight into vram
    const snap = vga.snapshotAndClearDirty(0, 0x20000);
    expect(vga.snapshotGetDirty(snap, 3 * PAGE, PAGE)).toBe(true);
    expect(vga.snapshotGetDirty(snap, 2 * PAGE, PAGE)).toBe(false);
    expect(vga.snapshotGetDirty(snap, 4 * PAGE, PAGE)).toBe(false);
    // Cleared: the next snapshot is clean...
    expect(vga.snapshotGetDirty(vga.snapshotAndClearDirty(0, 0x20000), 3 * PAGE, PAGE)).toBe(false);
    // ...and the TLB entry, now a fast-path RAM write, was re-armed: the next store is seen.
    mmu.st8(0xa0000 + 3 * PAGE + 6, 0x5b, idx);
    expect(vga.getDirty(3 * PAGE, PAGE)).toBe(true);
    expect(vga.testAndClearDirty(3 * PAGE, PAGE)).toBe(true);
    expect(vga.getDirty(3 * PAGE, PAGE)).toBe(false);
  });

  it('planar stores through vga-lowmem mark the vram page they change', () => {
    const m = machine();
    const vga = m.vga!;
    chain4(m, false);
    m.io.stb(0x3ce, 6);
    m.io.stb(0x3cf, 0x05); // map 1: 0xa0000, 64 KiB
    clean(m);
    m.cpu.mmu.st8(0xa0000 + 0x1801, 0xff, m.cpu.mmuIdx); // dword 0x1801 = vram 0x6004
    expect(vga.vramPtr.subarray(0x6004, 0x6008)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    expect(vga.getDirty(0x6000, PAGE)).toBe(true);
    expect(vga.getDirty(0x1000, PAGE)).toBe(false);
  });

  it('DMA-style writes through the address space mark vram too', () => {
    const m = machine();
    chain4(m, true);
    clean(m);
    m.memory.write(0xa0000 + 7 * PAGE, Uint8Array.of(1, 2, 3));
    expect(m.vga!.getDirty(7 * PAGE, PAGE)).toBe(true);
  });

  it('turning chain-4 off drops the RAM mapping from the CPU TLB', () => {
    const m = machine();
    const vga = m.vga!;
    const mmu = m.cpu.mmu;
    const idx = m.cpu.mmuIdx;
    chain4(m, true);
    m.io.stb(0x3ce, 6);
    m.io.stb(0x3cf, 0x05);
    mmu.st8(0xa0010, 0x11, idx); // fills a TLB entry for the page as RAM (vram)
    expect(vga.vramPtr[0x10]).toBe(0x11);
    chain4(m, false);
    mmu.st8(0xa0010, 0x22, idx); // planar now: dword 0x10, i.e. vram 0x40-0x43
    expect(vga.vramPtr[0x10]).toBe(0x11);
    expect(vga.vramPtr.subarray(0x40, 0x44)).toEqual(Uint8Array.of(0x22, 0x22, 0x22, 0x22));
    expect(mmu.ld8(0xa0004, idx)).toBe(0x11); // planar read of dword 4 = vram 0x10, plane 0
  });

  it('-vga none and -nodefaults leave the window and ports unassigned', () => {
    for (const flags of [['-vga', 'none'], ['-nodefaults']]) {
      const m = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/vga.bin'), '-nographic', '-serial', 'none', '-monitor', 'none', ...flags]));
      expect(m.vga).toBeNull();
      expect(m.io.ldub(0x3cc)).toBe(0xff);
      expect(m.io.lduw(0x1ce)).toBe(0xffff);
      expect(m.memory.ldub(0xa0000)).toBe(0);
      expect(m.sys.ramList.findByIdstr('0000:00:02.0/vga.vram')).toBeUndefined();
    }
    const m = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/vga.bin'), '-nographic', '-serial', 'none', '-monitor', 'none', '-nodefaults', '-vga', 'std']));
    expect(m.vga).not.toBeNull();
    expect(m.io.lduw(0x1cf)).toBe(0xb0c5);
  });
});
