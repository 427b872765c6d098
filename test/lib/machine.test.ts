// The library surface (src/index.ts): machines from options or QEMU arguments with captured
// output, runs bounded by instruction counts, memory and registers, statistics, the memory
// core for other boards; and no stdio or process hooks unless asked.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine, memory, UsageError } from '../../src/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEMO = path.join(ROOT, 'roms/demo.bin');

describe('Machine', () => {
  it('runs the demo from an options object with debugcon captured, on both engines alike', async () => {
    const texts: string[] = [];
    for (const engine of ['tcg', 'interp'] as const) {
      const before = process.listenerCount('exit') + process.listenerCount('SIGINT');
      const m = Machine.create({ bios: DEMO, debugcon: true, engine, args: ['-no-reboot'] });
      const chunks: string[] = [];
      m.debugcon().onData((d) => chunks.push(Buffer.from(d).toString('latin1')));
      expect(await m.run()).toBe(0);
      expect(m.debugcon().text()).toContain('protected mode: CRC32("123456789") = cbf43926\n');
      expect(chunks.join('')).toBe(m.debugcon().text());
      expect(m.stats().icount).toBe(m.pc.cpu.icount);
      expect(process.listenerCount('exit') + process.listenerCount('SIGINT')).toBe(before); // no stdio, no hooks
      texts.push(m.debugcon().text());
      m.close();
    }
    expect(texts[1]).toBe(texts[0]);
  });

  it('smp: an options object gives the vCPUs; an SMP ROM runs to its end', async () => {
    const m = Machine.create({ bios: path.join(ROOT, 'roms/smp-smc.bin'), debugcon: true, smp: 2, args: ['-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'] });
    expect(m.pc.cpus.length).toBe(2);
    expect(await m.run()).toBe(1);
    expect(m.debugcon().text()).toContain('smp-smc done\n');
    expect(m.stats().icount).toBe(m.pc.totalIcount);
    m.close();
  });

  it('step(n) runs exactly n instructions; registers and memory can be read and written', async () => {
    const m = Machine.fromArgs(['-bios', DEMO, '-display', 'none', '-serial', 'none']);
    expect(m.getRegister('eip')).toBe(0xfff0);
    expect(m.getRegister('cs')).toBe(0xf000);
    expect(await m.step(1)).toBeNull();
    expect(m.pc.cpu.icount).toBe(1);
    expect(await m.step(99)).toBeNull();
    expect(m.pc.cpu.icount).toBe(100);
    m.writeMemory(0x1000, Uint8Array.of(1, 2, 3, 4));
    expect([...m.readMemory(0x1000, 4)]).toEqual([1, 2, 3, 4]);
    expect([...m.readMemory(0x1000, 4, { virtual: true })]).toEqual([1, 2, 3, 4]); // paging off
    m.setRegister('eax', 0xdeadbeef);
    expect(m.getRegister('eax')).toBe(0xdeadbeef);
    expect(() => m.readMemory(0xfffff000, 8192)).toThrow(RangeError);
    m.close();
  });

  it('a monitor and a serial port on captured chardevs; bad arguments throw one-line errors', async () => {
    const m = Machine.fromArgs(['-bios', DEMO, '-S', '-display', 'none', '-monitor', 'stdio']);
    m.monitor().input('info status\nquit\n');
    expect(await m.run()).toBe(0);
    expect(m.monitor().text()).toContain('VM status: paused (prelaunch)');
    expect(m.serial().bytes.length).toBe(0); // -serial defaults to vc: captured
    m.close();
    expect(() => Machine.fromArgs(['-bios', DEMO, '--stat'])).toThrow(UsageError);
  });

  it('reaches the memory core: regions, address spaces and dirty bitmaps for a board of one\'s own', () => {
    const sys = new memory.MemorySystem();
    const root = memory.MemoryRegion.container(sys, null, 'root', 0x10000);
    const ram = memory.MemoryRegion.ram(sys, null, 'ram', 0x4000);
    root.addSubregion(0x1000, ram);
    ram.setLog(true, memory.DIRTY_MEMORY_VGA);
    const as = sys.newAddressSpace(root, 'mine');
    memory.memoryRegionResetDirty(ram, 0, 0x4000, memory.DIRTY_MEMORY_VGA); // new RAM starts dirty, as in QEMU
    expect(memory.memoryRegionGetDirty(ram, 0x0000, 0x1000, memory.DIRTY_MEMORY_VGA)).toBe(false);
    expect(as.write(0x1004, Uint8Array.of(0x5a))).toBe(memory.MEMTX_OK);
    // The write through the address space marked the page dirty for the display client.
    expect(memory.memoryRegionGetDirty(ram, 0x0000, 0x1000, memory.DIRTY_MEMORY_VGA)).toBe(true);
    expect(memory.memoryRegionGetDirty(ram, 0x1000, 0x1000, memory.DIRTY_MEMORY_VGA)).toBe(false);
    const buf = new Uint8Array(1);
    as.read(0x1004, buf);
    expect(buf[0]).toBe(0x5a);
    expect(memory.formatMtree(sys)).toContain('0000000000001000-0000000000004fff (prio 0, ram): ram');
  });
});
