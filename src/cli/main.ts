#!/usr/bin/env node
// tcg86's command line: parse QEMU-style flags, build the pc machine, run it, exit with the
// guest's status. Usage errors and bad input are reported on stderr naming what was wrong.

import { HelpRequest, parseArgs, UsageError } from './args.js';
import { MachineError, PcMachine } from '../machine/pc.js';
import { collectStats, formatStats } from '../machine/stats.js';
import { Monitor } from '../monitor/monitor.js';
import { QmpMonitor } from '../monitor/qmp/qmp-monitor.js';
import { ChardevError } from '../machine/chardevs.js';
import { CursesDisplay } from './curses.js';
import { VncServer } from '../ui/vnc/vnc-server.js';
import { ExitReports } from './exit-reports.js';
import { ProgressLine, wantsProgress } from './progress.js';
import { PluginError, PluginManager } from '../plugin/manager.js';
import { TCG86_VERSION } from '../monitor/commands.js';
import { Profiler } from '../profile/profiler.js';
import { writeProfile } from '../profile/write-profile.js';

async function main(argv: string[]): Promise<number> {
  let machine: PcMachine;
  let reports: ExitReports | null = null;
  let progress: ProgressLine | null = null;
  let profiler: Profiler | null = null;
  let plugins: PluginManager | null = null;
  const start = process.hrtime.bigint();
  try {
    const config = parseArgs(argv);
    for (const w of [...config.warnings, ...config.cpu.warnings]) process.stderr.write(`tcg86: warning: ${w}\n`);
    // Before the machine, so the signal handler runs before the chardev hooks re-raise it.
    if (config.stats !== 'none' || config.profile !== null || config.plugins.length > 0) {
      reports = new ExitReports(() => {
        progress?.stop();
        // Plugins' atexit callbacks run on a signal too, as QEMU's do on its way out.
        try {
          plugins?.finish();
        } catch (e) {
          if (!(e instanceof PluginError)) throw e;
          process.stderr.write(`tcg86: ${e.message}\n`);
        }
        if (profiler !== null) {
          const err = writeProfile(config.profile!, profiler.report());
          if (err) process.stderr.write(`tcg86: --profile ${config.profile}: ${err}\n`);
        }
        if (config.stats === 'none') return;
        const stats = collectStats(machine, Number(process.hrtime.bigint() - start) / 1e9);
        process.stderr.write(config.stats === 'json' ? JSON.stringify(stats) + '\n' : formatStats(stats));
      });
    }
    machine = new PcMachine(config);
    if (config.profile !== null) profiler = new Profiler(machine, ['tcg86', ...argv].join(' '));
  } catch (e) {
    reports?.uninstall();
    if (e instanceof HelpRequest) {
      process.stdout.write(e.message);
      return 0;
    }
    if (e instanceof UsageError || e instanceof MachineError) {
      process.stderr.write(`tcg86: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  /** A start-up failure after the machine exists: one line, nothing left running. */
  const refuse = (message: string): number => {
    process.stderr.write(`tcg86: ${message}\n`);
    reports?.uninstall();
    machine.shutdown();
    return 1;
  };
  try {
    await machine.chardevs.ready();
  } catch (e) {
    if (!(e instanceof ChardevError)) throw e;
    return refuse(e.message);
  }
  if (machine.config.plugins.length > 0) {
    plugins = new PluginManager(machine.cpu, (text) => machine.log.write(text), TCG86_VERSION);
    try {
      for (const p of machine.config.plugins) await plugins.load(p.file, p.argv);
      machine.cpu.plugins = plugins;
      plugins.start();
    } catch (e) {
      if (!(e instanceof PluginError)) throw e;
      return refuse(e.message);
    }
  }
  const monitorId = machine.config.monitor;
  if (monitorId) {
    const muxed = machine.config.chardevs.get(monitorId)?.mux === true;
    new Monitor(machine, machine.chardevs.get(monitorId), { muxed });
  }
  for (const id of machine.config.qmp) new QmpMonitor(machine, machine.chardevs.get(id));
  const incoming = machine.config.incoming;
  if (incoming === 'defer') machine.runState = 'inmigrate';
  else if (incoming) {
    try {
      machine.startIncoming(incoming);
    } catch (e) {
      if (!(e instanceof MachineError)) throw e;
      return refuse(e.message);
    }
  }
  machine.migrateAt = machine.config.migrateAt;
  const curses = machine.config.display === 'curses' ? new CursesDisplay(machine) : null;
  let vnc: VncServer | null = null;
  if (machine.config.vnc) {
    vnc = new VncServer(machine, machine.config.vnc);
    try {
      await vnc.listen();
    } catch (e) {
      vnc.close();
      curses?.close();
      return refuse((e as Error).message);
    }
  }
  progress = wantsProgress(machine, process.stderr.isTTY === true) ? new ProgressLine(machine, (t) => process.stderr.write(t)) : null;
  let status = 1;
  try {
    status = await machine.run();
  } catch (e) {
    if (!(e instanceof PluginError)) throw e;
    process.stderr.write(`tcg86: ${e.message}; the run ends\n`);
  } finally {
    progress?.stop();
    curses?.close();
    vnc?.close();
    try {
      plugins?.finish();
    } catch (e) {
      if (!(e instanceof PluginError)) throw e;
      process.stderr.write(`tcg86: ${e.message}\n`);
      status = 1;
    }
    machine.shutdown();
    // A reply to quit and the SHUTDOWN event reach socket clients before the process ends.
    await machine.chardevs.closed(1000);
    reports?.write();
    reports?.uninstall();
  }
  return status;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e: unknown) => {
    process.stderr.write(`tcg86: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(70);
  },
);
