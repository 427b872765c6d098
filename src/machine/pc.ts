// The `pc` board (QEMU's pc-i440fx): RAM below and above 4 GiB, the BIOS image at the top of
// 4 GiB with its last 128 KiB aliased below 1 MiB, the option ROM area, the i440FX/PIIX3 PCI
// bus (pci-board.ts), the legacy devices on the I/O space, and the x86 CPUs (-smp: run
// round-robin in this thread, each for a turn of instructions). It owns guest time.

import * as fs from 'node:fs';
import { AddressSpace, MemoryRegion, MemorySystem, SIZE_64BIT } from '../memory/index.js';
import { VirtualClock } from '../devices/clock.js';
import { IrqLine } from '../devices/irq.js';
import { I8259 } from '../devices/i8259.js';
import { I8254 } from '../devices/i8254.js';
import { PcSpeakerPort } from '../devices/pcspk.js';
import { Mc146818Rtc } from '../devices/mc146818rtc.js';
import { IoPort80 } from '../devices/ioport80.js';
import { IoPortF0 } from '../devices/ioportf0.js';
import { Debugcon } from '../devices/debugcon.js';
import { DebugExit } from '../devices/debug-exit.js';
import { Port92 } from '../devices/port92.js';
import { FwCfg } from '../devices/fw-cfg.js';
import { Serial16550A } from '../devices/serial-16550a.js';
import { I8042 } from '../devices/i8042.js';
import { Apic } from '../devices/apic.js';
import { ApicBus } from '../devices/apic-bus.js';
import { IOAPIC } from '../devices/ioapic.js';
import { Hpet, HPET_BASE } from '../devices/hpet.js';
import { VGACommonState } from '../devices/vga/index.js';
import { VgaDisplay } from '../devices/vga/display/vga-display.js';
import { PciBoard, PciBoardError } from './pci-board.js';
import { findFirmware, STDVGA_ROM } from './firmware.js';
import { loadMultiboot, MultibootError, type MultibootEntryState } from './multiboot.js';
import { X86CPU } from '../cpu/x86/cpu.js';
import { CPUID_APIC, FEAT_1_EDX } from '../cpu/x86/cpu-models.js';
import { x86TlbFill } from '../cpu/x86/paging.js';
import { FLUSH_A20 } from '../softmmu/tlb.js';
import { Interpreter, EXIT_HALTED } from '../cpu/x86/interp/index.js';
import { TcgEngine } from '../cpu/x86/tcg/engine.js';
import { TripleFault } from '../cpu/x86/exception.js';
import { IF_MASK } from '../cpu/x86/flags.js';
import { formatCpuState } from '../cpu/x86/cpu-dump.js';
import type { DriveSpec, MachineConfig } from './config.js';
import { ChardevError, openChardevs, type Chardevs } from './chardevs.js';
import type { CharBackend } from '../devices/chardev.js';
import { pcCmosInit } from './cmos.js';
import { FwCfgFileError, pcFwCfgFiles } from './fw-cfg-files.js';
import { hasLinuxHeader, LinuxBootError, loadLinux, type LinuxLoad } from './linux-boot.js';
import { linuxbootRom } from './linuxboot-rom.js';
import { MachineLog } from './log.js';
import { CLOCK_VMSTATE } from '../devices/clock.js';
import { MigrationManager } from '../migration/migration.js';
import { startIncoming } from '../migration/incoming.js';
import { MigrationError } from '../migration/bytes.js';
import { MACHINE_VMSTATE } from './machine-vmstate.js';
import { PcTestdev } from '../devices/pc-testdev.js';
import { PCITestDevState } from '../devices/pci/pci-testdev.js';
import { PCI_TESTDEV_VMSTATE } from '../devices/pci/pci-vmstate.js';
import { BlockBackend, BlockError } from '../block/block-backend.js';
import type { IdeDriveSpec } from '../devices/pci/piix-ide.js';
import { pcCmosInitDisks, pcCmosInitFloppy } from './cmos.js';
import { I8257, I8257_VMSTATE } from '../devices/i8257.js';
import { Fdc, FloppyDrive, floppyFormat, FLOPPY_FORMATS } from '../devices/fdc.js';
import { MachineEvents, type ShutdownCause } from './machine-events.js';
import { deviceMemoryRange } from './device-memory.js';
import { makeBackend, MemoryDeviceError, MemoryDevices, type Memdev } from './memory-devices.js';

/** Low RAM ends here when the guest has 3.5 GiB or more (QEMU's gigabyte-aligned split). */
const LOWMEM_SPLIT = 0xc0000000;
const PC_ROM_BASE = 0xc0000;
const PC_ROM_SIZE = 0x20000;
/** Where QEMU's pc puts the std VGA (the owner part of its RAM block's name). */
const VGA_PCI_ADDR = '0000:00:02.0';
/** The most RAM one JS typed array can back (the ram_addr space also holds ROMs). */
const MAX_RAM = 4 * 1024 ** 3 - 64 * 1024 ** 2;
/** Instructions run between checks for timers and host events. */
const SLICE = 200_000;
/**
 * -smp: events (instructions and deliveries) a vCPU runs before the next one gets its turn
 * (QEMU's round-robin TCG gives each CPU its icount budget in turn). A turn also ends when the
 * CPU halts, executes PAUSE, or sends an interrupt to another CPU (QEMU kicks the running
 * vCPU), all at guest-defined points, so the interleaving is the same on every run.
 */
const RR_TURN = 10_000;
/**
 * Host time after which a slice ends early, and after which the machine yields to the event
 * loop (the monitor, QMP and signals are served then), however slowly the guest runs (rep
 * string copies, TLB thrashing). Where engine.run returns is never visible to the guest:
 * timers still stop slices at their exact instruction count.
 */
const SLICE_HOST_MS = 10;
const YIELD_HOST_MS = 20;

export class MachineError extends Error {}

/** QEMU's run states as `info status` reports them. */
export type RunState = 'prelaunch' | 'running' | 'paused' | 'shutdown' | 'inmigrate' | 'finish-migrate' | 'postmigrate';

export interface MachineHooks {
  /** Use this backend instead of opening the configured one (tests capture stdio this way). */
  chardevOverride?: (id: string, kind: string) => CharBackend | null;
  /** Where the machine's own reports go (halt, triple fault, loader warnings); stderr by default. */
  report?: (text: string) => void;
}

