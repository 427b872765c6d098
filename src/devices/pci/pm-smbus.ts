// The PIIX4 SMBus host controller registers (QEMU's hw/i2c/pm_smbus.c) with nothing on the
// bus, as on QEMU's pc without SPD EEPROMs: a started command ends at once with DEV_ERR
// (no device acknowledged its address), and INTR only when interrupts are enabled.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';

const SMBHSTSTS = 0x00;
const SMBHSTCNT = 0x02;
const SMBHSTCMD = 0x03;
const SMBHSTADD = 0x04;
const SMBHSTDAT0 = 0x05;
const SMBHSTDAT1 = 0x06;
const SMBBLKDAT = 0x07;
const SMBAUXCTL = 0x0d;
const STS_DEV_ERR = 0x04;
const STS_INTR = 0x02;
const CTL_START = 0x40;
const CTL_KILL = 0x02;

export class PMSMBus {
  sts = 0;
  ctl = 0;
  cmd = 0;
  addr = 0;
  data0 = 0;
  data1 = 0;
  auxctl = 0;
  readonly region: MemoryRegion;

  constructor(sys: MemorySystem, owner: string) {
    this.region = MemoryRegion.io(sys, owner, 'pm-smbus', 64, {
      read: (addr) => this.read(addr),
      write: (addr, value) => this.write(addr, value),
      valid: { minAccessSize: 1, maxAccessSize: 1 },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
  }

  private read(addr: number): number {
    switch (addr) {
      case SMBHSTSTS:
        return this.sts;
      case SMBHSTCNT:
        return this.ctl & 0x1f; // START and KILL read as 0
      case SMBHSTCMD:
        return this.cmd;
      case SMBHSTADD:
        return this.addr;
      case SMBHSTDAT0:
        return this.data0;
      case SMBHSTDAT1:
        return this.data1;
      case SMBBLKDAT:
        return 0;
      case SMBAUXCTL:
        return this.auxctl;
      default:
        return 0;
    }
  }

  private write(addr: number, v: number): void {
    switch (addr) {
      case SMBHSTSTS:
        this.sts &= ~(v & 0xff); // write 1 to clear
        break;
      case SMBHSTCNT:
        this.ctl = v & 0xff;
        if (v & CTL_KILL) this.sts = 0;
        if (v & CTL_START) {
          // No device answers any address: the transaction fails.
          this.sts |= STS_DEV_ERR;
          if (this.ctl & 1) this.sts |= STS_INTR;
        }
        break;
      case SMBHSTCMD:
        this.cmd = v;
        break;
      case SMBHSTADD:
        this.addr = v;
        break;
      case SMBHSTDAT0:
        this.data0 = v;
        break;
      case SMBHSTDAT1:
        this.data1 = v;
        break;
      case SMBAUXCTL:
        this.auxctl = v & 3;
        break;
      default:
        break;
    }
  }

  reset(): void {
    this.sts = this.ctl = this.cmd = this.addr = this.data0 = this.data1 = this.auxctl = 0;
  }
}
