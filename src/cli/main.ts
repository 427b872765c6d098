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

async function main(argv: string[]): Promise<number> {
  let machine: PcMachine;
  try {
    const config = parseArgs(argv);
    for (const w of [...config.warnings, ...config.cpu.warnings]) process.stderr.write(`tcg86: warning: ${w}\n`);
    machine = new PcMachine(config);
  } catch (e) {
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
  try {
    await machine.chardevs.ready();
  } catch (e) {
    if (!(e instanceof ChardevError)) throw e;
    process.stderr.write(`tcg86: ${e.message}\n`);
    machine.shutdown();
    return 1;
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
      process.stderr.write(`tcg86: ${e.message}\n`);
      machine.shutdown();
      return 1;
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
      process.stderr.write(`tcg86: ${(e as Error).message}\n`);
      vnc.close();
      curses?.close();
      machine.shutdown();
      return 1;
    }
  }
  const start = process.hrtime.bigint();
  try {
    return await machine.run();
  } finally {
    curses?.close();
    vnc?.close();
    machine.shutdown();
    // A reply to quit and the SHUTDOWN event reach socket clients before the process ends.
    await machine.chardevs.closed(1000);
    if (machine.config.stats !== 'none') {
      const stats = collectStats(machine, Number(process.hrtime.bigint() - start) / 1e9);
      process.stderr.write(machine.config.stats === 'json' ? JSON.stringify(stats) + '\n' : formatStats(stats));
    }
  }
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e: unknown) => {
    process.stderr.write(`tcg86: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(70);
  },
);
