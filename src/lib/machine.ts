// tcg86 as a library: a pc machine built from QEMU-style arguments or an options object, with
// its character devices captured in memory (never the process's stdio unless asked), run for a
// number of instructions or to the end, with its memory, registers and statistics at hand.

import { parseArgs } from '../cli/args.js';
import { PcMachine } from '../machine/pc.js';
import { collectStats, type RunStats } from '../machine/stats.js';
import type { MachineConfig } from '../machine/config.js';
import { Monitor } from '../monitor/monitor.js';
import { debugTranslate } from '../cpu/x86/paging-info.js';
import { MEMTX_OK } from '../memory/index.js';
import type { CharBackend } from '../devices/chardev.js';
import { CaptureCharBackend } from './capture.js';

/** A machine described as an object; each field becomes the QEMU option named beside it. */
export interface MachineOptions {
  /** -bios: a ROM image (a multiple of 64 KiB, at most 16 MiB). */
  bios?: string;
  /** -kernel and -append: a multiboot v1 kernel and its command line. */
  kernel?: string;
  append?: string;
  /** -m: RAM size ("128M", or a number of bytes). Default 128 MiB. */
  memory?: string | number;
  /** -cpu: a model with feature changes ("pentium3,+nx"). Default qemu32. */
  cpu?: string;
  /** --engine: the translator (tcg, default) or the reference interpreter. */
  engine?: 'tcg' | 'interp';
  /** -smp: the number of vCPUs (1 to 8, default 1). */
  smp?: number;
  /** -debugcon: a debug console on port 0xe9, captured (true) or not present (false, default). */
  debugcon?: boolean;
  /** -serial: COM1 captured (true) or absent (false, default). */
  serial?: boolean;
  /** -device isa-debug-exit at this port (QEMU's exit status is (value << 1) | 1). */
  debugExit?: { iobase: number; iosize?: number };
  /** -vga: std (QEMU's default) or none. */
  vga?: 'std' | 'none';
  /** -monitor: the HMP monitor on a captured chardev (send it commands with monitorInput). */
  monitor?: boolean;
  /** Any further QEMU-style arguments, appended as given. */
  args?: readonly string[];
}

export interface AttachOptions {
  /**
   * Backends for chardevs by id ('serial0', 'debugcon1', a -chardev id...). Of the others,
   * stdio and vc chardevs are captured (see Machine.serial/debugcon/monitor), files and null kept.
   */
  chardevs?: Readonly<Record<string, CharBackend>>;
  /** Let stdio chardevs use the process's stdin/stdout (default: they are captured too). */
  stdio?: boolean;
  /** The machine's own messages (halt, triple fault, loader warnings). Default: kept in `messages`. */
  onMessage?: (text: string) => void;
}

/** The QEMU-style arguments an options object stands for. */
export function argsFromOptions(o: MachineOptions): string[] {
  const a: string[] = ['-display', 'none', '-nodefaults', '-vga', o.vga ?? 'std', '-monitor', o.monitor ? 'stdio' : 'none'];
  if (o.bios !== undefined) a.push('-bios', o.bios);
  if (o.kernel !== undefined) a.push('-kernel', o.kernel);
  if (o.append !== undefined) a.push('-append', o.append);
  if (o.memory !== undefined) a.push('-m', typeof o.memory === 'number' ? `${o.memory}b` : o.memory);
  if (o.cpu !== undefined) a.push('-cpu', o.cpu);
  if (o.engine !== undefined) a.push('--engine', o.engine);
  if (o.smp !== undefined) a.push('-smp', String(o.smp));
  // vc (the display's console) is the one kind several chardevs can share that gets captured.
  a.push('-serial', o.serial ? 'vc' : 'none');
  if (o.debugcon) a.push('-debugcon', 'vc');
  if (o.debugExit) a.push('-device', `isa-debug-exit,iobase=${o.debugExit.iobase},iosize=${o.debugExit.iosize ?? 1}`);
  return [...a, ...(o.args ?? [])];
}

/** 32-bit register names in the CPU's order. */
const GPRS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
export type RegisterName = (typeof GPRS)[number] | 'eip' | 'eflags' | 'cr0' | 'cr2' | 'cr3' | 'cr4' | (typeof SEGS)[number];

export class Machine {
  /** The pc board itself: CPU, address spaces, devices (for what this class does not wrap). */
  readonly pc: PcMachine;
  /** Captured chardevs by id. */
  readonly captured = new Map<string, CaptureCharBackend>();
  /** The machine's own messages when no onMessage was given. */
  readonly messages: string[] = [];
  private readonly start = process.hrtime.bigint();

  /** A machine from qemu-system-i386 arguments (throws UsageError/MachineError with a one-line message). */
  static fromArgs(args: readonly string[], attach: AttachOptions = {}): Machine {
    return new Machine(parseArgs(args), attach);
  }

  /** A machine from an options object. */
  static create(options: MachineOptions, attach: AttachOptions = {}): Machine {
    return Machine.fromArgs(argsFromOptions(options), attach);
  }

