// The human monitor: QEMU's output for the same commands on the same halted machine state
// (test/golden/monitor, recorded by scripts/record-golden-monitor.sh), on both engines; run
// states (-S, stop, cont, quit); the mux with C-a escapes; line editing; end of input.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { TCG86_VERSION } from '../../src/monitor/commands.js';
import { romArgs } from '../roms/rom-runner.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOLDEN = path.join(ROOT, 'test/golden/monitor');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A machine whose stdio chardev (the monitor, or the mux) is captured in memory. */
function machineWith(args: string[]): { machine: PcMachine; stdio: MemoryCharBackend; monitor: Monitor | null; reports: string[] } {
  const stdio = new MemoryCharBackend();
  const reports: string[] = [];
  const machine = new PcMachine(parseArgs(args), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null),
    report: (text) => reports.push(text),
  });
  const id = machine.config.monitor;
  const monitor = id ? new Monitor(machine, machine.chardevs.get(id), { muxed: machine.config.chardevs.get(id)?.mux === true }) : null;
  return { machine, stdio, monitor, reports };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let k = 0; k < 2000 && !cond(); k++) await sleep(5);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('monitor goldens (QEMU 7.2 output for the same commands)', () => {
  const names = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.cmds')).map((f) => f.slice(0, -5));
  for (const engine of ['interp', 'tcg'] as const) {
    it.each(names)(`%s (${engine})`, async (name) => {
      const { machine, stdio } = machineWith([
        '-bios', path.join(ROOT, 'roms', `${name}.bin`),
        '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'null', '--engine', engine, ...romArgs(name),
      ]);
      const run = machine.run(50_000_000);
      await until(() => machine.cpus.every((c) => c.halted && (c.eflags & 0x200) === 0), 'the ROM to halt');
      stdio.inject(fs.readFileSync(path.join(GOLDEN, `${name}.cmds`), 'latin1'));
      expect(await run).toBe(0);
      // `info cpus` shows host thread ids (tcg86: its one thread's, the process id, for every vCPU).
      const hostIds = (t: string) => t.replace(/thread_id=\d+/g, 'thread_id=N');
      expect(hostIds(stdio.text())).toBe(hostIds(fs.readFileSync(path.join(GOLDEN, `${name}.out`), 'latin1')));
    });
  }
});

