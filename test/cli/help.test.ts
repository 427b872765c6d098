// What a new user types first: -help and -version (exit 0, QEMU's layout), the help lists of
// -machine/-device/-d/-accel/-vga/-display, unknown options reported as QEMU reports them with
// a suggestion, and the options that used to be accepted and ignored (-rtc, -boot, -no-shutdown).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelpRequest, OPTIONS, parseArgs, UsageError } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { cliProcess, type CliProcess } from './cli-process.js';

const BASE = ['-bios', 'x.bin', '-display', 'none', '-serial', 'none', '-monitor', 'none'];

function helpText(args: string[]): string {
  try {
    parseArgs(args);
  } catch (e) {
    if (e instanceof HelpRequest) return e.message;
    throw e;
  }
  throw new Error(`${args.join(' ')} did not ask for help`);
}

const usageError = (args: string[]): string => {
  try {
    parseArgs([...BASE, ...args]);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error(`${args.join(' ')} was accepted`);
};

describe('-help and -version', () => {
  it('-h, -help and --help print one entry per option, grouped, in QEMU\'s columns', () => {
    const text = helpText(['-h']);
    expect(helpText(['-help'])).toBe(text);
    expect(helpText(['--help'])).toBe(text);
    expect(text).toMatch(/^tcg86 version \d+\.\d+\.\d+ \(follows QEMU emulator version 7\.2/);
    expect(text).toContain('\nStandard options:\n-h or -help     display this help and exit\n-version        display version information and exit\n');
    expect(text).toContain("\n-cpu cpu        select CPU ('-cpu help' for list)\n");
    // A synopsis of 16 characters or more puts its text on the next line, at column 16.
    expect(text).toMatch(/\n-machine \[type=\]name\S*\n {16}selects emulated machine/);
    expect(text).toContain('\n--stats[=table|json]\n');
    for (const o of OPTIONS) expect(text).toContain(o.own ? `--${o.name}` : o.synopsis ?? `-${o.name}`);
  });
  it('-version and --version name the version and the QEMU it follows', () => {
    expect(helpText(['-version'])).toMatch(/^tcg86 version \d+\.\d+\.\d+ \(follows QEMU emulator version 7\.2, qemu-system-i386\)\n$/);
    expect(helpText(['--version'])).toBe(helpText(['-version']));
  });
});

describe('help lists', () => {
  it('-machine help, -device help, -device DRIVER,help, -d help, -accel help, -vga help, -display help', () => {
    expect(helpText(['-machine', 'help'])).toBe(
      'Supported machines are:\n' +
        'pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)\n' +
        'pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\n',
    );
    expect(helpText(['-M', 'help'])).toBe(helpText(['-machine', 'help']));
    expect(helpText(['-device', 'help'])).toBe(
      'Misc devices:\nname "isa-debug-exit", bus ISA\nname "isa-debugcon", bus ISA\nname "pc-testdev", bus ISA\nname "pci-testdev", bus PCI, desc "PCI Test Device"\n',
    );
    expect(helpText(['-device', 'isa-debug-exit,help'])).toBe(
      'isa-debug-exit options:\n  iobase=<uint32>        -  (default: 1281)\n  iosize=<uint32>        -  (default: 2)\n',
    );
    const log = helpText(['-d', 'help']);
    expect(log.startsWith('Log items (comma separated):\n')).toBe(true);
    for (const item of ['int', 'cpu_reset', 'guest_errors', 'unimp', 'in_asm', 'out_asm']) expect(log).toMatch(new RegExp(`\\n${item} +\\S`));
    expect(helpText(['-accel', 'help'])).toBe('Accelerators supported in tcg86:\ntcg\n');
    expect(helpText(['-vga', 'help'])).toBe('none                 no graphic card\nstd                  standard VGA (default)\n');
    expect(helpText(['-display', 'help'])).toBe('Available display backend types:\nnone\ncurses\nvnc\n');
    expect(helpText(['-cpu', 'help'])).toMatch(/^Available CPUs:\n/);
  });
});

describe('unknown options', () => {
  it('are invalid options with the dashes typed, argument or not, with the closest known option', () => {
    expect(usageError(['-foo'])).toBe('-foo: invalid option');
    expect(usageError(['-foo', 'bar'])).toBe('-foo: invalid option');
    expect(usageError(['--foo'])).toBe('--foo: invalid option');
    expect(usageError(['--stat'])).toBe('--stat: invalid option (did you mean --stats?)');
    expect(usageError(['-nographics'])).toBe('-nographics: invalid option (did you mean -nographic?)');
    expect(usageError(['-debugcom', 'stdio'])).toBe('-debugcom: invalid option (did you mean -debugcon?)');
    expect(usageError(['-enable-kvm'])).toBe('-enable-kvm: is not supported by tcg86 (see -help)');
    expect(() => parseArgs(['-bios'])).toThrow(/^-bios: requires an argument/);
  });
});

describe('options that used to be ignored', () => {
  const machine = (args: string[]) => new PcMachine(parseArgs(['-bios', 'roms/demo.bin', '-display', 'none', '-serial', 'none', ...args]));

  it('-rtc base=DATE|utc|localtime sets the RTC; other clocks and bad dates are refused by name', () => {
    const m = machine(['-rtc', 'base=2006-06-17T16:01:21']);
    const bcd = (i: number) => m.rtc.getCmos(i).toString(16).padStart(2, '0');
    expect(`${bcd(0x09)}-${bcd(0x08)}-${bcd(0x07)} ${bcd(0x04)}:${bcd(0x02)}:${bcd(0x00)}`).toBe('06-06-17 16:01:21');
    m.shutdown();
    const now = Math.floor(Date.now() / 1000);
    const utc = parseArgs([...BASE, '-rtc', 'base=utc']).rtcBase!;
    expect(Math.abs(utc - now)).toBeLessThan(60);
    expect(parseArgs(BASE).rtcBase).toBeNull(); // default: 2000-01-01, runs repeat
    expect(usageError(['-rtc', 'base=2006-02-30'])).toMatch(/^-rtc: invalid datetime format '2006-02-30'/);
    expect(usageError(['-rtc', 'clock=host'])).toMatch(/^-rtc: clock=host is not supported/);
    expect(usageError(['-rtc', 'driftfix=slew'])).toMatch(/^-rtc: driftfix=slew is not supported/);
  });

  it('-boot ORDER / order=ORDER sets the CMOS boot bytes as QEMU does; bad drives are refused', () => {
    const m = machine(['-boot', 'order=dn']);
    expect([m.rtc.getCmos(0x3d), m.rtc.getCmos(0x38)]).toEqual([0x43, 0x00]);
    m.shutdown();
    const d = machine(['-boot', 'c']);
    expect([d.rtc.getCmos(0x3d), d.rtc.getCmos(0x38)]).toEqual([0x02, 0x00]);
    d.shutdown();
    const dflt = machine([]);
    // cad, as QEMU 7.2 reads back through ports 0x70/0x71 (this used to store 0x32/0x10).
    expect([dflt.rtc.getCmos(0x3d), dflt.rtc.getCmos(0x38)]).toEqual([0x12, 0x30]);
    dflt.shutdown();
    expect(usageError(['-boot', 'z'])).toBe("-boot: invalid boot device 'z' (use a, b, c, d or n)");
    expect(usageError(['-boot', 'menu=on'])).toMatch(/^-boot: -boot has no property 'menu'/);
  });

  it('-no-shutdown: with -no-reboot a reset pauses the VM (paused (shutdown)); cont needs a reset; no monitor is refused', async () => {
    expect(usageError(['-no-shutdown'])).toMatch(/^-no-shutdown: a shutdown would stop the machine for good/);
    const stdio = new MemoryCharBackend();
    // roms/demo.bin ends by pulsing the 8042's reset line.
    const m = new PcMachine(
      parseArgs(['-bios', 'roms/demo.bin', '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-no-reboot', '-no-shutdown']),
      { chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null) },
    );
    new Monitor(m, m.chardevs.get(m.config.monitor!), { muxed: false });
    const run = m.run(1e9);
    for (let k = 0; k < 2000 && m.runState !== 'shutdown'; k++) await new Promise((r) => setTimeout(r, 5));
    stdio.inject('info status\ncont\nsystem_reset\ninfo status\nquit\n');
    expect(await run).toBe(0);
    expect(stdio.text()).toContain(
      '(qemu) info status\r\nVM status: paused (shutdown)\r\n(qemu) cont\r\nError: Resetting the Virtual Machine is required\r\n' +
        '(qemu) system_reset\r\n(qemu) info status\r\nVM status: paused (shutdown)\r\n(qemu) quit\r\n',
    );
    m.shutdown();
  });
});

describe('the command line as a process', () => {
  let p: CliProcess;
  beforeAll(async () => {
    p = await cliProcess();
  });
  afterAll(() => p.remove());

  it('--help exits 0 on stdout; an invalid option exits 1 with one line on stderr', () => {
    const help = p.run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.toString()).toContain('Standard options:');
    expect(help.stderr.toString()).toBe('');
    const bad = p.run(['--stat', '-bios', 'x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toBe('tcg86: --stat: invalid option (did you mean --stats?)\n');
  });
});
