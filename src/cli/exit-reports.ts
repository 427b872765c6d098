// What the command line writes when the run ends (--stats now; later reports too), on every way
// out: a normal end (guest exit, triple fault with -no-reboot, monitor `quit`) and SIGINT,
// SIGTERM or SIGHUP, after which the process still dies of the signal.

import { flushAllOutput } from '../devices/chardev-output.js';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export class ExitReports {
  private done = false;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    flushAllOutput(); // the guest's output first, then the report
    this.write();
    this.uninstall();
    // The chardev hooks, when installed, re-raise the signal after us; otherwise we do.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  /** `write` prints the reports; it runs once, whichever way out comes first. */
  constructor(private readonly report: () => void) {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  write(): void {
    if (this.done) return;
    this.done = true;
    this.report();
  }

  uninstall(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}