export class PcMachine {
  readonly sys = new MemorySystem();
  readonly systemMemory: MemoryRegion;
  readonly ioRoot: MemoryRegion;
  readonly memory: AddressSpace;
  readonly io: AddressSpace;
  readonly clock = new VirtualClock();
  /** The boot processor (CPU 0). */
  readonly cpu: X86CPU;
  /** Every vCPU (-smp N), by CPU index; cpus[0] is `cpu`. */
  readonly cpus: X86CPU[] = [];
  /** Their local APICs, by CPU index (empty on a model without one). */
  readonly apics: Apic[] = [];
  /** The vCPU the monitor's `cpu N` selected: `info registers`, `x`, `info tlb` use it. */
  monitorCpuIndex = 0;
  readonly pic: I8259;
  readonly pit: I8254;
  readonly rtc: Mc146818Rtc;
  readonly port92: Port92;
  readonly fwCfg: FwCfg;
  /** The 16550A UARTs (COM1 first), reset with the machine. */
  private readonly serialPorts: Serial16550A[] = [];
  readonly i8042: I8042;
  /** The ISA DMA controllers (8-bit channels 0-3, 16-bit 4-7) and the floppy controller. */
  readonly isaDma: [I8257, I8257];
  readonly fdc: Fdc;
  /** The I/O APIC at 0xfec00000 (QEMU's pc always has one). */
  readonly ioapic: IOAPIC;
  /** The HPET at 0xfed00000 (null with -no-hpet or -machine hpet=off). */
  readonly hpet: Hpet | null;
  /** The interrupt lines devices drive: ISA IRQs reach the 8259 and the I/O APIC (QEMU's gsi). */
  readonly gsi: IrqLine[];
  /** The local APIC; null on a CPU model without one (486), where the 8259 drives INTR. */
  readonly apic: Apic | null;
  /** The std VGA (absent with -vga none or -nodefaults). */
  readonly vga: VGACommonState | null = null;
  /** Its display refresh (screendump, info display). */
  readonly display: VgaDisplay | null = null;
  /** The PCI memory space: under RAM, routed to below 1 MiB by the chipset windows. */
  private pci: MemoryRegion | null = null;
  private ram: MemoryRegion | null = null;
  /** The hotplug area above RAM (-m maxmem > size), QEMU's machine->device_memory. */
  deviceMemory: MemoryRegion | null = null;
  /** Memory backends and the DIMMs plugged into device memory. */
  readonly memoryDevices: MemoryDevices;
  /** The i440FX host bridge, PIIX3 functions and PCI VGA. */
  readonly pciBoard: PciBoard;
  private kernelImage: Uint8Array | null = null;
  /** -kernel is a Linux kernel, booted by SeaBIOS through the linuxboot option ROM. */
  private linuxKernel = false;
  readonly chardevs: Chardevs;
  readonly log: MachineLog;
  /** Called after every slice the CPU ran (--profile samples its counters here). */
  onSlice: (() => void) | null = null;
  /** Longest slice in instructions (--profile keeps slices within its window; where a slice ends is invisible to the guest). */
  sliceLimit = Infinity;
  /** The engine that runs guest code: the translator (tcg) or the reference interpreter (CPU 0's). */
  readonly engine: Interpreter | TcgEngine;
  /** One engine per vCPU (translators share one block cache). */
  readonly engines: (Interpreter | TcgEngine)[] = [];
  /** -smp: the vCPU whose turn it is, its engine, and the events left in its turn. */
  private curCpu: X86CPU;
  private curEngine: Interpreter | TcgEngine;
  private rrLeft = 0;
  private curIndex = 0;
  /** -smp: vCPUs that found themselves halted in a row (all of them: the machine idles). */
  private haltedInRow = 0;
  /** -smp: INITs received, taken at the next turn boundary (QEMU's CPU_INTERRUPT_INIT). */
  private readonly pendingInit: boolean[] = [];
  /** -smp: the APICs' bus (null with one CPU). */
  private apicBus: ApicBus<Apic> | null = null;
  readonly below4g: number;
  readonly above4g: number;
  private biosImage: Uint8Array | null = null;
  private bios: MemoryRegion | null = null;
  /** Guest time at which the running slice's budget ends (-Infinity between slices). */
  private sliceEndNs = -Infinity;
  private exitStatus: number | null = null;
  private resetPending = false;
  /** Why the pending reset was requested (the RESET/SHUTDOWN events report it). */
  private resetCause: ShutdownCause = 'guest-reset';
  /** Run-state changes, resets, shutdowns and migration progress, for QMP's events. */
  readonly events = new MachineEvents();
  /** -S starts in prelaunch; the monitor's stop/cont move between paused and running. */
  runState: RunState;
  /**
   * Whether something on the host (a monitor whose input has not ended) can still act when
   * the guest cannot: then a guest halted for good waits instead of ending the run.
   */
  hostCanAct: (() => boolean) | null = null;
  /** `info vnc`: set by a VNC server (src/ui) while it runs. */
  vncInfo: (() => string) | null = null;
  /** Slices between two looks at host events (a terminal display wants its keys sooner). */
  hostPollSlices = 64;
  /** The machine's own reports (hooks.report, else stderr). */
  private readonly report: (text: string) => void;
  /** Wakes the run loop while it waits for the host (stopped, or halted for good). */
  private wakeHost: (() => void) | null = null;
  /** Outgoing live migration, run between guest slices. */
  readonly migration: MigrationManager;
  /** --migrate-at-insn: start a migration to `uri` once the guest has retired `insn` instructions. */
  migrateAt: { insn: number; uri: string } | null = null;
  /** An incoming migration was started (-incoming URI, or migrate_incoming after defer). */
  incomingStarted = false;
  /** Auto-converge throttling: slices still owed to the migration. */
  private throttleCredit = 0;
  /** The open disk images, one per -drive/-hda/-cdrom/-fda (in command-line order). */
  readonly blockDevices: { spec: DriveSpec; blk: BlockBackend }[] = [];

