// A progress line on stderr for long runs: once a second after the first, when stderr is a
// terminal that nothing else writes to (no stdio chardev, no curses display, no -d log on
// stderr): instructions, MIPS over the last second, soft-TLB hit rate, blocks held.

import type { PcMachine } from '../machine/pc.js';
import { collectStats, formatRate } from '../machine/stats.js';

/** Should this run show a progress line? */
export function wantsProgress(m: PcMachine, stderrIsTty: boolean): boolean {
  if (!stderrIsTty) return false;
  const c = m.config;
  if (c.display === 'curses') return false;
  for (const spec of c.chardevs.values()) if (spec.backend.kind === 'stdio') return false;
  const l = c.log;
  const logging = l.int || l.cpuReset || l.guestErrors || l.unimp || l.inAsm || l.outAsm || l.exec || l.cpu || l.mmu || l.page || l.traceSmc;
  return !(logging && l.file === null);
}

/** The text of the line (without the carriage return). */
export function progressText(m: PcMachine, seconds: number, insnsInWindow: number, windowSeconds: number): string {
  const s = collectStats(m, seconds);
  const mips = windowSeconds > 0 ? formatRate(insnsInWindow / windowSeconds / 1e6) : '-';
  const blocks = s.tb ? `, ${s.tb.blocks!.toLocaleString('en-US')} blocks` : '';
  return `tcg86: ${s.icount.toLocaleString('en-US')} instructions, ${mips} MIPS, TLB hit ${(s.tlbHitRate * 100).toFixed(2)} %${blocks}, ${seconds.toFixed(0)} s`;
}

export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private shown = false;
  private lastIcount = 0;
  private lastTime = 0;

  constructor(
    private readonly m: PcMachine,
    private readonly write: (text: string) => void,
  ) {
    const start = performance.now();
    this.lastTime = start;
    this.timer = setInterval(() => {
      const now = performance.now();
      const icount = this.m.totalIcount;
      const line = progressText(this.m, (now - start) / 1000, icount - this.lastIcount, (now - this.lastTime) / 1000);
      this.lastIcount = icount;
      this.lastTime = now;
      this.write(`\r${line}\x1b[K`);
      this.shown = true;
    }, 1000);
    this.timer.unref();
  }

  /** Stop, and clear the line so later output starts on a clean line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.shown) this.write('\r\x1b[K');
    this.shown = false;
  }
}
