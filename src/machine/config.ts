// What a command line asks the machine for, after parsing (see src/cli/args.ts).

import { defaultCpuDefinition, type CpuDefinition } from '../cpu/x86/cpu-models.js';
import type { SocketAddress, SocketOptions } from '../devices/chardev-socket.js';
import type { DimmSpec, MemdevSpec } from './memory-devices.js';

export type ChardevBackend =
  | { kind: 'stdio' }
  | { kind: 'null' }
  | { kind: 'file'; path: string }
  | { kind: 'vc' }
  | { kind: 'socket'; address: SocketAddress; opts: SocketOptions };

export interface ChardevSpec {
  id: string;
  backend: ChardevBackend;
  /** The flag that defined it (-chardev, -serial, -debugcon...), for error messages. */
  flag?: string;
  /** Monitor multiplexed on this chardev (QEMU's mon:stdio). */
  mux?: boolean;
}

export interface LogConfig {
  int: boolean;
  cpuReset: boolean;
  guestErrors: boolean;
  unimp: boolean;
  inAsm: boolean;
  /** -d out_asm: the JavaScript generated for each new block (QEMU logs host code). */
  outAsm: boolean;
  /** -d exec: a "Trace" line for each block entered (not through a chained jump, as QEMU). */
  exec: boolean;
  /** -d cpu: the registers before each block entered. */
  cpu: boolean;
  /** -d mmu: page walks, their results and faults. */
  mmu: boolean;
  /** -d nochain: blocks are not chained, so exec and cpu see every block. */
  nochain: boolean;
  /** -d page: blocks added to and dropped from the page and block tables. */
  page: boolean;
  /** -dfilter: inclusive guest address ranges the block logs are restricted to (empty: all). */
  dfilter: { lo: number; hi: number }[];
  /** --trace-smc: one line per code invalidation. */
  traceSmc: boolean;
  /** -D FILE: where the log goes (stderr when absent). */
  file: string | null;
}

export type Engine = 'tcg' | 'interp';

/** A -fw_cfg file given to the guest. */
export interface FwCfgUserFile {
  name: string;
  data: Uint8Array;
}

/** A drive from -hda/-cdrom/-fda/-drive (QEMU's DriveInfo). */
export interface DriveSpec {
  file: string;
  interface: 'ide' | 'floppy';
  /** IDE: bus * 2 + unit (0-3); floppy: unit (0-1). */
  index: number;
  media: 'disk' | 'cdrom';
  readonly: boolean;
  snapshot: boolean;
  /** The option that gave it (-hda, -drive...), for messages. */
  flag: string;
}