  constructor(
    readonly config: MachineConfig,
    hooks: MachineHooks = {},
  ) {
    if (config.ramSize > MAX_RAM) {
      throw new MachineError(`-m: ${config.ramSize} bytes is more RAM than tcg86 can back (at most ${MAX_RAM / 1024 ** 2} MiB)`);
    }
    const sys = this.sys;
    this.report = hooks.report ?? ((text) => void process.stderr.write(text));
    // Images first: a bad one stops everything before any device or chardev exists.
    this.openDrives(config.drives);
    this.log = new MachineLog(config.log);
    if (config.log.guestErrors) sys.guestErrorLog = (msg) => this.log.write(msg + '\n');
    this.systemMemory = MemoryRegion.container(sys, null, 'system', SIZE_64BIT);
    this.ioRoot = MemoryRegion.container(sys, null, 'io', 0x10000);
    this.memory = sys.newAddressSpace(this.systemMemory, 'memory');
    this.io = sys.newAddressSpace(this.ioRoot, 'I/O');
    // QEMU 7.2: unassigned memory reads as 0, unassigned ports as all-ones (roms/src/unassigned.asm).
    this.memory.unassignedByte = 0x00;
    this.io.unassignedByte = 0xff;

    this.below4g = config.ramSize >= 0xe0000000 ? LOWMEM_SPLIT : config.ramSize;
    this.above4g = config.ramSize - this.below4g;
    try {
      this.chardevs = openChardevs(config, hooks.chardevOverride);
    } catch (e) {
      if (e instanceof ChardevError) throw new MachineError(e.message);
      throw e;
    }

    // RAM, the BIOS image (up to 16 MiB), the option ROM area and vga.vram, 64-page aligned.
    const vramBytes = config.vga === 'std' ? 16 * 1024 * 1024 : 0;
    const memdevBytes = config.memdevs.reduce((n, m) => n + Math.ceil(m.size / 0x40000) * 0x40000, 0);
    sys.ramList.reserve(Math.ceil(config.ramSize / 0x40000) * 0x40000 + 18 * 1024 * 1024 + vramBytes + memdevBytes);
    let machineBackend: Memdev | null = null;
    sys.transaction(() => {
      machineBackend = this.mapRam();
      this.mapFirmware();
    });
    // -object memory-backend-ram and -device pc-dimm: backends first, then the DIMMs in order.
    this.memoryDevices = new MemoryDevices(
      sys,
      this.deviceMemory,
      deviceMemoryRange(config, this.above4g),
      config.ramSlots,
      config.maxRamSize - config.ramSize,
    );
    try {
      for (const m of config.memdevs) {
        if (m.id === config.memoryBackend) this.memoryDevices.adoptMachineBackend(machineBackend!);
        else this.memoryDevices.addBackend(m);
      }
    } catch (e) {
      if (e instanceof MemoryDeviceError) throw new MachineError(e.message);
      throw e;
    }
    for (const d of config.dimms) {
      try {
        this.memoryDevices.plug(d);
      } catch (e) {
        if (e instanceof MemoryDeviceError) throw new MachineError(`-device ${d.text}: ${e.message}`);
        throw e;
      }
    }
    // QEMU's -vga std: the legacy window lives in the PCI memory space and the ports in the
    // I/O space; the BARs (pci-board.ts) map when the firmware programs them.
    if (config.vga === 'std') {
      this.vga = new VGACommonState(sys, { owner: VGA_PCI_ADDR });
      this.vga.map(this.pci!, this.ioRoot);
      this.display = new VgaDisplay(this.vga, this.clock);
    }

    const ncpus = config.smp.cpus;
    for (let i = 0; i < ncpus; i++) {
      const c = new X86CPU(sys, this.memory, this.io, config.cpu);
      c.cpuIndex = i;
      c.topoCores = config.smp.cores ?? 1;
      c.topoThreads = config.smp.threads ?? 1;
      c.mmu.fill = (vaddr, access, mmuIdx) => x86TlbFill(c, vaddr, access, mmuIdx);
      c.log = this.log.cpuLog();
      c.tscShift = config.icountShift;
      // PAUSE in a spin loop ends the turn (QEMU's helper_pause lets another CPU run).
      if (ncpus > 1) c.onPause = () => this.endTurn();
      this.cpus.push(c);
      this.pendingInit.push(false);
    }
    this.cpu = this.cpus[0]!;
    const cpu = this.cpu;
    if (config.engine === 'tcg') {
      const first = new TcgEngine(cpu, config.tbCacheBytes);
      this.engines.push(first);
      for (let i = 1; i < ncpus; i++) this.engines.push(new TcgEngine(this.cpus[i]!, config.tbCacheBytes, first.cache));
    } else {
      for (let i = 0; i < ncpus; i++) this.engines.push(new Interpreter());
    }
    this.engine = this.engines[0]!;
    this.curCpu = cpu;
    this.curEngine = this.engine;
    // As QEMU's icount clock: a device reads the time of the instruction accessing it, and a
    // timer armed to expire before the running slice ends stops the slice after that
    // instruction (QEMU kicks the vCPU), so the budget is recomputed from the new deadline.
    // With -smp the clock counts the events of every vCPU (QEMU's shared qemu_icount).
    if (ncpus === 1) this.clock.setSource(() => (cpu.events + cpu.tbInsn) * this.nsPerInsn + cpu.idleNs);
    else {
      this.clock.setSource(() => {
        const c = this.curCpu;
        return (c.otherEvents + c.events + c.tbInsn) * this.nsPerInsn + c.idleNs;
      });
    }
    this.clock.onEarliestChanged = (ns) => {
      if (ns >= this.sliceEndNs) return;
      this.curEngine.exitRequest = true;
      this.curCpu.tbExit = 1;
    };

    // The 8259's INTR reaches the CPU through the local APIC's LINT0 (ExtINT), as on QEMU's pc.
    this.pic = new I8259(sys);
    this.ioapic = new IOAPIC(sys, this.clock, this.memory, (msg) => {
      if (config.log.unimp) this.log.write(msg + '\n');
    });
    const ioapic = this.ioapic;
    this.gsi = Array.from({ length: 24 }, (_, n) => {
      const isa = n < 16 ? this.pic.irqs[n]! : null;
      return new IrqLine((level) => {
        isa?.set(level);
        ioapic.setIrq(n, level);
      });
    });
    sys.transaction(() => ioapic.map(this.systemMemory));
    // FERR# is ISA IRQ 13, as QEMU's pc wires it.
    for (const c of this.cpus) c.x87.ferr = (level) => this.gsi[13]!.set(level);
    if (cpu.features[FEAT_1_EDX]! & CPUID_APIC) {
      // -smp: the APICs share a bus (IPIs, MSIs) and one register page showing the running CPU's.
      const bus = ncpus > 1 ? new ApicBus<Apic>() : undefined;
      this.apicBus = bus ?? null;
      this.cpus.forEach((c, i) => {
        const apic = new Apic(sys, this.clock, {
          pic: this.pic,
          intr: (level) => (c.interruptRequest = level),
          nmi: () => (c.nmiPending = true),
          eoiBroadcast: (vector) => ioapic.eoiBroadcast(vector),
          unimp: (msg) => {
            if (config.log.unimp) this.log.write(msg + '\n');
          },
          id: i,
          bsp: i === 0,
          bus,
          init: bus ? () => this.receiveInit(i) : undefined,
          sipi: bus ? (vector) => c.startup(vector) : undefined,
        });
        bus?.add(apic);
        this.apics.push(apic);
        c.pic = apic;
        c.onApicBaseWrite = (value) => {
          apic.setApicBase(value);
          c.apicBase = apic.apicBase;
        };
      });
      // An interrupt for another vCPU ends the running one's turn (QEMU's rr kick).
      if (bus) bus.onDelivered = (target) => target !== bus.current && this.endTurn();
      const apic = this.apics[0]!;
      this.apic = apic;
      // The 8259's INTR reaches every LINT0 (each APIC's LVT decides), as QEMU's pic_irq_request.
      const apics = this.apics;
      this.pic.intr = ncpus === 1 ? new IrqLine((level) => apic.setExtIntLine(level)) : new IrqLine((level) => {
        for (const a of apics) a.setExtIntLine(level);
      });
      sys.transaction(() => apic.map(this.systemMemory));
    } else {
      if (ncpus > 1) throw new MachineError(`-smp ${ncpus}: the CPU model has no local APIC, so its processors cannot be started (use a model with one, e.g. -cpu qemu32)`);
      // A model without an APIC (QEMU's pc creates none): the 8259 drives INTR itself, and
      // IA32_APIC_BASE reads as the BSP bit alone and ignores writes.
      this.apic = null;
      this.pic.intr = new IrqLine((level) => (cpu.interruptRequest = level));
      cpu.pic = this.pic;
      cpu.apicBase = 0x100;
      cpu.onApicBaseWrite = () => {};
    }
    this.pciBoard = this.makePciBoard();
    // As QEMU's pc: with an HPET, the PIT's and the RTC's interrupts pass through it, which
    // takes IRQ0 and IRQ8 over in legacy-replacement mode and then turns the PIT's off.
    this.hpet = config.hpet ? new Hpet(sys, this.clock, { gsi: this.gsi, memory: this.memory, pitEnabled: (on) => this.pit?.setIrqEnabled(on) }) : null;
    this.pit = new I8254(sys, this.clock, this.hpet?.pitIrq ?? this.gsi[0]!);

    this.rtc = new Mc146818Rtc(sys, this.clock, this.hpet?.rtcIrq ?? this.gsi[8]!, { baseTime: config.rtcBase ?? undefined });
    pcCmosInit(this.rtc, this.below4g, this.above4g, config.bootOrder, config.smp.cpus);
    pcCmosInitDisks(this.rtc, this.pciBoard.ide.drives);
    // As in QEMU, port 0x92 and the 8042 output port each drive the CPU's A20 line directly
    // (the last one written wins).
    const linux = this.prepareLinux();
    let fwFiles;
    try {
      fwFiles = pcFwCfgFiles(
        config,
        this.below4g,
        this.above4g,
        linux ? [{ name: 'genroms/linuxboot_dma.bin', data: linuxbootRom }] : [],
        this.hpet?.blockId ?? null,
        // SMBIOS type 4's processor ID: CPUID leaf 1 EAX and EDX of the boot CPU.
        { eax: cpu.def.version, edx: cpu.features[FEAT_1_EDX]! },
      );
    } catch (e) {
      if (e instanceof FwCfgFileError) throw new MachineError(e.message);
      throw e;
    }
    this.fwCfg = new FwCfg(sys, this.memory, {
      ramSize: config.ramSize,
      nographic: config.nographic,
      cpus: config.smp.cpus,
      maxCpus: config.smp.maxCpus,
      files: fwFiles,
      items: linux?.items,
      hpet: this.hpet ? { blockId: this.hpet.blockId, address: HPET_BASE } : null,
    });
    this.port92 = new Port92(sys, new IrqLine((level) => this.setA20(level)), () => this.requestReset());
    this.i8042 = new I8042(sys, {
      irqKbd: this.gsi[1]!,
      irqMouse: this.gsi[12]!,
      a20: new IrqLine((level) => this.setA20(level)),
      resetRequest: () => this.requestReset(),
      log: config.log.unimp ? (msg) => this.log.write(msg + '\n') : undefined,
    });
    this.isaDma = [new I8257(sys, this.memory, 0, 0x00, 0x80), new I8257(sys, this.memory, 1, 0xc0, 0x88)];
    for (const d of this.isaDma) sys.vmstate.register(I8257_VMSTATE, d);
    this.fdc = new Fdc(sys, this.clock, this.gsi[6]!, this.isaDma[0], this.floppyDrives());
    pcCmosInitFloppy(this.rtc, this.fdc.drives);
    sys.transaction(() => {
      this.hpet?.map(this.systemMemory);
      for (const d of this.isaDma) d.map(this.ioRoot);
      this.fdc.map(this.ioRoot);
      this.pic.map(this.ioRoot);
      this.pit.map(this.ioRoot);
      new PcSpeakerPort(sys, this.pit).map(this.ioRoot);
      this.rtc.map(this.ioRoot);
      this.port92.map(this.ioRoot);
      this.i8042.map(this.ioRoot);
      new IoPort80(sys).map(this.ioRoot);
      // FERR# drives IRQ 13; a write to port F0 asserts IGNNE# and drops it (QEMU's pc board).
      new IoPortF0(sys, () => {
        cpu.x87.ignne = true;
        this.pic.irqs[13]!.lower();
      }).map(this.ioRoot);
      this.fwCfg.map(this.ioRoot);
      // COM1-COM4 at QEMU's ISA ports and IRQs.
      const com = [
        [0x3f8, 4],
        [0x2f8, 3],
        [0x3e8, 4],
        [0x2e8, 3],
      ] as const;
      config.serials.forEach((id, n) => {
        if (id === null) return;
        if (n >= com.length) throw new MachineError(`-serial: at most ${com.length} serial ports`);
        const [iobase, irq] = com[n]!;
        const uart = new Serial16550A(sys, this.clock, this.chardevs.get(id), this.gsi[irq]!, { iobase });
        uart.map(this.ioRoot);
        this.serialPorts.push(uart);
      });
      // Before debugcon: its 0xe9 lies inside pc-testdev's 0xe8-0xeb, and the device added
      // last is on top, as in QEMU (which creates -debugcon's device after -device's).
      if (config.pcTestdev) new PcTestdev(sys, this.gsi).map(this.ioRoot, this.systemMemory);
      for (const d of config.debugcons) {
        new Debugcon(sys, this.chardevs.get(d.chardev), { iobase: d.iobase, readback: d.readback }).map(this.ioRoot);
      }
      for (const d of config.debugExits) {
        new DebugExit(sys, (status) => this.requestExit(status), d).map(this.ioRoot);
      }
      for (let i = 0; i < config.pciTestdevs; i++) {
        const devfn = this.pciBoard.bus.freeDevfn();
        if (devfn < 0) throw new MachineError('-device pci-testdev: no free PCI slot');
        sys.vmstate.register(PCI_TESTDEV_VMSTATE, new PCITestDevState(sys, this.pciBoard.bus, devfn));
      }
    });
    this.runState = config.startPaused ? 'prelaunch' : 'running';
    // Guest time and the machine's own state travel after every device section.
    sys.vmstate.register(MACHINE_VMSTATE, this);
    sys.vmstate.register(CLOCK_VMSTATE, this.clock);
    let stateBeforeStop: RunState = 'running';
    this.migration = new MigrationManager(sys, {
      stop: () => {
        stateBeforeStop = this.runState;
        this.runState = 'finish-migrate';
        if (stateBeforeStop === 'running') this.events.emit({ event: 'STOP' });
        // File backends (share=on) hold the guest's pages as of the switch-over.
        this.memoryDevices.syncBackends();
      },
      resume: () => {
        this.runState = stateBeforeStop;
        if (stateBeforeStop === 'running') this.events.emit({ event: 'RESUME' });
        this.kickHost();
      },
      completed: () => {
        this.runState = 'postmigrate';
        // As QEMU's source: the guest now lives on the destination; without a monitor to
        // inspect it, this process is done.
        if (this.hostCanAct === null) this.requestExit(0);
        else this.kickHost();
      },
      report: (line) => {
        this.chardevs.flushAll();
        process.stderr.write(`tcg86: ${line}\n`);
      },
      // QEMU sends these only with the `events` migration capability on.
      statusChanged: (status) => {
        // 'device' is reported only with pause-before-switchover, which tcg86 lacks.
        if (this.migration.caps.events && status !== 'device') this.events.emit({ event: 'MIGRATION', status });
      },
      passDone: (pass) => {
        if (this.migration.caps.events) this.events.emit({ event: 'MIGRATION_PASS', pass });
      },
    });
    this.chardevs.startMuxes(() => this.requestExit(0));
    this.reset();
  }

