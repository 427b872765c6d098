// The pc board follows the -cpu model: a model with an APIC gets the local APIC between the
// 8259 and the CPU; one without (486) gets none, as on QEMU: the 8259 drives INTR itself, so a
// timer interrupt arrives without any LINT0 programming, and IA32_APIC_BASE reads as the BSP bit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-cpumodel-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

// Real mode at F000:0000: IVT[8] -> handler; 8259 initialised (vector base 8, only IRQ0
// unmasked); PIT channel 0 in mode 2; sti; hlt loop. The handler prints 'I' and exits.
const BODY = [
  0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00, 0x70, // cli; ds = ss = 0; sp = 0x7000
  0xc7, 0x06, 0x20, 0x00, -1, -1, // mov word [0x20], handler (patched below)
  0xc7, 0x06, 0x22, 0x00, 0x00, 0xf0, // mov word [0x22], 0xf000
  0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x08, 0xe6, 0x21, 0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x01, 0xe6, 0x21, // ICW1-4
  0xb0, 0xfe, 0xe6, 0x21, // OCW1: IRQ0 only
  0xb0, 0x34, 0xe6, 0x43, 0xb0, 0x00, 0xe6, 0x40, 0xb0, 0x01, 0xe6, 0x40, // PIT ch0 mode 2, count 0x100
  0xfb, 0xf4, 0xeb, 0xfd, // sti; L: hlt; jmp L
];
const HANDLER = [0xb0, 0x49, 0xe6, 0xe9, 0xb0, 0x00, 0xe6, 0xf4, 0xf4]; // 'I' to debugcon; exit(0)

function timerRom(): string {
  const code = [...BODY, ...HANDLER];
  const at = code.indexOf(-1);
  code[at] = BODY.length & 0xff;
  code[at + 1] = BODY.length >> 8;
  const rom = new Uint8Array(0x10000);
  rom.set(code, 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  const p = path.join(dir, 'timer.bin');
  fs.writeFileSync(p, rom);
  return p;
}

function machine(cpu: string, engine: 'interp' | 'tcg', out: MemoryCharBackend): PcMachine {
  const args = ['-bios', timerRom(), '-m', '2', '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot',
    '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-cpu', cpu, '--engine', engine];
  return new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? out : null) });
}

describe('the board follows the CPU model', () => {
  it('qemu32 has a local APIC; 486 has none and IA32_APIC_BASE reads 0x100', () => {
    const out = new MemoryCharBackend();
    const a = machine('qemu32', 'interp', out);
    expect(a.apic).not.toBeNull();
    a.shutdown();
    const b = machine('486', 'interp', out);
    expect(b.apic).toBeNull();
    expect(b.cpu.pic).toBe(b.pic);
    expect(b.cpu.apicBase).toBe(0x100);
    b.shutdown();
  });

  it.each(['interp', 'tcg'] as const)('on a 486 the 8259 interrupts the CPU directly (%s)', async (engine) => {
    const out = new MemoryCharBackend();
    const m = machine('486', engine, out);
    try {
      expect(await m.run(5_000_000)).toBe(1);
      expect(out.text()).toBe('I');
    } finally {
      m.shutdown();
    }
  });
});
