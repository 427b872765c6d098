// The `pc` board (QEMU's pc-i440fx memory map without PCI devices): RAM below and above
// 4 GiB, the BIOS image at the top of 4 GiB with its last 128 KiB aliased below 1 MiB, the
// option ROM area, the legacy devices on the I/O space, and one x86 CPU. It owns guest time.

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
import { VGACommonState } from '../devices/vga/index.js';
import { loadMultiboot, MultibootError, type MultibootEntryState } from './multiboot.js';
import { X86CPU } from '../cpu/x86/cpu.js';
import { CPUID_APIC, FEAT_1_EDX } from '../cpu/x86/cpu-models.js';
import { x86TlbFill } from '../cpu/x86/paging.js';
import { Interpreter, EXIT_HALTED } from '../cpu/x86/interp/index.js';
import { TcgEngine } from '../cpu/x86/tcg/engine.js';
import { TripleFault } from '../cpu/x86/exception.js';
import { IF_MASK } from '../cpu/x86/flags.js';
import { formatCpuState } from '../cpu/x86/cpu-dump.js';
import type { MachineConfig } from './config.js';
import { ChardevError, openChardevs, type Chardevs } from './chardevs.js';
import type { CharBackend } from '../devices/chardev.js';
import { pcCmosInit } from './cmos.js';
import { MachineLog } from './log.js';

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

export class MachineError extends Error {}

/** QEMU's run states as `info status` reports them. */
export type RunState = 'prelaunch' | 'running' | 'paused';

export interface MachineHooks {
  /** Use this backend instead of opening the configured one (tests capture stdio this way). */
  chardevOverride?: (id: string, kind: string) => CharBackend | null;
}

export class PcMachine {
  readonly sys = new MemorySystem();
  readonly systemMemory: MemoryRegion;
  readonly ioRoot: MemoryRegion;
  readonly memory: AddressSpace;
  readonly io: AddressSpace;
  readonly clock = new VirtualClock();
  readonly cpu: X86CPU;
  readonly pic: I8259;
  readonly pit: I8254;
  readonly rtc: Mc146818Rtc;
  readonly port92: Port92;
  readonly fwCfg: FwCfg;
  /** The 16550A UARTs (COM1 first), reset with the machine. */
  private readonly serialPorts: Serial16550A[] = [];
  readonly i8042: I8042;
  /** The local APIC; null on a CPU model without one (486), where the 8259 drives INTR. */
  readonly apic: Apic | null;
  /** The std VGA (absent with -vga none or -nodefaults). */
  readonly vga: VGACommonState | null = null;
  /** The PCI memory space: under RAM, routed to below 1 MiB by the chipset windows. */
  private pci: MemoryRegion | null = null;
  private kernelImage: Uint8Array | null = null;
  readonly chardevs: Chardevs;
  readonly log: MachineLog;
  /** The engine that runs guest code: the translator (tcg) or the reference interpreter. */
  readonly engine: Interpreter | TcgEngine;
  readonly below4g: number;
  readonly above4g: number;
  private biosImage: Uint8Array | null = null;
  private bios: MemoryRegion | null = null;
  /** Guest time spent halted (guest time = instructions << shift + idle time). */
  private idleNs = 0;
  /** Guest time at which the running slice's budget ends (-Infinity between slices). */
  private sliceEndNs = -Infinity;
  private exitStatus: number | null = null;
  private resetPending = false;
  /** -S starts in prelaunch; the monitor's stop/cont move between paused and running. */
  runState: RunState;
  /**
   * Whether something on the host (a monitor whose input has not ended) can still act when
   * the guest cannot: then a guest halted for good waits instead of ending the run.
   */
  hostCanAct: (() => boolean) | null = null;
  /** Wakes the run loop while it waits for the host (stopped, or halted for good). */
  private wakeHost: (() => void) | null = null;