  private makePciBoard(): PciBoard {
    const config = this.config;
    try {
      return new PciBoard(this.sys, {
        system: this.systemMemory,
        ram: this.ram!,
        pci: this.pci!,
        ioRoot: this.ioRoot,
        dma: this.memory,
        ideDrives: this.ideDriveSpecs(),
        clock: this.clock,
        pic: this.gsi,
        ramSize: config.ramSize,
        vga: this.vga,
        vgaRom: config.vga === 'std' ? findFirmware(STDVGA_ROM, config.dataDirs) : null,
        serials: { com1: config.serials[0] != null, com2: config.serials[1] != null },
        resetRequest: () => this.requestReset(),
        shutdown: () => {
          this.events.emit({ event: 'SHUTDOWN', cause: 'guest-shutdown' });
          this.requestExit(0);
        },
        unimp: (msg) => {
          if (config.log.unimp) this.log.write(msg + '\n');
        },
      });
    } catch (e) {
      if (e instanceof PciBoardError) throw new MachineError(e.message);
      throw e;
    }
  }

  private openDrives(drives: readonly DriveSpec[]): void {
    try {
      for (const spec of drives) {
        const blk = BlockBackend.open(spec.file, {
          flag: spec.flag,
          readonly: spec.readonly,
          snapshot: spec.snapshot,
          requireSectors: spec.media === 'disk',
        });
        this.blockDevices.push({ spec, blk });
        if (blk.hostReadonly) this.report(`tcg86: ${spec.flag} ${spec.file}: the file is not writable; guest writes will fail with an I/O error\n`);
      }
    } catch (e) {
      this.closeDrives();
      if (e instanceof BlockError) throw new MachineError(e.message);
      throw e;
    }
    const floppy = this.blockDevices.find((d) => d.spec.interface === 'floppy' && !floppyFormat(d.blk.size));
    if (floppy) {
      this.closeDrives();
      const known = FLOPPY_FORMATS.map((f) => `${f.name} (${f.sectors * 512} bytes)`).join(', ');
      throw new MachineError(`${floppy.spec.flag} ${floppy.spec.file}: ${floppy.blk.size} bytes is not a floppy format tcg86 knows (${known})`);
    }
  }