  private constructor(config: MachineConfig, attach: AttachOptions) {
    this.pc = new PcMachine(config, {
      chardevOverride: (id, kind) => {
        const given = attach.chardevs?.[id];
        if (given) return given;
        // stdio (unless asked for) and the display's console (QEMU's default place for the
        // serial port without -nographic) are captured; files and null stay what they are.
        if (!(kind === 'vc' || (kind === 'stdio' && !attach.stdio))) return null;
        const c = new CaptureCharBackend();
        this.captured.set(id, c);
        return c;
      },
      report: attach.onMessage ?? ((text) => void this.messages.push(text)),
    });
    const mon = config.monitor;
    if (mon) new Monitor(this.pc, this.pc.chardevs.get(mon), { muxed: config.chardevs.get(mon)?.mux === true });
  }

  private capture(id: string | null | undefined, what: string): CaptureCharBackend {
    const c = id ? this.captured.get(id) : undefined;
    if (!c) throw new Error(`${what} is not captured (not configured, or given its own backend)`);
    return c;
  }
  /** COM<n+1>'s captured output. */
  serial(n = 0): CaptureCharBackend {
    return this.capture(this.pc.config.serials[n], `serial port ${n}`);
  }
  /** The n-th debug console's captured output. */
  debugcon(n = 0): CaptureCharBackend {
    return this.capture(this.pc.config.debugcons[n]?.chardev, `debugcon ${n}`);
  }
  /** The monitor's chardev: send commands with input(), read replies with text(). */
  monitor(): CaptureCharBackend {
    return this.capture(this.pc.config.monitor, 'the monitor');
  }

  /** Run until the guest exits (the exit status) or `maxInstructions` have run in all (null). */
  async run(maxInstructions = Infinity): Promise<number | null> {
    return this.pc.runUntil(maxInstructions);
  }
  /** Run `n` more instructions (fewer if the guest exits first: the status, else null). */
  async step(n: number): Promise<number | null> {
    return this.pc.runUntil(this.pc.cpu.events + n);
  }

  /** Counters of the run so far (the same as --stats=json). */
  stats(): RunStats {
    return collectStats(this.pc, Number(process.hrtime.bigint() - this.start) / 1e9);
  }

  /** Guest memory: physical by default, or linear through the guest's page tables. */
  readMemory(addr: number, length: number, opts: { virtual?: boolean } = {}): Uint8Array {
    const buf = new Uint8Array(length);
    this.pages(addr, length, opts.virtual === true, (phys, off, n) => this.pc.memory.read(phys, buf.subarray(off, off + n)));
    return buf;
  }
  writeMemory(addr: number, data: Uint8Array, opts: { virtual?: boolean } = {}): void {
    this.pages(addr, data.length, opts.virtual === true, (phys, off, n) => this.pc.memory.write(phys, data.subarray(off, off + n)));
  }
  private pages(addr: number, length: number, virtual: boolean, access: (phys: number, off: number, n: number) => number): void {
    for (let off = 0; off < length; ) {
      const a = virtual ? (addr + off) % 2 ** 32 : addr + off;
      const n = Math.min(4096 - (a % 4096), length - off);
      const phys = virtual ? debugTranslate(this.pc.cpu, a) : a;
      if (phys < 0) throw new RangeError(`linear address 0x${a.toString(16)} is not mapped`);
      if (access(phys, off, n) !== MEMTX_OK) throw new RangeError(`no memory at 0x${phys.toString(16)}`);
      off += n;
    }
  }

  /** A register's value (segment registers give their selector). */
  getRegister(name: RegisterName): number {
    const cpu = this.pc.cpu;
    const g = GPRS.indexOf(name as (typeof GPRS)[number]);
    if (g >= 0) return cpu.regs[g]! >>> 0;
    const s = SEGS.indexOf(name as (typeof SEGS)[number]);
    if (s >= 0) return cpu.segSel[s]!;
    switch (name) {
      case 'eip':
        return cpu.eip >>> 0;
      case 'eflags':
        return cpu.getEflags() >>> 0;
      case 'cr0':
        return cpu.cr0 >>> 0;
      case 'cr2':
        return cpu.cr2 >>> 0;
      case 'cr3':
        return cpu.cr3 >>> 0;
      case 'cr4':
        return cpu.cr4 >>> 0;
    }
    throw new RangeError(`unknown register '${name as string}'`);
  }
  /** Set a general register, EIP or EFLAGS (between runs). */
  setRegister(name: (typeof GPRS)[number] | 'eip' | 'eflags', value: number): void {
    const cpu = this.pc.cpu;
    const g = GPRS.indexOf(name as (typeof GPRS)[number]);
    if (g >= 0) cpu.regs[g] = value | 0;
    else if (name === 'eip') cpu.eip = value >>> 0;
    else if (name === 'eflags') cpu.setEflags(value, 0xffffffff);
    else throw new RangeError(`register '${name as string}' cannot be set`);
  }

  /** Flush and close the character backends (call when done). */
  close(): void {
    this.pc.shutdown();
  }
}
