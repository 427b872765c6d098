// HMP details a script depends on: `x /Ni` prints branch targets from the instruction's own
// address (QEMU 7.2's output for the same bytes), memsave/pmemsave take a quoted file name
// with QEMU's escapes and errors, and --stats counts the guest's stores dropped by ROM.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { collectStats } from '../../src/machine/stats.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-hmp-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function rom(name: string, code: number[]): string {
  const image = new Uint8Array(0x10000);
  image.set(code, 0);
  image.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  const p = path.join(dir, name);
  fs.writeFileSync(p, image);
  return p;
}

async function monitorSession(romPath: string, script: string): Promise<string> {
  const stdio = new MemoryCharBackend();
  const m = new PcMachine(parseArgs(['-bios', romPath, '-S', '-display', 'none', '-serial', 'none', '-monitor', 'stdio']), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null),
  });
  new Monitor(m, m.chardevs.get(m.config.monitor!), { muxed: false });
  stdio.inject(script + 'quit\n');
  expect(await m.run(1e9)).toBe(0);
  m.shutdown();
  return stdio.text();
}

describe('x /Ni', () => {
  it('branch targets come from the real address (QEMU: je 0, jmp 0xd, callw 0x10, loop 0xd)', async () => {
    // start: cli; mov ax,1; cmp ax,2; je start; jmp near l2; nop; l2: call l3; l3: loop l2
    const p = rom('branches.bin', [0xfa, 0xb8, 0x01, 0x00, 0x83, 0xf8, 0x02, 0x74, 0xf7, 0xe9, 0x01, 0x00, 0x90, 0xe8, 0x00, 0x00, 0xe2, 0xfb]);
    const out = await monitorSession(p, 'x /8i 0xf0000\n');
    // QEMU 7.2's own output for this ROM (capstone's AT&T text and the bytes column).
    expect(out).toContain([
      '0x000f0000:  fa                       cli      ',
      '0x000f0001:  b8 01 00                 movw     $1, %ax',
      '0x000f0004:  83 f8 02                 cmpw     $2, %ax',
      '0x000f0007:  74 f7                    je       0',
      '0x000f0009:  e9 01 00                 jmp      0xd',
      '0x000f000c:  90                       nop      ',
      '0x000f000d:  e8 00 00                 callw    0x10',
      '0x000f0010:  e2 fb                    loop     0xd',
    ].join('\r\n') + '\r\n');
  });
});

describe('memsave/pmemsave file names', () => {
  it('a quoted name may start with / and hold blanks; QEMU\'s errors for bad strings and extra words', async () => {
    const p = rom('plain.bin', [0xf4]);
    const target = path.join(dir, 'a "b" c.bin');
    const quoted = JSON.stringify(target); // a double-quoted string with \" escapes
    const out = await monitorSession(p, `pmemsave 0xffff0 16 ${quoted}\nmemsave 0xfffffff0 16 "${path.join(dir, 'v.bin')}"\npmemsave 0 16 x.bin extra\npmemsave 0 16 "q\\x"\npmemsave 0 16 "q\n`);
    const image = fs.readFileSync(p);
    expect([...fs.readFileSync(target)]).toEqual([...image.subarray(image.length - 16)]);
    expect([...fs.readFileSync(path.join(dir, 'v.bin'))]).toEqual([...image.subarray(image.length - 16)]);
    expect(out).toContain('(qemu) pmemsave 0 16 x.bin extra\r\npmemsave: extraneous characters at the end of line\r\nTry "help pmemsave" for more information\r\n');
    expect(out).toContain("unsupported escape code: '\\x'\r\npmemsave: string expected\r\nTry \"help pmemsave\" for more information\r\n");
    expect(out).toContain('unterminated string\r\npmemsave: string expected\r\n');
    expect(fs.existsSync('x.bin')).toBe(false);
  });
});

describe('--stats', () => {
  it.each(['interp', 'tcg'])('counts the guest\'s stores dropped by ROM (%s)', async (engine) => {
    // mov ax,0xf000; mov ds,ax; mov byte [0x100],0x55; mov word [0x102],0x1234; mov al,0; out 0xf4,al
    const p = rom('romwrite.bin', [0xb8, 0x00, 0xf0, 0x8e, 0xd8, 0xc6, 0x06, 0x00, 0x01, 0x55, 0xc7, 0x06, 0x02, 0x01, 0x34, 0x12, 0xb0, 0x00, 0xe6, 0xf4]);
    const m = new PcMachine(parseArgs(['-bios', p, '-display', 'none', '-serial', 'none', '-monitor', 'none', '--engine', engine,
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']));
    expect(await m.run(1e6)).toBe(1);
    expect(collectStats(m, 1).memory.romWritesDropped).toBe(2);
    expect(m.memory.ldub(0xf0100)).toBe(0);
    m.shutdown();
  });
});