  /** The two floppy drives: an image or none. */
  private floppyDrives(): [FloppyDrive, FloppyDrive] {
    const drive = (unit: number) => {
      const d = this.blockDevices.find((b) => b.spec.interface === 'floppy' && b.spec.index === unit);
      return new FloppyDrive(d?.blk ?? null, d ? floppyFormat(d.blk.size) : null);
    };
    return [drive(0), drive(1)];
  }

  /** The IDE slots: bus * 2 + unit. */
  private ideDriveSpecs(): (IdeDriveSpec | null)[] {
    const slots: (IdeDriveSpec | null)[] = [null, null, null, null];
    for (const d of this.blockDevices) {
      if (d.spec.interface !== 'ide') continue;
      slots[d.spec.index] = { blk: d.blk, kind: d.spec.media === 'cdrom' ? 'cd' : 'hd' };
    }
    return slots;
  }

  /** Make every written sector durable (monitor quit, exit). */
  flushDisks(): void {
    for (const d of this.blockDevices) d.blk.flush();
  }

  private closeDrives(): void {
    for (const d of this.blockDevices) d.blk.close();
  }

  /** Guest RAM and device memory; returns the backend of -machine memory-backend, if any. */
  private mapRam(): Memdev | null {
    const sys = this.sys;
    const spec = this.config.memdevs.find((m) => m.id === this.config.memoryBackend);
    let backend: Memdev | null = null;
    if (spec) {
      try {
        backend = makeBackend(sys, spec, (line) => process.stderr.write(`tcg86: ${line}\n`));
      } catch (e) {
        if (e instanceof MemoryDeviceError) throw new MachineError(e.message);
        throw e;
      }
    }
    const ram = backend?.region ?? MemoryRegion.ram(sys, null, 'pc.ram', this.config.ramSize);
    // Fresh zeroed RAM: migration need not read a page the guest never wrote.
    if (!backend) sys.ramList.markUntouched(ram.ramBlock!);
    this.ram = ram;
    this.systemMemory.addSubregion(0, MemoryRegion.alias(sys, null, 'ram-below-4g', ram, 0, this.below4g));
    if (this.above4g > 0) {
      this.systemMemory.addSubregion(2 ** 32, MemoryRegion.alias(sys, null, 'ram-above-4g', ram, this.below4g, this.above4g));
    }
    // -m maxmem: QEMU's device-memory container, empty until DIMMs are plugged into it.
    const dm = deviceMemoryRange(this.config, this.above4g);
    if (dm) {
      this.deviceMemory = MemoryRegion.container(sys, null, 'device-memory', dm.size);
      this.systemMemory.addSubregion(dm.base, this.deviceMemory);
    }
    return backend;
  }

  private mapFirmware(): void {
    const sys = this.sys;
    const path = this.config.biosPath;
    const pci = MemoryRegion.container(sys, null, 'pci', SIZE_64BIT);
    this.pci = pci;
    this.systemMemory.addSubregionOverlap(0, pci, -1);
    // No firmware (-kernel alone): the chipset windows route to a PCI space without a BIOS.
    if (!path) return;
    let image: Uint8Array;
    try {
      image = new Uint8Array(fs.readFileSync(path));
    } catch (e) {
      throw new MachineError(`-bios ${path}: cannot read the ROM image (${(e as Error).message})`);
    }
    if (image.length === 0 || image.length % 65536 !== 0 || image.length > 16 * 1024 * 1024) {
      throw new MachineError(
        `-bios ${path}: the ROM image is ${image.length} bytes; expected a positive multiple of 65536 (64 KiB), at most 16 MiB`,
      );
    }
    this.biosImage = image;
    const bios = MemoryRegion.rom(sys, null, 'pc.bios', image.length);
    this.bios = bios;
    pci.addSubregion(2 ** 32 - image.length, bios);
    const isaSize = Math.min(image.length, 128 * 1024);
    const isaBios = MemoryRegion.alias(sys, null, 'isa-bios', bios, image.length - isaSize, isaSize);
    isaBios.setReadonly(true);
    pci.addSubregionOverlap(0x100000 - isaSize, isaBios, 1);
    pci.addSubregionOverlap(PC_ROM_BASE, MemoryRegion.rom(sys, null, 'pc.rom', PC_ROM_SIZE), 1);
  }

  /** Power-on / system reset: ROM contents restored, CPUs and devices reset. */
  reset(): void {
    if (this.bios && this.biosImage) this.bios.ramBlock!.host.set(this.biosImage);
    this.cpus.forEach((c, i) => {
      c.reset();
      c.a20Mask = -1;
      const apic = this.apics[i];
      apic?.reset();
      if (apic) c.apicBase = apic.apicBase;
      // Application processors wait for INIT/SIPI (QEMU: halted = !bsp, wait_for_sipi).
      if (i > 0) c.halted = c.waitForSipi = true;
      this.pendingInit[i] = false;
    });
    this.scheduleCpu(0);
    this.rrLeft = 0;
    this.haltedInRow = 0;
    this.ioapic?.reset();
    this.port92?.reset();
    this.fwCfg?.reset();
    this.pit?.reset();
    this.hpet?.reset();
    this.rtc?.reset();
    for (const uart of this.serialPorts) uart.reset();
    this.i8042?.reset();
    for (const d of this.isaDma ?? []) d.reset();
    this.fdc?.powerOnReset();
    this.pic?.reset();
    this.vga?.reset();
    this.display?.reset();
    this.pciBoard?.reset();
    if (this.config.kernelPath && !this.linuxKernel) this.bootMultiboot(this.config.kernelPath);
    if (this.config.log.cpuReset) {
      this.cpus.forEach((c, i) => this.log.write(`CPU Reset (CPU ${i})\n` + formatCpuState(c)));
    }
  }

