// Hostile input to the emulator itself: bad ROM files, bad -m, malformed -device/-chardev/-object
// strings (clear errors naming the flag, which main.ts turns into exit status 1), and guests that
// flood debugcon (10 MiB, every byte must arrive) or the serial port, rewrite their own code on every iteration, or
// run the PIT at its fastest rate (progress, same output on both engines and on every run).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { MachineError, PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend, type CharBackend } from '../../src/devices/chardev.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-hostile-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: Uint8Array) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
};
const COMMON = ['-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot'];
const GOOD = file('good.bin', romWith([0xb0, 0x00, 0xe6, 0xf4, 0xf4])); // exit(0)

/** A 64 KiB ROM: `code` at F000:0000, the reset vector jumping there. */
function romWith(code: number[]): Uint8Array {
  const rom = new Uint8Array(0x10000);
  rom.set(code, 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  return rom;
}

/** What main.ts does with a command line up to running: the error it would print, or null. */
function startError(args: string[]): string | null {
  try {
    new PcMachine(parseArgs(args)).shutdown();
    return null;
  } catch (e) {
    // main.ts prints these as "tcg86: MESSAGE" and exits 1; anything else is an internal error (70)
    if (e instanceof UsageError || e instanceof MachineError) return e.message;
    return `internal error: ${String(e)}`;
  }
}

describe('hostile command lines: a clear error naming the flag', () => {
  const cases: [string, string[], RegExp][] = [
    ['empty ROM file', ['-bios', file('empty.bin', new Uint8Array(0))], /^-bios .*0 bytes/],
    ['ROM of 1000 bytes', ['-bios', file('short.bin', new Uint8Array(1000))], /^-bios .*1000 bytes.*65536/],
    ['ROM of 64 KiB + 1', ['-bios', file('odd.bin', new Uint8Array(65537))], /^-bios .*65537 bytes/],
    ['ROM of 32 MiB', ['-bios', file('huge.bin', new Uint8Array(32 << 20))], /^-bios .*at most 16 MiB/],
    ['missing ROM file', ['-bios', path.join(dir, 'nope.bin')], /^-bios .*cannot read/],
    ['ROM path is a directory', ['-bios', dir], /^-bios .*cannot read/],
    ['-m abc', ['-bios', GOOD, '-m', 'abc'], /^-m abc: Parameter 'size' expects a non-negative number below 2\^64/],
    ['-m -5', ['-bios', GOOD, '-m', '-5'], /^-m -5: Parameter 'size' expects/],
    ['-m 99T', ['-bios', GOOD, '-m', '99T'], /^-m: .*more RAM than tcg86 can back/],
    ['-m slots without maxmem', ['-bios', GOOD, '-m', '64,slots=2'], /^slots specified but no max-size$/],
    ['unknown device', ['-bios', GOOD, '-device', 'e1000'], /^-device: device 'e1000' is not supported/],
    ['device with junk', ['-bios', GOOD, '-device', ',,,'], /^-device: /],
    ['device property not a number', ['-bios', GOOD, '-device', 'isa-debug-exit,iobase=zz'], /^-device: iobase: 'zz' is not a number/],
    ['device unknown property', ['-bios', GOOD, '-device', 'isa-debug-exit,colour=red'], /^-device: isa-debug-exit has no property 'colour'/],
    ['chardev without id', ['-bios', GOOD, '-chardev', 'file'], /^-chardev: chardev needs an 'id'/],
    ['chardev unknown backend', ['-bios', GOOD, '-chardev', 'pty,id=x'], /^-chardev: chardev backend 'pty' is not supported/],
    ['duplicate chardev id', ['-bios', GOOD, '-chardev', 'null,id=a', '-chardev', 'null,id=a'], /^-chardev: duplicate chardev id 'a'/],
    ['object garbage', ['-bios', GOOD, '-object', 'foo,id='], /^-object foo,id=: Parameter 'qom-type' does not accept value 'foo'/],
    ['object empty', ['-bios', GOOD, '-object', ''], /^-object : Parameter 'qom-type' is missing/],
    ['debugcon unknown backend', ['-bios', GOOD, '-debugcon', 'pty'], /^-debugcon: character device 'pty' is not supported/],
    ['debugcon socket without a port', ['-bios', GOOD, '-debugcon', 'tcp:1234'], /^-debugcon: 'tcp:1234': expected tcp:HOST:PORT/],
    ['debugcon unknown chardev', ['-bios', GOOD, '-debugcon', 'chardev:zz'], /^-debugcon: chardev 'zz' not found/],
  ];
  for (const [name, args, want] of cases) {
    it(name, () => {
      const err = startError([...args, ...COMMON]);
      expect(err).not.toBeNull();
      expect(err!).not.toMatch(/^internal error/);
      expect(err!).toMatch(want);
    });
  }
  // Both once gave "internal error" with a stack trace and exit status 70.
  it('unopenable -debugcon file: names the flag, no internal error', () => {
    const err = startError(['-bios', GOOD, '-debugcon', `file:${path.join(dir, 'no/such/dir/out')}`, ...COMMON]);
    expect(err).toMatch(/^-debugcon: /);
  });
  it('-serial file: with an empty path is refused by the parser', () => {
    const err = startError(['-bios', GOOD, '-nographic', '-monitor', 'none', '-serial', 'file:']);
    expect(err).toMatch(/^-serial: /);
  });
});

/** Counts debugcon bytes and checks they are 0,1,2,...,255,0,... without keeping them. */
class PatternBackend implements CharBackend {
  count = 0;
  bad = -1;
  write(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++, this.count++) if (data[i] !== (this.count & 0xff) && this.bad < 0) this.bad = this.count;
  }
  setReceiver(): void {}
  acceptInput(): void {}
  close(): void {}
}

