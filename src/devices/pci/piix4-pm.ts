// The PIIX4 power management function, 00:01.3 (8086:7113), as QEMU's hw/acpi/piix4.c: the
// ACPI registers (PM1 event/control, PM timer) at PMBASE (0x40) once PMREGMISC (0x80) bit 0
// enables them, the SCI on ISA IRQ 9, the SMBus host at 0x90 enabled by 0xd2 bit 0, and the
// APM ports 0xb2/0xb3. tcg86 has no SMM: as QEMU with smm=off, DEVACTB (0x58) says APMC
// SMIs are already set up, so firmware skips its SMM initialisation.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import type { VirtualClock } from '../clock.js';
import type { IrqLine } from '../irq.js';
import { PCIDevice, long, overlaps } from './pci-device.js';
import type { PCIBus } from './pci-bus.js';
import { AcpiRegs } from './acpi-regs.js';
import { PMSMBus } from './pm-smbus.js';
import { PCI_STATUS_DEVSEL_MEDIUM, PCI_STATUS_FAST_BACK } from './pci-regs.js';
import { PIIX4_PM_VMSTATE } from './pci-vmstate.js';

/** The APM commands QEMU's FADT names for entering and leaving ACPI mode. */
const ACPI_ENABLE = 0xf1;
const ACPI_DISABLE = 0xf0;
const ACPI_BITMASK_SCI_ENABLE = 0x0001;
const PMBASE = 0x40;
const PMREGMISC = 0x80;
const DEVACTB = 0x58;
const SMBHSTCFG = 0xd2;
const SMBBASE = 0x90;
const SMB_IO_BASE = 0xb100;

export interface PiixPmHooks {
  shutdown(): void;
  unimp(msg: string): void;
}

export class PIIX4PM extends PCIDevice {
  readonly io: MemoryRegion;
  readonly acpi: AcpiRegs;
  readonly smb: PMSMBus;
  readonly apm: MemoryRegion;
  /** APM control (0xb2) and status (0xb3) (QEMU's APMState). */
  apmc = 0;
  apms = 0;

  constructor(
    sys: MemorySystem,
    bus: PCIBus,
    clock: VirtualClock,
    private readonly sci: IrqLine,
    private readonly hooks: PiixPmHooks,
    /** Serial ports present (QEMU reports COM1/COM2 in 0x67). */
    serials: { com1: boolean; com2: boolean },
  ) {
    super(sys, 'PIIX4_PM', 0x0b, { vendor: 0x8086, device: 0x7113, classId: 0x0680, revision: 0x03, interruptPin: 1 });
    this.config[0x06] = PCI_STATUS_FAST_BACK;
    this.config[0x07] = PCI_STATUS_DEVSEL_MEDIUM >> 8;
    this.config[0x5f] = 0x10;
    this.config[0x63] = 0x60;
    this.config[0x67] = (serials.com1 ? 0x08 : 0) | (serials.com2 ? 0x90 : 0);
    this.config[SMBBASE] = (SMB_IO_BASE | 1) & 0xff;
    this.config[SMBBASE + 1] = SMB_IO_BASE >> 8;
    this.config[SMBHSTCFG] = 0x09;
    bus.plug(this);
    const owner = 'PIIX4_PM';
    this.acpi = new AcpiRegs(sys, owner, clock, { sci: (level) => this.sci.set(level), shutdown: hooks.shutdown, unimp: hooks.unimp }, 2);
    this.io = MemoryRegion.container(sys, owner, 'piix4-pm', 64);
    this.io.addSubregion(0, this.acpi.evtRegion);
    this.io.addSubregion(4, this.acpi.cntRegion);
    this.io.addSubregion(8, this.acpi.tmrRegion);
    this.io.setEnabled(false);
    this.smb = new PMSMBus(sys, owner);
    this.apm = MemoryRegion.io(sys, owner, 'apm-io', 2, {
      read: (addr) => (addr === 0 ? this.apmc : this.apms),
      write: (addr, value) => {
        if (addr === 0) {
          this.apmc = value & 0xff;
          // QEMU's apm_ctrl_changed: the FADT's ACPI_ENABLE/ACPI_DISABLE commands set or clear
          // SCI_EN themselves (how a guest enters ACPI mode without SMM) and raise no SMI.
          if (this.apmc === ACPI_ENABLE || this.apmc === ACPI_DISABLE) {
            this.acpi.cnt = this.apmc === ACPI_ENABLE ? this.acpi.cnt | ACPI_BITMASK_SCI_ENABLE : this.acpi.cnt & ~ACPI_BITMASK_SCI_ENABLE;
            return;
          }
          // An SMI would be raised here when DEVACTB enables it; tcg86 has no SMM.
          if (this.config[DEVACTB + 3]! & 0x02) this.hooks.unimp('piix4-pm: APM command write would raise an SMI (no SMM in tcg86); ignored');
        } else {
          this.apms = value & 0xff;
        }
      },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    this.resetRegisters();
    sys.vmstate.register(PIIX4_PM_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    this.sys.transaction(() => {
      ioRoot.addSubregion(0, this.io);
      ioRoot.addSubregion(0xb2, this.apm);
      ioRoot.addSubregion(SMB_IO_BASE, this.smb.region);
      this.ioSpaceUpdate();
      this.smbusIoSpaceUpdate();
    });
  }

  override writeConfig(addr: number, value: number, len: number): void {
    this.defaultWriteConfig(addr, value, len);
    if (overlaps(addr, len, PMREGMISC, 1) || overlaps(addr, len, PMBASE, 4)) this.ioSpaceUpdate();
    if (overlaps(addr, len, SMBHSTCFG, 1) || overlaps(addr, len, SMBBASE, 4)) this.smbusIoSpaceUpdate();
  }

  /** Both I/O windows where the configuration space puts them (after a migration). */
  updateIoSpaces(): void {
    this.ioSpaceUpdate();
    this.smbusIoSpaceUpdate();
  }

  /** QEMU's pm_io_space_update. */
  private ioSpaceUpdate(): void {
    this.sys.transaction(() => {
      const enabled = (this.config[PMREGMISC]! & 1) !== 0;
      if (enabled) this.io.setAddress(long(this.config, PMBASE) & 0xffc0);
      this.io.setEnabled(enabled);
    });
  }

  /** QEMU's smbus_io_space_update. */
  private smbusIoSpaceUpdate(): void {
    this.sys.transaction(() => {
      this.smb.region.setEnabled((this.config[SMBHSTCFG]! & 1) !== 0);
      this.smb.region.setAddress(long(this.config, SMBBASE) & 0xffc0);
    });
  }

  private resetRegisters(): void {
    this.config.fill(0, DEVACTB, DEVACTB + 4);
    this.config[PMBASE] = 0x01;
    this.config[PMREGMISC] = 0;
    this.config[DEVACTB + 3] = 0x02; // APMC_EN: "SMM already set up" (QEMU with smm=off)
    this.acpi.reset();
    this.smb.reset();
    this.apmc = 0;
    this.apms = 0;
  }

  override reset(): void {
    this.resetRegisters();
    super.reset();
    if (this.io.container) this.ioSpaceUpdate();
  }
}