  /** The vCPU the monitor works on (`cpu N`). */
  get monitorCpu(): X86CPU {
    return this.cpus[this.monitorCpuIndex] ?? this.cpu;
  }

  /**
   * -smp: give vCPU i the turn. Guest time counts every CPU's events, so the others' are
   * handed to it; the APIC page shows its APIC.
   */
  private scheduleCpu(i: number): void {
    const c = this.cpus[i]!;
    this.curIndex = i;
    let other = 0;
    for (const o of this.cpus) if (o !== c) other += o.events;
    c.otherEvents = other;
    this.curCpu = c;
    this.curEngine = this.engines[i] ?? this.engine;
    if (this.apicBus) this.apicBus.current = this.apics[i]!;
  }

  /** After a migration load: the vCPU whose turn it was goes on (its peers' counts are new). */
  resumeTurn(): void {
    this.scheduleCpu(Math.min(this.curIndex, this.cpus.length - 1));
  }

  /** -smp: whether every vCPU but `cur` waits for SIPI or is halted with nothing to wake it. */
  private othersAsleep(cur: X86CPU): boolean {
    for (const c of this.cpus) {
      if (c === cur || c.waitForSipi) continue;
      if (!c.halted || (c.nmiPending && !c.nmiBlocked) || (c.interruptRequest && (c.eflags & IF_MASK) !== 0)) return false;
    }
    return true;
  }

  /** -smp: the running vCPU's turn ends after its current instruction. */
  private endTurn(): void {
    this.rrLeft = 0;
    this.curEngine.exitRequest = true;
  }

  /**
   * An INIT IPI for vCPU i: taken at the next turn boundary, as QEMU takes CPU_INTERRUPT_INIT
   * between instructions (the sender may be the target, in the middle of its ICR write).
   */
  private receiveInit(i: number): void {
    this.pendingInit[i] = true;
    this.endTurn();
  }

  /**
   * QEMU's do_cpu_init: the CPU is reset, keeping IA32_APIC_BASE and the A20 mask; its APIC
   * returns to the INIT state; an application processor then waits for a start-up IPI, the
   * boot processor starts at the reset vector.
   */
  private takeInit(i: number): void {
    this.pendingInit[i] = false;
    const c = this.cpus[i]!;
    const apicBase = c.apicBase;
    const a20 = c.a20Mask;
    c.reset();
    c.apicBase = apicBase;
    c.a20Mask = a20;
    this.apics[i]?.initReset();
    if (i > 0) c.halted = c.waitForSipi = true;
    if (this.config.log.cpuReset) this.log.write(`CPU Reset (CPU ${i})\n` + formatCpuState(c));
  }

  /** Read the -kernel file once (a directory or an unreadable file is refused by name). */
  private readKernel(path: string): Uint8Array {
    if (!this.kernelImage) {
      try {
        this.kernelImage = new Uint8Array(fs.readFileSync(path));
      } catch (e) {
        throw new MachineError(`-kernel ${path}: cannot read the kernel (${(e as Error).message})`);
      }
    }
    return this.kernelImage;
  }

  /**
   * -kernel of a Linux kernel: check it and the -initrd files and lay them out as QEMU's
   * x86_load_linux; SeaBIOS then runs the linuxboot option ROM, which reads the pieces over
   * fw_cfg at every boot. Null for a multiboot kernel (entered directly at each reset).
   */
  private prepareLinux(): LinuxLoad | null {
    const { kernelPath, initrdPaths } = this.config;
    if (!kernelPath) {
      if (initrdPaths.length) throw new MachineError('-initrd: only a Linux kernel (-kernel bzImage) takes an initrd');
      return null;
    }
    const kernel = this.readKernel(kernelPath);
    if (!hasLinuxHeader(kernel)) {
      if (initrdPaths.length) throw new MachineError(`-initrd: ${kernelPath} is a multiboot kernel; tcg86 gives multiboot kernels no modules`);
      return null;
    }
    if (!this.config.biosPath) throw new MachineError(`-kernel ${kernelPath}: a Linux kernel boots through a BIOS, and there is none (install seabios or give -bios)`);
    const initrds = initrdPaths.map((path) => {
      try {
        return { path, data: new Uint8Array(fs.readFileSync(path)) };
      } catch (e) {
        throw new MachineError(`-initrd ${path}: cannot read it (${(e as Error).message})`);
      }
    });
    try {
      const load = loadLinux({ kernelPath, kernel, initrds, append: this.config.append, below4g: this.below4g });
      this.linuxKernel = true;
      return load;
    } catch (e) {
      if (e instanceof LinuxBootError) throw new MachineError(e.message);
      throw e;
    }
  }

  /** -kernel: load a multiboot image and enter it as QEMU's multiboot option ROM leaves the CPU. */
  private bootMultiboot(path: string): void {
    this.readKernel(path);
    let entry: MultibootEntryState;
    try {
      const loaded = loadMultiboot({
        path,
        data: this.kernelImage!,
        append: this.config.append,
        below4g: this.below4g,
        above4g: this.above4g,
        mem: this.memory,
      });
      for (const w of loaded.warnings) this.report(`tcg86: ${w}\n`);
      entry = loaded.entry;
    } catch (e) {
      if (e instanceof MultibootError) throw new MachineError(e.message);
      throw e;
    }
    const cpu = this.cpu;
    cpu.cr0 = entry.cr0;
    const r = cpu.regs;
    r[0] = entry.eax;
    r[1] = entry.ecx;
    r[2] = entry.edx;
    r[3] = entry.ebx;
    r[4] = entry.esp;
    r[5] = entry.ebp;
    r[6] = entry.esi;
    r[7] = entry.edi;
    cpu.setEflags(entry.eflags, 0xffffffff);
    cpu.eip = entry.eip;
    const segs = [entry.es, entry.cs, entry.ss, entry.ds, entry.fs, entry.gs];
    segs.forEach((s, i) => cpu.loadSegCache(i, s.selector, s.base, s.limit, s.flags));
    cpu.gdt.base = entry.gdt.base;
    cpu.gdt.limit = entry.gdt.limit;
    cpu.idt.base = entry.idt.base;
    cpu.idt.limit = entry.idt.limit;
    cpu.cpl = 0;
    cpu.updateMmuIdx();
    cpu.updateAllSegAccess();
    cpu.mmu.tlb.flushAll();
  }

