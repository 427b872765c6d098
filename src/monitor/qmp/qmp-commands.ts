// QMP's commands with QEMU 7.2's names, arguments and return values. Each one calls what the
// human monitor's command calls (machine run states, memorySave, screendumpTo, the migration
// manager), so the two monitors cannot drift apart.

import { TCG86_VERSION, runCommand, type MonitorContext } from '../commands.js';
import { CommandError } from '../command-error.js';
import { MonitorError } from '../expr.js';
import { FormatDefaults, memorySave } from '../memory-dump.js';
import { screendumpTo } from '../screendump-cmd.js';
import { MachineError, type PcMachine } from '../../machine/pc.js';
import { MigrationError } from '../../migration/bytes.js';
import type { MigrationManager } from '../../migration/migration.js';
import { enumItem, QapiArgs } from './qapi-args.js';
import { QDict, QNum, type QObject } from './qobject.js';
import { deviceAdd, deviceDel, objectAdd, objectDel, type PropValue } from '../memory-hotplug.js';
import { dimmsByAddress, memdevList } from '../../machine/memory-devices.js';

export interface QmpContext {
  readonly machine: PcMachine;
  /** x/xp defaults of human-monitor-command, kept per QMP monitor as QEMU does. */
  readonly formats: FormatDefaults;
  readonly startNs: bigint;
  /** qmp_capabilities: enable the capabilities asked for. */
  negotiate(enable: readonly string[]): void;
}

export interface QmpCommand {
  name: string;
  run(ctx: QmpContext, args: QapiArgs): QObject;
}

/** tcg86's version as QEMU's VersionInfo: the QEMU release it follows, and its own in `package`. */
export function versionInfo(): QObject {
  return { qemu: { major: 7, minor: 2, micro: 0 }, package: `tcg86 ${TCG86_VERSION}` };
}

/** The migration, machine and HMP errors shared commands throw, as QMP's GenericError. */
function shared<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MigrationError || e instanceof MachineError || e instanceof MonitorError) {
      throw new CommandError(e.message.replace(/^-incoming: /, ''));
    }
    throw e;
  }
}

/** The integer members of memsave/pmemsave and human-monitor-command's cpu-index: one vCPU, index 0. */
function checkCpuIndex(index: bigint | undefined): void {
  if (index !== undefined && index !== 0n) throw new CommandError("Parameter 'cpu-index' expects a CPU number");
}

/** QEMU's MigrationInfo for query-migrate (the members tcg86 counts). */
function migrationInfo(m: MigrationManager): QObject {
  if (m.status === 'none') return {};
  const info: { [k: string]: QObject | undefined } = { status: m.status };
  const done = m.status === 'completed';
  const total = done || !m.active ? m.totalMs : m.now() - m.startMs;
  if (m.status !== 'setup') info['total-time'] = Math.round(total);
  if (done) info.downtime = Math.round(m.downtimeMs);
  else if (m.active) info['expected-downtime'] = Math.round(m.expectedDowntimeMs);
  info['setup-time'] = Math.round(m.setupMs);
  const ram = m.ram;
  if (ram) {
    const secs = Math.max(total, 1) / 1000;
    info.ram = {
      transferred: m.transferred,
      remaining: ram.dirtyPages * 4096,
      total: ram.totalBytes,
      duplicate: ram.zeroPages,
      skipped: 0,
      normal: ram.normalPages,
      'normal-bytes': ram.normalPages * 4096,
      'dirty-sync-count': ram.syncCount,
      'page-size': 4096,
      mbps: (m.transferred * 8) / 1e6 / secs,
      'pages-per-second': Math.round((ram.normalPages + ram.zeroPages) / secs),
    };
  }
  if (m.status === 'failed' && m.error) info['error-desc'] = m.error;
  return info;
}

/** QEMU 7.2's RunState names for query-status. */
function runStatus(m: PcMachine): string {
  return m.runState;
}

const MIGRATION_CAPS = ['events', 'auto-converge'] as const;

