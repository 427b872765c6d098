// Guest time inside a CPU slice: a device read in the middle of a slice sees the time of the
// instruction making it (QEMU's icount clock), on both engines and in the middle of a
// translated block; a timer armed mid-slice interrupts on time instead of at the slice's end.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { nsToTicks, PIT_FREQ } from '../../src/devices/i8254.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-time-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** A 64 KiB ROM: `code` at F000:0000, the reset vector jumping there. */
function romWith(code: number[]): Uint8Array {
  const rom = new Uint8Array(0x10000);
  rom.set(code, 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  return rom;
}

async function run(rom: Uint8Array, engine: 'interp' | 'tcg'): Promise<{ out: Buffer; status: number; icount: number }> {
  const p = path.join(dir, `rom-${engine}.bin`);
  fs.writeFileSync(p, rom);
  const out = new MemoryCharBackend();
  const m = new PcMachine(
    parseArgs(['-bios', p, '-m', '2', '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot',
      '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '--engine', engine]),
    { chardevOverride: (_id, kind) => (kind === 'stdio' ? out : null) },
  );
  try {
    const status = await m.run(50_000_000);
    return { out: Buffer.from(out.bytes), status, icount: m.cpu.icount };
  } finally {
    m.shutdown();
  }
}

describe('guest time inside a slice', () => {
  it('a PIT read 3000 instructions after a load sees exactly the time the TSC measured', async () => {
    // Channel 2 in mode 0 with count 0xffff (line 1 below), rdtsc, 3000 loop iterations, rdtsc,
    // latch and read channel 2; prints the TSC delta (16 bits) and the count. The load is the
    // instruction before the first rdtsc and the latch the third after the second, so the PIT
    // has run for delta + 4 instructions' worth of ns.
    const rom = romWith([
      0xfa, 0xb0, 0xb0, 0xe6, 0x43, 0xb0, 0xff, 0xe6, 0x42, 0xe6, 0x42, // cli; ch2 mode 0, count ffff
      0x0f, 0x31, 0x66, 0x89, 0xc6, //                                     rdtsc; mov esi,eax
      0x66, 0xb9, 0xb8, 0x0b, 0x00, 0x00, 0x67, 0xe2, 0xfd, //             mov ecx,3000; L: a32 loop L
      0x0f, 0x31, 0x66, 0x89, 0xc7, //                                     rdtsc; mov edi,eax
      0xb0, 0x80, 0xe6, 0x43, 0xe4, 0x42, 0x88, 0xc3, 0xe4, 0x42, 0x88, 0xc7, // latch ch2; bx = count
      0xba, 0xe9, 0x00, 0x66, 0x89, 0xf8, 0x66, 0x29, 0xf0, 0xee, 0x66, 0xc1, 0xe8, 0x08, 0xee, // print delta
      0x88, 0xd8, 0xee, 0x88, 0xf8, 0xee, 0xb0, 0x00, 0xe6, 0xf4, 0xf4, //  print count; exit(0)
    ]);
    const seen: string[] = [];
    for (const engine of ['interp', 'tcg'] as const) {
      const r = await run(rom, engine);
      expect(r.status).toBe(1);
      const delta = r.out.readUInt16LE(0);
      const count = r.out.readUInt16LE(2);
      expect(delta).toBeGreaterThan(3000 * 8); // the loop ran between the two reads
      expect(0xffff - count).toBe(nsToTicks(delta + 4 * 8));
      seen.push(`${delta} ${count}`);
    }
    expect(seen[1]).toBe(seen[0]);
  });

  it('PIT channel 0 at count 2 programmed mid-slice interrupts at its rate from the start', async () => {
    // APIC off (the 8259 reaches the CPU), IRQ0 handler counting in [0x500]; mode 2 count 2;
    // sti; 100000 iterations of a32 loop; print the count. Before the run loop honoured a timer
    // armed during a slice, the first slice (200000 instructions) saw one IRQ.
    const H = 0x80;
    const rom = romWith([
      0xfa, 0x31, 0xc0, 0x8e, 0xd0, 0x8e, 0xd8, 0xbc, 0x00, 0x20,
      0x66, 0xb9, 0x1b, 0x00, 0x00, 0x00, 0x0f, 0x32, 0x80, 0xe4, 0xf7, 0x0f, 0x30,
      0xc7, 0x06, 0x20, 0x00, H, 0x00, 0xc7, 0x06, 0x22, 0x00, 0x00, 0xf0, 0xc7, 0x06, 0x00, 0x05, 0x00, 0x00,
      0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x08, 0xe6, 0x21, 0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x01, 0xe6, 0x21, 0xb0, 0xfe, 0xe6, 0x21,
      0xb0, 0x34, 0xe6, 0x43, 0xb0, 0x02, 0xe6, 0x40, 0xb0, 0x00, 0xe6, 0x40,
      0xfb, 0x66, 0xb9, 0xa0, 0x86, 0x01, 0x00, 0x67, 0xe2, 0xfd,
      0xfa, 0xa1, 0x00, 0x05, 0xba, 0xe9, 0x00, 0xee, 0x88, 0xe0, 0xee, 0xb0, 0x00, 0xe6, 0xf4, 0xf4,
    ]);
    rom.set([0x50, 0xff, 0x06, 0x00, 0x05, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf], H);
    const periodNs = (2 * 1e9) / PIT_FREQ;
    for (const engine of ['interp', 'tcg'] as const) {
      const r = await run(rom, engine);
      expect(r.status).toBe(1);
      const ticks = r.out.readUInt16LE(0);
      // The loop alone lasts 100000 instructions of 8 ns; the whole run (handler runs and
      // deliveries included) bounds the count from above.
      expect(ticks).toBeGreaterThanOrEqual(Math.floor((100_000 * 8) / periodNs) - 1);
      expect(ticks).toBeLessThanOrEqual(Math.ceil(((r.icount + ticks) * 8) / periodNs) + 1);
    }
  });
});