  /**
   * -incoming / migrate_incoming: wait for a stream and load it; then run (or stay paused
   * with -S). A refused stream ends the run with status 1 and one line on stderr.
   */
  startIncoming(uri: string): void {
    const paused = this.config.startPaused;
    this.incomingStarted = true;
    this.runState = 'inmigrate';
    try {
      startIncoming(this.sys, uri, {
        afterApply: () => {
          if (this.engine instanceof TcgEngine) this.engine.cache.flushAll();
          for (const c of this.cpus) c.mmu.tlb.flushAll();
          this.sliceEndNs = -Infinity;
        },
        loaded: () => {
          this.runState = paused ? 'paused' : 'running';
          if (!paused) this.events.emit({ event: 'RESUME' });
          this.kickHost();
        },
        failed: (reason) => {
          this.chardevs.flushAll();
          process.stderr.write(`tcg86: incoming migration refused: ${reason}\n`);
          this.requestExit(1);
        },
      });
    } catch (e) {
      if (e instanceof MigrationError) throw new MachineError(`-incoming: ${e.message}`);
      throw e;
    }
  }

  /** Drive the A20 line: bit 20 of every physical address is forced to 0 while it is low. */
  setA20(enabled: boolean): void {
    const mask = enabled ? -1 : ~(1 << 20);
    if (mask === this.cpu.a20Mask) return;
    for (const c of this.cpus) {
      c.a20Mask = mask;
      c.mmu.tlb.flushAll(FLUSH_A20);
    }
  }

  requestExit(status: number): void {
    this.exitStatus = status & 0xff;
    this.curEngine.exitRequest = true;
    this.kickHost();
  }

  /** A reset request (the guest's by default); the run loop or serviceResetRequest acts on it. */
  requestReset(cause: ShutdownCause = 'guest-reset'): void {
    this.resetCause = cause;
    this.resetPending = true;
    this.curEngine.exitRequest = true;
    this.kickHost();
  }

  /**
   * A pending reset, handled as QEMU's main loop does: a RESET event and the reset, or with
   * -no-reboot a SHUTDOWN (then the exit, or with -no-shutdown the shutdown state). Called by
   * the run loop, and by the monitors right after their system_reset, so the event comes
   * before their reply as in QEMU.
   */
  serviceResetRequest(): void {
    if (!this.resetPending) return;
    this.resetPending = false;
    const cause = this.resetCause;
    if (this.config.noReboot) this.shutdownFor(cause);
    else {
      this.reset();
      this.events.emit({ event: 'RESET', cause });
      // As QEMU's main loop: a VM reset while stopped is back in prelaunch.
      if (this.runState === 'paused' || this.runState === 'shutdown' || this.runState === 'postmigrate') this.runState = 'prelaunch';
    }
  }

  /** QEMU's qemu_system_shutdown: the SHUTDOWN event, then exit, or pause with -no-shutdown. */
  private shutdownFor(cause: ShutdownCause): void {
    this.events.emit({ event: 'SHUTDOWN', cause });
    if (!this.config.noShutdown) {
      this.requestExit(0);
      return;
    }
    if (this.runState === 'running') this.events.emit({ event: 'STOP' });
    this.runState = 'shutdown';
  }

  /** The monitors' `quit` (QEMU's qmp_quit): a SHUTDOWN event, then the run ends with status 0. */
  quit(): void {
    this.flushDisks();
    this.events.emit({ event: 'SHUTDOWN', cause: 'host-qmp-quit' });
    this.requestExit(0);
  }

  /** The monitor's `stop`: the guest stops between two instructions. */
  stop(): void {
    if (this.runState === 'shutdown') return;
    if (this.runState === 'running') {
      this.runState = 'paused';
      this.events.emit({ event: 'STOP' });
    }
    this.curEngine.exitRequest = true;
  }

  /** The monitor's `cont` (also leaves -S's prelaunch state). */
  cont(): void {
    // The guest is not ours to run while a stream loads or the last pages leave.
    if (this.runState === 'inmigrate' || this.runState === 'finish-migrate') return;
    if (this.runState !== 'running') this.events.emit({ event: 'RESUME' });
    this.runState = 'running';
    this.kickHost();
  }

  /** Host input arrived for a device (a key typed on -display curses): stop waiting. */
  wake(): void {
    this.kickHost();
  }

  private kickHost(): void {
    const wake = this.wakeHost;
    this.wakeHost = null;
    wake?.();
  }

  /** Wait for the host to act (a monitor command), checking now and then. */
  private waitForHost(): Promise<void> {
    this.chardevs.flushAll();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.kickHost(), 50);
      this.wakeHost = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  get nsPerInsn(): number {
    return 2 ** this.config.icountShift;
  }

  /** Events (instructions and deliveries) of every vCPU since power-on. */
  get totalEvents(): number {
    if (this.cpus.length === 1) return this.cpu.events;
    let n = 0;
    for (const c of this.cpus) n += c.events;
    return n;
  }

  /** Instructions retired by every vCPU since power-on. */
  get totalIcount(): number {
    if (this.cpus.length === 1) return this.cpu.icount;
    let n = 0;
    for (const c of this.cpus) n += c.icount;
    return n;
  }

  private syncClock(): void {
    const c = this.curCpu;
    const ns = (c.otherEvents + c.events) * this.nsPerInsn + c.idleNs;
    if (ns > this.clock.nowNs) this.clock.advanceTo(ns);
  }

  /**
   * Run until the guest asks to exit (isa-debug-exit), shuts down (triple fault with
   * -no-reboot) or can never run again. Returns the process exit status.
   */
  async run(maxInstructions = Infinity): Promise<number> {
    const status = await this.runUntil(maxInstructions);
    if (status !== null) return status;
    throw new MachineError(
      `the guest ran ${this.cpu.icount} instructions and ${this.cpu.deliveries} exception/interrupt deliveries without exiting (limit ${maxInstructions})`,
    );
  }