describe('run states', () => {
  const DEMO = path.join(ROOT, 'roms/demo.bin');

  it('-S starts paused (prelaunch) and nothing runs until cont; stop pauses; quit exits 0', async () => {
    const { machine, stdio } = machineWith(['-bios', DEMO, '-S', '-display', 'none', '-serial', 'none', '-monitor', 'stdio']);
    const run = machine.run(1e12);
    stdio.inject('info status\n');
    await until(() => stdio.text().includes('prelaunch'), 'info status');
    expect(machine.cpu.icount).toBe(0);
    stdio.inject('cont\ninfo status\n');
    await until(() => stdio.text().includes('VM status: running'), 'cont');
    stdio.inject('stop\ninfo status\n');
    await until(() => /VM status: paused\r\n/.test(stdio.text()), 'stop');
    const stoppedAt = machine.cpu.icount;
    await sleep(30);
    expect(machine.cpu.icount).toBe(stoppedAt);
    stdio.inject('quit\n');
    expect(await run).toBe(0);
  });

  it('a guest halted for good waits for the monitor, and ends once its input has ended', async () => {
    const { machine, stdio, reports } = machineWith([
      '-bios', path.join(ROOT, 'roms/mon-pg32.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'null',
    ]);
    const run = machine.run(50_000_000);
    await until(() => machine.cpu.halted, 'the ROM to halt');
    await sleep(30);
    stdio.inject("p /d $eax\n");
    stdio.endInput();
    expect(await run).toBe(1);
    expect(reports.join('')).toMatch(/^tcg86: the guest halted with interrupts disabled; nothing can wake it\. Registers:\nEAX=12345678 /);
    expect(stdio.text()).toContain('(qemu) p /d $eax\r\n305419896\r\n(qemu) ');
  });

  it('system_reset with -no-reboot ends the run, as QEMU does', async () => {
    const { machine, stdio } = machineWith(['-bios', DEMO, '-S', '-no-reboot', '-display', 'none', '-serial', 'none', '-monitor', 'stdio']);
    const run = machine.run(1e12);
    stdio.inject('system_reset\n');
    expect(await run).toBe(0);
  });
});

describe('mux (mon:stdio with -nographic)', () => {
  it('the serial port has the console first; C-a c brings the monitor with its banner; C-a x quits', async () => {
    const { machine, stdio } = machineWith(['-bios', path.join(ROOT, 'roms/demo.bin'), '-S', '-nographic']);
    const run = machine.run(1e12);
    stdio.inject('AB');
    await sleep(20);
    expect(stdio.text()).toBe(''); // the bytes went to COM1, not to the monitor
    stdio.inject('\x01c');
    await until(() => stdio.text().includes('(qemu) '), 'the banner');
    expect(stdio.text()).toBe("tcg86 monitor - type 'help' for more information\r\n(qemu) ");
    stdio.inject('i /b 0x3fd\n'); // COM1's LSR: data ready, from the bytes typed above
    await until(() => stdio.text().includes('portb'), 'the port read');
    expect(stdio.text()).toContain('portb[0x03fd] = 0x61\r\n');
    stdio.inject('\x01h');
    await until(() => stdio.text().includes('C-a x'), 'the help');
    expect(stdio.text()).toContain('\n\rC-a h    print this help\n\rC-a x    exit emulator\n\r');
    stdio.inject('\x01x');
    expect(await run).toBe(0);
    expect(stdio.text()).toContain('tcg86: Terminated');
  });
});

describe('line editing', () => {
  it('backspace edits, CR LF is one line, escape sequences are ignored, errors say what was wrong', async () => {
    const { machine, stdio } = machineWith(['-bios', path.join(ROOT, 'roms/demo.bin'), '-S', '-display', 'none', '-serial', 'none', '-monitor', 'stdio']);
    const run = machine.run(1e12);
    stdio.inject('p /x 0x11\x7f2\x1b[A\r\n\r\nxp\nx /3q 0\npmemsave 0 16 /abs.bin\nquit\r\n');
    expect(await run).toBe(0);
    const text = stdio.text();
    expect(text).toContain('(qemu) p /x 0x11\b \b2\r\n0x12\r\n(qemu) \r\n(qemu) xp\r\n');
    expect(text).toContain("Parameter 'addr' is missing\r\nTry \"help xp\" for more information\r\n");
    expect(text).toContain("invalid char in format: 'q'\r\n");
    // As in QEMU, '/' after an expression divides, so a file name there cannot start with '/'.
    expect(text).toContain("invalid char 'a' in expression\r\nTry \"help pmemsave\" for more information\r\n");
  });

  it('o writes a port and i reads it back; memsave and pmemsave write guest memory to files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mon-'));
    const { machine, stdio } = machineWith(['-bios', path.join(ROOT, 'roms/demo.bin'), '-S', '-display', 'none', '-serial', 'none', '-monitor', 'stdio']);
    const run = machine.run(1e12);
    // Relative paths: after a size, QEMU (and tcg86) read '/' as a division.
    const p = path.relative(process.cwd(), path.join(dir, 'p.bin'));
    const v = path.relative(process.cwd(), path.join(dir, 'v.bin'));
    stdio.inject(`o /b 0x21 0x5a\ni /b 0x21\npmemsave 0xffff0 16 ${p}\nmemsave 0xfffffff0 16 ${v}\nquit\n`);
    expect(await run).toBe(0);
    expect(stdio.text()).toContain('portb[0x0021] = 0x5a\r\n'); // the 8259's IMR (OCW1)
    const rom = fs.readFileSync(path.join(ROOT, 'roms/demo.bin'));
    expect([...fs.readFileSync(p)]).toEqual([...rom.subarray(rom.length - 16)]);
    expect([...fs.readFileSync(v)]).toEqual([...rom.subarray(rom.length - 16)]); // paging off: linear = physical
    fs.rmSync(dir, { recursive: true });
  });

  it('the version it reports is package.json\'s', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(TCG86_VERSION).toBe(pkg.version);
  });
});