async function run(rom: Uint8Array, engine: 'interp' | 'tcg', backend: CharBackend, max = 200_000_000) {
  const p = file(`g-${engine}.bin`, rom);
  const m = new PcMachine(
    parseArgs(['-bios', p, '-m', '2', ...COMMON, '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '--engine', engine]),
    { chardevOverride: (_id, kind) => (kind === 'stdio' ? backend : null) },
  );
  try {
    return { status: await m.run(max), icount: m.cpu.icount };
  } finally {
    m.shutdown();
  }
}

describe('hostile guests', () => {
  it('a guest that writes 4 MiB to debugcon: every byte arrives, in order; memory stays bounded', async () => {
    const N = 4 << 20;
    // mov dx,0xe9; xor al,al; mov ecx,N; L: out dx,al; inc al; a32 loop L; exit(0)
    const rom = romWith([0xba, 0xe9, 0x00, 0x30, 0xc0, 0x66, 0xb9, ...[N & 0xff, (N >> 8) & 0xff, (N >> 16) & 0xff, N >>> 24], 0xee, 0xfe, 0xc0, 0x67, 0xe2, 0xfa, 0xb0, 0x00, 0xe6, 0xf4, 0xf4]);
    const before = process.memoryUsage().rss;
    const out = new PatternBackend();
    const r = await run(rom, 'tcg', out);
    expect(r.status).toBe(1);
    expect(out.bad).toBe(-1);
    expect(out.count).toBe(N);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 << 20);
  });

  it('a guest that floods the serial port: every byte reaches the -serial backend, in order', async () => {
    const N = 1 << 20;
    // mov dx,0x3fd; xor bx,bx; mov ecx,N; L: in al,dx; test al,0x20; jz L; mov dl,0xf8;
    // mov al,bl; out dx,al; inc bl; mov dl,0xfd; a32 loop L; exit(0)
    const rom = romWith([
      0xba, 0xfd, 0x03, 0x31, 0xdb, 0x66, 0xb9, ...[N & 0xff, (N >> 8) & 0xff, (N >> 16) & 0xff, N >>> 24],
      0xec, 0xa8, 0x20, 0x74, 0xfb, 0xb2, 0xf8, 0x88, 0xd8, 0xee, 0xfe, 0xc3, 0xb2, 0xfd, 0x67, 0xe2, 0xef,
      0xb0, 0x00, 0xe6, 0xf4, 0xf4,
    ]);
    const p = file('serial-flood.bin', rom);
    const out = new PatternBackend();
    const m = new PcMachine(
      parseArgs(['-bios', p, '-m', '2', '-nographic', '-monitor', 'none', '-no-reboot', '-serial', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']),
      { chardevOverride: (_id, kind) => (kind === 'stdio' ? out : null) },
    );
    try {
      expect(await m.run(100_000_000)).toBe(1);
    } finally {
      m.shutdown();
    }
    expect(out.bad).toBe(-1);
    expect(out.count).toBe(N);
  });

  it('a guest that rewrites the next instruction on every iteration: exact result on both engines', async () => {
    // RAM code at 0000:1000: mov ecx,1000; xor ebx,ebx; L: inc byte [0x1010]; add ebx,imm8 (imm at
    // 0x1010); dec ecx; jnz L; then print EBX (4 bytes) and exit.
    const ram = [
      0x66, 0xb9, 0xe8, 0x03, 0x00, 0x00, // 1000 mov ecx, 1000
      0x66, 0x31, 0xdb, //                   1006 xor ebx, ebx
      0xfe, 0x06, 0x10, 0x10, //             1009 inc byte [0x1010]
      0x66, 0x83, 0xc3, 0x00, //             100d add ebx, imm8 (patched)
      0x66, 0x49, //                         1011 dec ecx
      0x75, 0xf4, //                         1013 jnz 1009
      0xba, 0xe9, 0x00, 0x66, 0x89, 0xd8, // 1015 mov dx,0xe9; mov eax,ebx
      0xee, 0x66, 0xc1, 0xe8, 0x08, 0xee, 0x66, 0xc1, 0xe8, 0x08, 0xee, 0x66, 0xc1, 0xe8, 0x08, 0xee,
      0xb0, 0x00, 0xe6, 0xf4, 0xf4,
    ];
    const SRC = 0x100;
    const code = [
      0xfa, 0x31, 0xc0, 0x8e, 0xd0, 0x8e, 0xc0, 0xbc, 0x00, 0x20, // cli; ss=es=0; sp
      0xb8, 0x00, 0xf0, 0x8e, 0xd8, 0xbe, SRC & 0xff, SRC >> 8, 0xbf, 0x00, 0x10, 0xb9, ram.length, 0x00, 0xfc, 0xf3, 0xa4,
      0x31, 0xc0, 0x8e, 0xd8, 0xea, 0x00, 0x10, 0x00, 0x00, // ds=0; jmp 0000:1000
    ];
    const rom = romWith(code);
    rom.set(ram, SRC);
    let want = 0;
    for (let i = 1; i <= 1000; i++) want = (want + ((i & 0xff) << 24 >> 24)) | 0;
    for (const engine of ['interp', 'tcg'] as const) {
      const out = new MemoryCharBackend();
      const r = await run(rom, engine, out);
      expect(r.status).toBe(1);
      expect(Buffer.from(out.bytes).readInt32LE(0)).toBe(want);
    }
  });

  // Fuzz seed 1000604 (pm) found this: ECX = 2^32-1 ran in one handler call, so no instruction
  // retired for ten minutes and the fuzzer hung. Each iteration now retires (as QEMU counts it).
  for (const [name, op] of [['rep outsb', 0x6e], ['rep insb', 0x6c]] as const) {
    it(`a ${name} with ECX = 2^32-1 retires one instruction per iteration, so the run limit ends it`, async () => {
      // es=ds=0; cld; mov dx,0x1361 (nothing there); mov ecx,-1; xor esi,esi; xor edi,edi; a32 rep op; exit(0)
      const rom = romWith([0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xc0, 0xfc, 0xba, 0x61, 0x13, 0x66, 0xb9, 0xff, 0xff, 0xff, 0xff,
        0x66, 0x31, 0xf6, 0x66, 0x31, 0xff, 0x67, 0xf3, op, 0xb0, 0x00, 0xe6, 0xf4, 0xf4]);
      // (Before the fix this never returned: the test timeout caught it.)
      for (const engine of ['interp', 'tcg'] as const) {
        await expect(run(rom, engine, new MemoryCharBackend(), 100_000)).rejects.toThrow(/without exiting \(limit 100000\)/);
      }
    });
  }

  // Count 1 is the fastest setting (illegal for mode 2 on a real 8254: tcg86 fires once); count 2
  // is the fastest legal periodic rate (an IRQ every 1.7 us of guest time, ~210 instructions).
  for (const count of [1, 2]) {
    it(`a guest that sets PIT channel 0 to count ${count}: it keeps making progress, deterministically`, async () => {
      const H = 0x80; // IRQ0 handler: push ax; inc word [0x500]; EOI; pop ax; iret
      const code = [
        0xfa, 0x31, 0xc0, 0x8e, 0xd0, 0x8e, 0xd8, 0xbc, 0x00, 0x20,
        0x66, 0xb9, 0x1b, 0x00, 0x00, 0x00, 0x0f, 0x32, 0x80, 0xe4, 0xf7, 0x0f, 0x30, // APIC off: 8259 INTR straight to the CPU
        0xc7, 0x06, 0x20, 0x00, H, 0x00, 0xc7, 0x06, 0x22, 0x00, 0x00, 0xf0, 0xc7, 0x06, 0x00, 0x05, 0x00, 0x00,
        0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x08, 0xe6, 0x21, 0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x01, 0xe6, 0x21, 0xb0, 0xfe, 0xe6, 0x21,
        0xb0, 0x34, 0xe6, 0x43, 0xb0, count, 0xe6, 0x40, 0xb0, 0x00, 0xe6, 0x40, // PIT ch0 mode 2
        0xfb, 0x66, 0xb9, 0xa0, 0x86, 0x01, 0x00, 0x67, 0xe2, 0xfd, // sti; mov ecx,100000; L: a32 loop L
        0xfa, 0xa1, 0x00, 0x05, 0xba, 0xe9, 0x00, 0xee, 0x88, 0xe0, 0xee, 0xb0, 0x00, 0xe6, 0xf4, 0xf4,
      ];
      const rom = romWith(code);
      rom.set([0x50, 0xff, 0x06, 0x00, 0x05, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf], H);
      const results: string[] = [];
      for (const engine of ['interp', 'tcg', 'tcg'] as const) {
        const out = new MemoryCharBackend();
        const r = await run(rom, engine, out, 50_000_000);
        expect(r.status).toBe(1);
        const ticks = Buffer.from(out.bytes).readUInt16LE(0);
        // At least one IRQ is taken and the loop still finishes; count 2 interrupts at its rate
        // from the load on (test/machine/guest-time.test.ts bounds it), count 1 only once.
        expect(ticks).toBeGreaterThan(0);
        if (count === 1) expect(ticks).toBe(1);
        results.push(`${ticks} ${r.icount}`);
      }
      expect(results[1]).toBe(results[0]);
      expect(results[2]).toBe(results[0]);
    });
  }
});