export interface MachineConfig {
  ramSize: number;
  /** -m maxmem: RAM plus what DIMMs may add (QEMU's maxram_size); ramSize without one. */
  maxRamSize: number;
  /** -m slots: DIMM slots (each reserves 1 GiB of alignment in device memory, as QEMU's pc). */
  ramSlots: number;
  /** Warnings from parsing the command line, printed at startup (as QEMU's warn_report). */
  warnings: string[];
  /** -object memory-backend-ram/-file: guest RAM for DIMMs or for the machine. */
  memdevs: MemdevSpec[];
  /** -machine memory-backend=ID: the backend that is the machine's RAM (null: its own pc.ram). */
  memoryBackend: string | null;
  /** -device pc-dimm: DIMMs plugged at startup, in order. */
  dimms: DimmSpec[];
  biosPath: string | null;
  kernelPath: string | null;
  /** -initrd FILE[,FILE...] for a Linux kernel (concatenated in order). */
  initrdPaths: string[];
  append: string;
  noReboot: boolean;
  /** -no-shutdown: a shutdown (with -no-reboot, a reset or triple fault) pauses the VM instead of exiting. */
  noShutdown: boolean;
  /** -rtc base=: the RTC's time at power-on in seconds since 1970 (null: 2000-01-01, reproducible). */
  rtcBase: number | null;
  /** -boot order: drive letters the firmware reads from CMOS (QEMU's default "cad"). */
  bootOrder: string;
  /** Chardevs by id (including the anonymous ones -serial/-debugcon create). */
  chardevs: Map<string, ChardevSpec>;
  /** COM1.. in order; null = none. */
  serials: (string | null)[];
  debugcons: { iobase: number; chardev: string; readback: number }[];
  debugExits: { iobase: number; iosize: number }[];
  /** -device pc-testdev (QEMU's ISA test device for kvm-unit-tests). */
  pcTestdev: boolean;
  /** The HPET at 0xfed00000 (on by default as on QEMU's pc; -no-hpet, -machine hpet=off). */
  hpet: boolean;
  /** How many -device pci-testdev. */
  pciTestdevs: number;
  /** Chardev id of the monitor, or null for none. */
  monitor: string | null;
  /** Chardev ids of the QMP monitors (-qmp, -mon mode=control), each with its own protocol state. */
  qmp: string[];
  /** -S: start with the CPU stopped (prelaunch) until the monitor's `cont`. */
  startPaused: boolean;
  /** -nographic was given (fw_cfg tells the firmware, as QEMU's FW_CFG_NOGRAPHIC). */
  nographic: boolean;
  log: LogConfig;
  engine: Engine;
  /** -cpu: the CPU model with its feature changes (its warnings go to stderr at startup). */
  cpu: CpuDefinition;
  /**
   * -smp: the vCPUs (APIC IDs 0..cpus-1, CPU 0 the BSP); maxCpus is what fw_cfg and the MADT
   * report; cores per socket and threads per core are what CPUID describes.
   */
  smp: { cpus: number; maxCpus: number; cores?: number; threads?: number };
  /** Guest nanoseconds per instruction is 2^shift (QEMU's -icount shift). */
  icountShift: number;
  stats: 'none' | 'table' | 'json';
  /** --profile FILE.html|FILE.json: where the profile goes (null: no profiling). */
  profile: string | null;
  /** -plugin [file=]FILE[,ARG=VALUE...]: modules loaded by the command line, in order. */
  plugins: { file: string; argv: string[] }[];
  /** Generated-code budget of the translator in bytes (a full flush when exceeded). */
  tbCacheBytes: number;
  /** Display adapter: QEMU's default std VGA (VGA core + Bochs VBE), or none. */
  vga: 'std' | 'none';
  /** -display: none (screendumps only) or curses (text mode in the terminal). */
  display: 'none' | 'curses';
  /** -name: the guest's name ('' for none). */
  name: string;
  /** -vnc / -display vnc=: where the VNC server listens, or null for none. */
  vnc: VncConfig | null;
  /** -incoming URI (tcp:, file:, exec: or defer): wait for a migration stream instead of booting. */
  incoming: string | null;
  /** --migrate-at-insn N URI: migrate to URI once N instructions have retired. */
  migrateAt: { insn: number; uri: string } | null;
  /** -L: firmware directories searched before the system ones. */
  dataDirs: string[];
  /** -fw_cfg name=...: files added to fw_cfg. */
  fwCfgFiles: FwCfgUserFile[];
  /** Drives (-hda, -cdrom, -fda, -drive), each at its interface's index. */
  drives: DriveSpec[];
}

/** A VNC server's listening addresses and policy (QEMU's -vnc options). */
export interface VncConfig {
  /** Address to bind; QEMU's empty host (all interfaces) means loopback here unless allowed. */
  host: string;
  /** The display number: TCP port 5900 + display. */
  display: number;
  /** A WebSocket listener for browser clients (noVNC), or null. */
  websocket: { host: string; port: number } | null;
  /** Try displays display..to until one is free (QEMU's to=). */
  to: number;
  /** Exclusive-access policy (QEMU's share=, default allow-exclusive). */
  share: 'allow-exclusive' | 'force-shared' | 'ignore';
}

export function defaultConfig(): MachineConfig {
  return {
    ramSize: 128 * 1024 * 1024,
    maxRamSize: 128 * 1024 * 1024,
    ramSlots: 0,
    warnings: [],
    memdevs: [],
    memoryBackend: null,
    dimms: [],
    biosPath: null,
    kernelPath: null,
    initrdPaths: [],
    append: '',
    noReboot: false,
    noShutdown: false,
    rtcBase: null,
    bootOrder: 'cad',
    chardevs: new Map(),
    serials: [],
    debugcons: [],
    debugExits: [],
    pcTestdev: false,
    hpet: true,
    pciTestdevs: 0,
    monitor: null,
    qmp: [],
    startPaused: false,
    nographic: false,
    log: {
      int: false, cpuReset: false, guestErrors: false, unimp: false, inAsm: false, outAsm: false,
      exec: false, cpu: false, mmu: false, nochain: false, page: false, dfilter: [], traceSmc: false, file: null,
    },
    engine: 'tcg',
    cpu: defaultCpuDefinition(),
    smp: { cpus: 1, maxCpus: 1 },
    icountShift: 3,
    stats: 'none',
    plugins: [],
    profile: null,
    tbCacheBytes: 64 * 1024 * 1024,
    vga: 'std',
    display: 'none',
    name: '',
    vnc: null,
    incoming: null,
    migrateAt: null,
    dataDirs: [],
    fwCfgFiles: [],
    drives: [],
  };
}