  /**
   * As run, but reaching `limit` (instructions plus deliveries since power-on, or the guest
   * time they take) returns null instead of failing; a later call goes on from there.
   */
  async runUntil(limit = Infinity): Promise<number | null> {
    const smp = this.cpus.length > 1;
    let cpu = this.cpu;
    let engine = this.engine;
    let slices = 0;
    let lastYield = performance.now();
    for (;;) {
      if (this.exitStatus !== null) return this.exitStatus;
      // The limit is on events, and on guest time too: a guest halted for good while device
      // timers tick (time moving, no instruction retiring) must also reach it.
      if (this.totalEvents >= limit || this.clock.nowNs >= limit * this.nsPerInsn) return null;
      if (this.resetPending) {
        // -no-shutdown: the shutdown state waits for the monitor; otherwise the exit status is set.
        this.serviceResetRequest();
        continue;
      }
      if (this.runState !== 'running') {
        if (this.migration.active) {
          // A stopped guest migrates too (QEMU migrates a paused VM); while the last bytes
          // drain (status device) there is nothing to do but wait.
          this.migration.tick();
          await new Promise<void>((resolve) => setTimeout(resolve, this.migration.status === 'active' ? 0 : 5));
          continue;
        }
        await this.waitForHost();
        continue;
      }
      if (this.migrateAt && this.totalIcount >= this.migrateAt.insn) {
        const uri = this.migrateAt.uri;
        this.migrateAt = null;
        try {
          this.migration.start(uri);
        } catch (e) {
          if (!(e instanceof MigrationError)) throw e;
          process.stderr.write(`tcg86: migration failed: ${e.message}\n`);
        }
      }
      if (this.migration.active) {
        this.migration.tick();
        if (this.runState !== 'running') continue;
        // Auto-converge: the guest gives up slices to the migration (QEMU's cpu-throttle).
        // Each slice run earns pct/(100-pct) skipped ones, so the guest gets 100-pct percent.
        const pct = this.migration.throttlePercent;
        if (pct > 0 && this.throttleCredit >= 1) {
          this.throttleCredit -= 1;
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        this.throttleCredit = pct > 0 ? this.throttleCredit + pct / (100 - pct) : 0;
      }
      if (smp) {
        // Round robin: the next vCPU not waiting for a start-up IPI gets a turn (the boot
        // processor never waits, so there is one).
        if (this.rrLeft <= 0) {
          let i = this.curIndex;
          do i = (i + 1) % this.cpus.length;
          while (this.cpus[i]!.waitForSipi);
          this.scheduleCpu(i);
          this.rrLeft = RR_TURN;
        }
        cpu = this.curCpu;
        engine = this.curEngine;
      }
      const deadline = this.clock.nextDeadlineNs();
      let budget = SLICE;
      if (deadline !== Infinity) budget = Math.max(1, Math.min(SLICE, Math.ceil((deadline - this.clock.nowNs) / this.nsPerInsn)));
      const icount = this.totalIcount;
      if (this.migrateAt && this.migrateAt.insn > icount) budget = Math.min(budget, this.migrateAt.insn - icount);
      if (limit !== Infinity) budget = Math.max(1, Math.min(budget, limit - this.totalEvents));
      budget = Math.min(budget, this.sliceLimit);
      // While every other vCPU sleeps (halted with nothing to wake it, or waiting for SIPI) the
      // running one keeps its turn and runs whole slices; an interrupt for another ends it.
      const alone = smp && this.othersAsleep(cpu);
      if (smp && !alone) budget = Math.min(budget, this.rrLeft);
      const eventsBefore = cpu.events;
      let reason: number;
      try {
        this.sliceEndNs = this.clock.nowNs + budget * this.nsPerInsn;
        engine.hostDeadline = performance.now() + SLICE_HOST_MS;
        reason = engine.run(cpu, budget);
      } catch (e) {
        if (!(e instanceof TripleFault)) throw e;
        this.log.write('tcg86: guest triple fault (shutdown)\n' + e.registers);
        if (this.config.noReboot) {
          this.chardevs.flushAll(); // the guest's output first, then our report
          this.report('tcg86: the guest triple-faulted; -no-reboot given, stopping. Registers:\n' + e.registers);
          // As QEMU: a triple fault is a guest reset request.
          this.shutdownFor('guest-reset');
          continue;
        }
        this.reset();
        this.events.emit({ event: 'RESET', cause: 'guest-reset' });
        continue;
      }
      this.sliceEndNs = -Infinity;
      if (smp) {
        if (!alone) this.rrLeft -= cpu.events - eventsBefore;
        for (let i = 0; i < this.cpus.length; i++) if (this.pendingInit[i]) this.takeInit(i);
      }
      this.onSlice?.();
      const t1 = performance.now();
      this.syncClock();
      this.clock.runExpired();
      if (this.clock.nowNs >= this.memoryDevices.nextSyncNs) this.memoryDevices.syncDue(this.clock.nowNs);
      // A reset the guest asked for is done before host events are let in, as QEMU's main loop
      // acts on it at once: a monitor `stop` arriving now must not find it pending (a reset
      // while stopped goes back to prelaunch). The host still gets its turn below, so a guest
      // that resets over and over cannot starve the monitor.
      if (this.resetPending) this.serviceResetRequest();
      // An NMI wakes a halted CPU only when NMIs are not blocked (inside an NMI handler).
      let nmiDeliverable = cpu.nmiPending && !cpu.nmiBlocked;
      const wakeNow = nmiDeliverable || (cpu.interruptRequest && (cpu.eflags & IF_MASK) !== 0);
      let idle = reason === EXIT_HALTED && cpu.halted && !wakeNow && this.exitStatus === null && !this.resetPending;
      if (smp) {
        // -smp: a halted vCPU gives up its turn; the machine idles once every vCPU that can run
        // found itself halted in a row with nothing to wake it.
        if (idle) {
          this.rrLeft = 0;
          this.haltedInRow++;
        } else if (cpu.events !== eventsBefore || !cpu.halted) this.haltedInRow = 0;
        let running = 0;
        for (const c of this.cpus) if (!c.waitForSipi) running++;
        idle &&= this.haltedInRow >= running && this.cpus.every((c) => c.waitForSipi || (c.halted && !(c.nmiPending && !c.nmiBlocked) && !(c.interruptRequest && (c.eflags & IF_MASK) !== 0)));
        if (idle) {
          for (const c of this.cpus) if (!c.waitForSipi && c.nmiPending && !c.nmiBlocked) nmiDeliverable = true;
        }
      }
      if (idle) {
        const canWake = smp ? nmiDeliverable || this.cpus.some((c) => !c.waitForSipi && (c.eflags & IF_MASK) !== 0) : (cpu.eflags & IF_MASK) !== 0 || nmiDeliverable;
        // The display's refresh runs while the guest idles but cannot wake it.
        const wake = this.clock.nextWakeDeadlineNs();
        const next = this.clock.nextDeadlineNs();
        if ((!canWake || wake === Infinity) && this.migration.active) {
          // Halted for good while migrating: the migration goes on (QEMU migrates an idle
          // guest too) and decides how the run ends.
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        if ((!canWake || wake === Infinity) && this.hostCanAct?.()) {
          // A monitor may still reset, stop or quit the machine: wait for it, as QEMU does.
          await this.waitForHost();
          continue;
        }
        if (!canWake || wake === Infinity) {
          this.chardevs.flushAll();
          this.report(
            `tcg86: the guest halted ${canWake ? 'with no timer armed' : 'with interrupts disabled'}; nothing can wake it. Registers:\n` +
              formatCpuState(cpu),
          );
          return 1;
        }
        const idleNs = next - this.clock.nowNs;
        for (const c of this.cpus) c.idleNs += idleNs;
        this.clock.advanceTo(next);
        this.clock.runExpired();
      }
      // Let host events (stdin for a serial port, the monitor, signals) in now and then: every
      // hostPollSlices slices, every 20 ms of host time (a slice of long rep strings or of the
      // interpreter can take a while) and every slice while a migration runs; buffered output
      // goes out first, so a guest that prints and then polls for input shows what it printed,
      // and a file fills while the guest runs.
      if (++slices % this.hostPollSlices === 0 || this.migration.active || t1 - lastYield > YIELD_HOST_MS) {
        this.chardevs.flushAll();
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  }

  /** Flush and close every character backend (call before the process exits). */
  shutdown(): void {
    this.memoryDevices.closeBackends();
    this.closeDrives();
    this.chardevs.closeAll();
    this.log.close();
  }
}
