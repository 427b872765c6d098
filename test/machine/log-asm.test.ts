// -d in_asm and -d out_asm: the guest code of each new block as QEMU logs it ("IN:" and one
// line per instruction in QEMU's columns), and the JavaScript the translator generated for it ("OUT:", the
// host code of tcg86). The interpreter logs each instruction it runs under in_asm.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-log-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** mov ax, 0x1234; add ax, 1; out 0xf4, al (exit status (0x35 << 1) | 1), at F000:0000 behind the reset jump. */
function rom(): string {
  const image = new Uint8Array(0x10000);
  image.set([0xb8, 0x34, 0x12, 0x83, 0xc0, 0x01, 0xe6, 0xf4, 0xf4], 0);
  image.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  const p = path.join(dir, 'rom.bin');
  fs.writeFileSync(p, image);
  return p;
}

async function logOf(items: string, engine: string): Promise<string> {
  const log = path.join(dir, `${items}-${engine}.log`);
  const args = ['-bios', rom(), '-nographic', '-serial', 'none', '-monitor', 'none', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'];
  const m = new PcMachine(parseArgs([...args, '-d', items, '-D', log, '--engine', engine]));
  try {
    expect(await m.run(1000)).toBe((0x35 << 1) | 1);
  } finally {
    m.shutdown();
  }
  return fs.existsSync(log) ? fs.readFileSync(log, 'latin1') : '';
}

describe('-d in_asm / out_asm', () => {
  it('the translator logs each new block: guest instructions, then the generated JavaScript', async () => {
    const text = await logOf('in_asm,out_asm', 'tcg');
    // QEMU's text (address, bytes padded to 8, capstone's AT&T mnemonic padded to 8, operands).
    expect(text).toContain('IN: \n0xfffffff0:  ea 00 00 00 f0           ljmpw    $0xf000:$0x0\n');
    expect(text).toContain(
      'IN: \n' +
        '0x000f0000:  b8 34 12                 movw     $0x1234, %ax\n' +
        '0x000f0003:  83 c0 01                 addw     $1, %ax\n' +
        '0x000f0006:  e6 f4                    outb     %al, $0xf4\n',
    );
    const out = text.indexOf('OUT: [size=', text.indexOf('0x000f0006'));
    expect(out).toBeGreaterThan(text.indexOf('0x000f0003'));
    expect(text.slice(out)).toMatch(/^OUT: \[size=\d+\]\nreturn function tb_f0000\(cpu\) \{\n/);
  });

  it('out_asm alone logs only generated code; the interpreter generates none', async () => {
    const tcg = await logOf('out_asm', 'tcg');
    expect(tcg).toContain('OUT: [size=');
    expect(tcg).not.toContain('IN:');
    expect(await logOf('out_asm', 'interp')).toBe('');
  });
});