const COMMANDS: QmpCommand[] = [
  {
    name: 'qmp_capabilities',
    run: (c, a) => {
      const enable = a.list('enable', enumItem(['oob'] as const), true) ?? [];
      a.done();
      c.negotiate(enable);
      return {};
    },
  },
  { name: 'query-version', run: (_c, a) => (a.done(), versionInfo()) },
  {
    name: 'query-status',
    run: (c, a) => {
      a.done();
      return { running: c.machine.runState === 'running', singlestep: false, status: runStatus(c.machine) };
    },
  },
  // NameInfo: the -name given, or empty without one (as QEMU).
  { name: 'query-name', run: (c, a) => (a.done(), c.machine.config.name ? { name: c.machine.config.name } : {}) },
  {
    name: 'query-cpus-fast',
    run: (c, a) => {
      a.done();
      // QEMU's pc prefers cores: -smp N is one socket of N cores; CPU 0 is device[0], the
      // others follow the board's devices created in between (device[1]).
      return c.machine.cpus.map((_, i) => ({
        'cpu-index': i,
        'qom-path': `/machine/unattached/device[${i === 0 ? 0 : i + 1}]`,
        'thread-id': process.pid,
        props: { 'socket-id': 0, 'core-id': i, 'thread-id': 0 },
        target: 'i386',
      }));
    },
  },
  { name: 'query-commands', run: (_c, a) => (a.done(), COMMANDS.map((k) => ({ name: k.name }))) },
  {
    name: 'stop',
    run: (c, a) => {
      a.done();
      c.machine.stop();
      return {};
    },
  },
  {
    name: 'cont',
    run: (c, a) => {
      a.done();
      if (c.machine.runState === 'shutdown') throw new CommandError('Resetting the Virtual Machine is required');
      c.machine.cont();
      return {};
    },
  },
  {
    name: 'system_reset',
    run: (c, a) => {
      a.done();
      c.machine.requestReset('host-qmp-system-reset');
      c.machine.serviceResetRequest();
      return {};
    },
  },
  {
    name: 'quit',
    run: (c, a) => {
      a.done();
      // As QEMU: the SHUTDOWN event, then the reply; the run ends once the loop sees it.
      c.machine.quit();
      return {};
    },
  },
  {
    name: 'human-monitor-command',
    run: (c, a) => {
      const line = a.str('command-line');
      checkCpuIndex(a.int('cpu-index', true));
      a.done();
      let out = '';
      const ctx: MonitorContext = {
        machine: c.machine,
        formats: c.formats,
        startNs: c.startNs,
        print: (text) => (out += text.replace(/\n/g, '\r\n')),
      };
      runCommand(ctx, line);
      return out;
    },
  },
  {
    name: 'memsave',
    run: (c, a) => {
      const addr = a.int('val');
      const size = a.int('size');
      const file = a.str('filename');
      checkCpuIndex(a.int('cpu-index', true));
      a.done();
      memorySave(c.machine.monitorCpu, addr, size, file, false);
      return {};
    },
  },
  {
    name: 'pmemsave',
    run: (c, a) => {
      const addr = a.int('val');
      const size = a.int('size');
      const file = a.str('filename');
      a.done();
      memorySave(c.machine.monitorCpu, addr, size, file, true);
      return {};
    },
  },
  {
    name: 'screendump',
    run: (c, a) => {
      const file = a.str('filename');
      const device = a.str('device', true);
      const head = a.int('head', true);
      const format = a.enumValue('format', ['ppm', 'png'] as const, true) ?? 'ppm';
      a.done();
      screendumpTo(c.machine, file, format, device, head === undefined ? undefined : Number(head));
      return {};
    },
  },
  {
    name: 'query-memdev',
    run: (c, a) => {
      a.done();
      return memdevList(c.machine.memoryDevices, c.machine.config.ramSize).map((m) => ({
        id: m.id,
        size: m.size,
        merge: true,
        dump: true,
        prealloc: false,
        share: m.share,
        reserve: true,
        'host-nodes': [],
        policy: 'default',
      }));
    },
  },
  {
    name: 'query-memory-devices',
    run: (c, a) => {
      a.done();
      return dimmsByAddress(c.machine.memoryDevices).map((d) => ({
        type: 'dimm',
        data: {
          id: d.id ?? undefined,
          addr: d.addr,
          size: d.memdev.size,
          slot: d.slot,
          node: 0,
          memdev: `/objects/${d.memdev.id}`,
          hotplugged: d.hotplugged,
          hotpluggable: true,
        },
      }));
    },
  },
  {
    name: 'object-add',
    run: (c, a) => {
      objectAdd(c.machine, freeForm(a));
      return {};
    },
  },
  {
    name: 'object-del',
    run: (c, a) => {
      const id = a.str('id');
      a.done();
      objectDel(c.machine, id);
      return {};
    },
  },
  {
    name: 'device_add',
    run: (c, a) => {
      deviceAdd(c.machine, freeForm(a));
      return {};
    },
  },
  {
    name: 'device_del',
    run: (c, a) => {
      const id = a.str('id');
      a.done();
      deviceDel(c.machine, id);
      return {};
    },
  },
  { name: 'query-migrate', run: (c, a) => (a.done(), migrationInfo(c.machine.migration)) },
  {
    name: 'migrate',
    run: (c, a) => {
      const uri = a.str('uri');
      a.bool('blk', true);
      a.bool('inc', true);
      a.bool('detach', true);
      const resume = a.bool('resume', true);
      a.done();
      if (resume) throw new CommandError('Cannot resume if there is no paused migration');
      if (!/^(tcp|unix|exec|fd|file):/.test(uri)) throw new CommandError("Parameter 'uri' expects a valid migration protocol");
      shared(() => c.machine.migration.start(uri));
      return {};
    },
  },
  {
    name: 'migrate_cancel',
    run: (c, a) => {
      a.done();
      c.machine.migration.cancel();
      return {};
    },
  },
  {
    name: 'migrate-incoming',
    run: (c, a) => {
      const uri = a.str('uri');
      a.done();
      const m = c.machine;
      if (m.config.incoming !== 'defer') throw new CommandError("'-incoming' was not specified on the command line");
      if (m.incomingStarted) throw new CommandError('The incoming migration has already been started');
      shared(() => m.startIncoming(uri));
      return {};
    },
  },
  {
    name: 'migrate-set-capabilities',
    run: (c, a) => {
      const caps = a.list('capabilities', (v, name) => {
        if (!(v instanceof QDict)) throw new CommandError(`Invalid parameter type for '${name}', expected: object`);
        const args = new QapiArgs(v);
        const capability = args.enumValue('capability', MIGRATION_CAPS)!;
        const state = args.bool('state')!;
        args.done();
        return { capability, state };
      })!;
      a.done();
      if (c.machine.migration.active) throw new CommandError('There\'s a migration process in progress');
      for (const { capability, state } of caps) setCap(c.machine.migration, capability, state);
      return {};
    },
  },
  {
    name: 'query-migrate-capabilities',
    run: (c, a) => {
      a.done();
      const caps = c.machine.migration.caps;
      return [
        { capability: 'auto-converge', state: caps.autoConverge },
        { capability: 'events', state: caps.events },
      ];
    },
  },
];

/** A command whose members are properties (object-add, device_add): numbers and strings. */
function freeForm(a: QapiArgs): Map<string, PropValue> {
  const props = new Map<string, PropValue>();
  for (const [k, v] of a.members()) {
    // QMP is typed: a size must be a JSON number (HMP's text takes suffixes).
    if (typeof v === 'string' && k === 'size') throw new CommandError("Parameter 'size' expects uint64");
    if (typeof v === 'string') props.set(k, v);
    else if (v instanceof QNum) props.set(k, v.value);
    else if (typeof v === 'boolean') props.set(k, v ? 'on' : 'off');
    else throw new CommandError(`Invalid parameter type for '${k}', expected: string`);
  }
  return props;
}

function setCap(m: MigrationManager, capability: (typeof MIGRATION_CAPS)[number], state: boolean): void {
  if (capability === 'events') m.caps.events = state;
  else m.caps.autoConverge = state;
}

export function findQmpCommand(name: string): QmpCommand | undefined {
  return COMMANDS.find((k) => k.name === name);
}
