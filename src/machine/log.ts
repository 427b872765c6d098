// The -d / -D log: enabled categories and where lines go (stderr, or the -D file, written
// synchronously so nothing is lost if the process ends).

import * as fs from 'node:fs';
import type { CpuLog } from '../cpu/x86/cpu.js';
import { flushAllOutput } from '../devices/chardev-output.js';
import type { LogConfig } from './config.js';

export class MachineLog {
  private fd: number;

  constructor(readonly config: LogConfig) {
    this.fd = 2;
    if (config.file) {
      try {
        this.fd = fs.openSync(config.file, 'w');
      } catch (e) {
        throw new Error(`-D ${config.file}: cannot open the log file (${(e as Error).message})`);
      }
    }
  }

  write(text: string): void {
    // On stderr the log shares the terminal with the guest's buffered stdout: keep the order.
    if (this.fd === 2) flushAllOutput();
    fs.writeSync(this.fd, text);
  }

  cpuLog(): CpuLog | null {
    const c = this.config;
    const any = c.int || c.unimp || c.guestErrors || c.cpuReset || c.inAsm || c.outAsm;
    if (!any && !c.exec && !c.cpu && !c.mmu && !c.nochain && !c.page && !c.traceSmc) return null;
    const ranges = c.dfilter;
    return {
      int: c.int,
      unimp: c.unimp,
      guestErrors: c.guestErrors,
      cpuReset: c.cpuReset,
      inAsm: c.inAsm,
      outAsm: c.outAsm,
      exec: c.exec,
      cpu: c.cpu,
      mmu: c.mmu,
      nochain: c.nochain,
      page: c.page,
      traceSmc: c.traceSmc,
      // QEMU's qemu_log_in_addr_range: no -dfilter means every address.
      inRange: (addr) => ranges.length === 0 || ranges.some((r) => addr >= r.lo && addr <= r.hi),
      write: (line) => this.write(line),
    };
  }

  close(): void {
    if (this.fd !== 2) fs.closeSync(this.fd);
    this.fd = 2;
  }
}