  constructor(
    readonly config: MachineConfig,
    hooks: MachineHooks = {},
  ) {
    if (config.ramSize > MAX_RAM) {
      throw new MachineError(`-m: ${config.ramSize} bytes is more RAM than tcg86 can back (at most ${MAX_RAM / 1024 ** 2} MiB)`);
    }
    if (config.ramSize < 1024 * 1024) throw new MachineError(`-m: at least 1 MiB of RAM is needed, got ${config.ramSize} bytes`);
    const sys = this.sys;
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
    sys.ramList.reserve(Math.ceil(config.ramSize / 0x40000) * 0x40000 + 17 * 1024 * 1024 + vramBytes);
    sys.transaction(() => {
      this.mapRam();
      this.mapFirmware();
    });
    // QEMU's -vga std: the legacy window lives in the PCI memory space (which no firmware
    // needs to program) and the ports in the I/O space; the PCI BARs stay unmapped.
    if (config.vga === 'std') {
      this.vga = new VGACommonState(sys, { owner: VGA_PCI_ADDR });
      this.vga.map(this.pci!, this.ioRoot);
    }

    this.cpu = new X86CPU(sys, this.memory, this.io, config.cpu);
    const cpu = this.cpu;
    cpu.mmu.fill = (vaddr, access, mmuIdx) => x86TlbFill(cpu, vaddr, access, mmuIdx);
    cpu.log = this.log.cpuLog();
    cpu.tscShift = config.icountShift;
    this.engine = config.engine === 'tcg' ? new TcgEngine(cpu, config.tbCacheBytes) : new Interpreter();
    // As QEMU's icount clock: a device reads the time of the instruction accessing it, and a
    // timer armed to expire before the running slice ends stops the slice after that
    // instruction (QEMU kicks the vCPU), so the budget is recomputed from the new deadline.
    this.clock.setSource(() => (cpu.events + cpu.tbInsn) * this.nsPerInsn + this.idleNs);
    this.clock.onEarliestChanged = (ns) => {
      if (ns >= this.sliceEndNs) return;
      this.engine.exitRequest = true;
      cpu.tbExit = 1;
    };

    // The 8259's INTR reaches the CPU through the local APIC's LINT0 (ExtINT), as on QEMU's pc.
    this.pic = new I8259(sys);
    cpu.x87.ferr = (level) => this.pic.irqs[13]!.set(level);
    if (cpu.features[FEAT_1_EDX]! & CPUID_APIC) {
      const apic = new Apic(sys, this.clock, {
        pic: this.pic,
        intr: (level) => (cpu.interruptRequest = level),
        nmi: () => (cpu.nmiPending = true),
        unimp: (msg) => {
          if (config.log.unimp) this.log.write(msg + '\n');
        },
      });
      this.apic = apic;
      this.pic.intr = new IrqLine((level) => apic.setExtIntLine(level));
      cpu.pic = apic;
      cpu.onApicBaseWrite = (value) => {
        apic.setApicBase(value);
        cpu.apicBase = apic.apicBase;
      };
      sys.transaction(() => apic.map(this.systemMemory));
    } else {
      // A model without an APIC (QEMU's pc creates none): the 8259 drives INTR itself, and
      // IA32_APIC_BASE reads as the BSP bit alone and ignores writes.
      this.apic = null;
      this.pic.intr = new IrqLine((level) => (cpu.interruptRequest = level));
      cpu.pic = this.pic;
      cpu.apicBase = 0x100;
      cpu.onApicBaseWrite = () => {};
    }
    this.pit = new I8254(sys, this.clock, this.pic.irqs[0]!);
    this.rtc = new Mc146818Rtc(sys, this.clock, this.pic.irqs[8]!);
    pcCmosInit(this.rtc, this.below4g, this.above4g);
    // As in QEMU, port 0x92 and the 8042 output port each drive the CPU's A20 line directly
    // (the last one written wins).
    this.fwCfg = new FwCfg(sys, this.memory, { ramSize: config.ramSize, nographic: config.nographic });
    this.port92 = new Port92(sys, new IrqLine((level) => this.setA20(level)), () => this.requestReset());
    this.i8042 = new I8042(sys, {
      irqKbd: this.pic.irqs[1]!,
      irqMouse: this.pic.irqs[12]!,
      a20: new IrqLine((level) => this.setA20(level)),
      resetRequest: () => this.requestReset(),
      log: config.log.unimp ? (msg) => this.log.write(msg + '\n') : undefined,
    });
    sys.transaction(() => {
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
        const uart = new Serial16550A(sys, this.clock, this.chardevs.get(id), this.pic.irqs[irq]!, { iobase });
        uart.map(this.ioRoot);
        this.serialPorts.push(uart);
      });
      for (const d of config.debugcons) {
        new Debugcon(sys, this.chardevs.get(d.chardev), { iobase: d.iobase }).map(this.ioRoot);
      }
      for (const d of config.debugExits) {
        new DebugExit(sys, (status) => this.requestExit(status), d).map(this.ioRoot);
      }
    });
    this.runState = config.startPaused ? 'prelaunch' : 'running';
    this.chardevs.startMuxes(() => this.requestExit(0));
    this.reset();
  }

  private mapRam(): void {
    const sys = this.sys;
    const ram = MemoryRegion.ram(sys, null, 'pc.ram', this.config.ramSize);
    this.systemMemory.addSubregion(0, MemoryRegion.alias(sys, null, 'ram-below-4g', ram, 0, this.below4g));
    if (this.above4g > 0) {
      this.systemMemory.addSubregion(2 ** 32, MemoryRegion.alias(sys, null, 'ram-above-4g', ram, this.below4g, this.above4g));
    }
  }

  private mapFirmware(): void {
    const sys = this.sys;
    const path = this.config.biosPath;
    if (!path) {
      // No firmware (-kernel alone): the PAM and SMRAM windows still route to an empty PCI space.
      this.mapLegacyWindows(MemoryRegion.container(sys, null, 'pci', SIZE_64BIT));
      return;
    }
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
    const pci = MemoryRegion.container(sys, null, 'pci', SIZE_64BIT);
    this.systemMemory.addSubregionOverlap(0, pci, -1);
    const bios = MemoryRegion.rom(sys, null, 'pc.bios', image.length);
    this.bios = bios;
    pci.addSubregion(2 ** 32 - image.length, bios);
    const isaSize = Math.min(image.length, 128 * 1024);
    const isaBios = MemoryRegion.alias(sys, null, 'isa-bios', bios, image.length - isaSize, isaSize);
    isaBios.setReadonly(true);
    pci.addSubregionOverlap(0x100000 - isaSize, isaBios, 1);
    pci.addSubregionOverlap(PC_ROM_BASE, MemoryRegion.rom(sys, null, 'pc.rom', PC_ROM_SIZE), 1);
    this.mapLegacyWindows(pci);
  }

  /**
   * The i440FX routes 0xa0000-0xbffff (SMRAM closed) and the PAM segments 0xc0000-0xfffff to
   * PCI at reset, above RAM: that is what makes the ROMs visible below 1 MiB.
   */
  private mapLegacyWindows(pci: MemoryRegion): void {
    const sys = this.sys;
    this.pci = pci;
    if (!pci.container) this.systemMemory.addSubregionOverlap(0, pci, -1);
    this.systemMemory.addSubregionOverlap(0xa0000, MemoryRegion.alias(sys, null, 'smram-region', pci, 0xa0000, 0x20000), 1);
    for (let base = 0xc0000; base < 0xf0000; base += 0x4000) {
      this.systemMemory.addSubregionOverlap(base, MemoryRegion.alias(sys, null, 'pam-pci', pci, base, 0x4000), 1);
    }
    this.systemMemory.addSubregionOverlap(0xf0000, MemoryRegion.alias(sys, null, 'pam-pci', pci, 0xf0000, 0x10000), 1);
  }

  /** Power-on / system reset: ROM contents restored, CPU and devices reset. */
  reset(): void {
    if (this.bios && this.biosImage) this.bios.ramBlock!.host.set(this.biosImage);
    this.cpu.reset();
    this.cpu.a20Mask = -1;
    this.apic?.reset();
    if (this.apic) this.cpu.apicBase = this.apic.apicBase;
    this.port92?.reset();
    this.fwCfg?.reset();
    this.pit?.reset();
    this.rtc?.reset();
    for (const uart of this.serialPorts) uart.reset();
    this.i8042?.reset();
    this.pic?.reset();
    this.vga?.reset();
    if (this.config.kernelPath) this.bootMultiboot(this.config.kernelPath);
    if (this.config.log.cpuReset) this.log.write('CPU Reset (CPU 0)\n' + formatCpuState(this.cpu));
  }

  /** -kernel: load a multiboot image and enter it as QEMU's multiboot option ROM leaves the CPU. */
  private bootMultiboot(path: string): void {
    if (!this.kernelImage) {
      try {
        this.kernelImage = new Uint8Array(fs.readFileSync(path));
      } catch (e) {
        throw new MachineError(`-kernel ${path}: cannot read the kernel (${(e as Error).message})`);
      }
    }
    let entry: MultibootEntryState;
    try {
      const loaded = loadMultiboot({
        path,
        data: this.kernelImage,
        append: this.config.append,
        below4g: this.below4g,
        above4g: this.above4g,
        mem: this.memory,
      });
      for (const w of loaded.warnings) process.stderr.write(`tcg86: ${w}\n`);
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

  /** Drive the A20 line: bit 20 of every physical address is forced to 0 while it is low. */
  setA20(enabled: boolean): void {
    const mask = enabled ? -1 : ~(1 << 20);
    if (mask === this.cpu.a20Mask) return;
    this.cpu.a20Mask = mask;
    this.cpu.mmu.tlb.flushAll();
  }

  requestExit(status: number): void {
    this.exitStatus = status & 0xff;
    this.engine.exitRequest = true;
    this.kickHost();
  }

  requestReset(): void {
    this.resetPending = true;
    this.engine.exitRequest = true;
    this.kickHost();
  }

  /** The monitor's `stop`: the guest stops between two instructions. */
  stop(): void {
    if (this.runState === 'running') this.runState = 'paused';
    this.engine.exitRequest = true;
  }

  /** The monitor's `cont` (also leaves -S's prelaunch state). */
  cont(): void {
    this.runState = 'running';
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

  private syncClock(): void {
    const ns = this.cpu.events * this.nsPerInsn + this.idleNs;
    if (ns > this.clock.nowNs) this.clock.advanceTo(ns);
  }

  /**
   * Run until the guest asks to exit (isa-debug-exit), shuts down (triple fault with
   * -no-reboot) or can never run again. Returns the process exit status.
   */
  async run(maxInstructions = Infinity): Promise<number> {
    const cpu = this.cpu;
    let slices = 0;
    for (;;) {
      if (this.exitStatus !== null) return this.exitStatus;
      // The limit is on events, and on guest time too: a guest halted for good while device
      // timers tick (time moving, no instruction retiring) must also reach it.
      if (cpu.events >= maxInstructions || this.clock.nowNs >= maxInstructions * this.nsPerInsn) {
        throw new MachineError(
          `the guest ran ${cpu.icount} instructions and ${cpu.deliveries} exception/interrupt deliveries without exiting (limit ${maxInstructions})`,
        );
      }
      if (this.resetPending) {
        this.resetPending = false;
        if (this.config.noReboot) return 0;
        this.reset();
      }
      if (this.runState !== 'running') {
        await this.waitForHost();
        continue;
      }
      const deadline = this.clock.nextDeadlineNs();
      let budget = SLICE;
      if (deadline !== Infinity) budget = Math.max(1, Math.min(SLICE, Math.ceil((deadline - this.clock.nowNs) / this.nsPerInsn)));
      let reason: number;
      try {
        this.sliceEndNs = this.clock.nowNs + budget * this.nsPerInsn;
        reason = this.engine.run(cpu, budget);
      } catch (e) {
        if (!(e instanceof TripleFault)) throw e;
        this.log.write('tcg86: guest triple fault (shutdown)\n' + e.registers);
        if (this.config.noReboot) {
          this.chardevs.flushAll(); // the guest's output first, then our report
          process.stderr.write('tcg86: the guest triple-faulted; -no-reboot given, stopping. Registers:\n' + e.registers);
          return 0;
        }
        this.reset();
        continue;
      }
      this.sliceEndNs = -Infinity;
      this.syncClock();
      this.clock.runExpired();
      // An NMI wakes a halted CPU only when NMIs are not blocked (inside an NMI handler).
      const nmiDeliverable = cpu.nmiPending && !cpu.nmiBlocked;
      const wakeNow = nmiDeliverable || (cpu.interruptRequest && (cpu.eflags & IF_MASK) !== 0);
      if (reason === EXIT_HALTED && cpu.halted && !wakeNow && this.exitStatus === null && !this.resetPending) {
        const canWake = (cpu.eflags & IF_MASK) !== 0 || nmiDeliverable;
        const next = this.clock.nextDeadlineNs();
        if ((!canWake || next === Infinity) && this.hostCanAct?.()) {
          // A monitor may still reset, stop or quit the machine: wait for it, as QEMU does.
          await this.waitForHost();
          continue;
        }
        if (!canWake || next === Infinity) {
          this.chardevs.flushAll();
          process.stderr.write(
            `tcg86: the guest halted ${canWake ? 'with no timer armed' : 'with interrupts disabled'}; nothing can wake it. Registers:\n` +
              formatCpuState(cpu),
          );
          return 1;
        }
        this.idleNs += next - this.clock.nowNs;
        this.clock.advanceTo(next);
        this.clock.runExpired();
      }
      // Let host events (stdin for a serial port) in now and then; buffered output goes out
      // first, so a guest that prints and then polls for input shows what it printed.
      if (++slices % 64 === 0) {
        this.chardevs.flushAll();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  /** Flush and close every character backend (call before the process exits). */
  shutdown(): void {
    this.chardevs.closeAll();
    this.log.close();
  }
}
