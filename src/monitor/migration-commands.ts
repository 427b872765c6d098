// The monitor's migration commands with QEMU's names: migrate [-d] URI, migrate_cancel,
// migrate_set_parameter, migrate_set_capability, migrate_incoming, info migrate and
// info migrate_parameters.

import { MigrationError } from '../migration/bytes.js';
import { formatMigrationInfo } from '../migration/migration-info.js';
import { formatParams, setCapability, setParam } from '../migration/params.js';
import { MachineError } from '../machine/pc.js';
import type { Command, MonitorContext } from './commands.js';
import { MonitorError } from './expr.js';

/** Run fn, turning a migration error into the monitor's one-line error. */
function guarded(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof MigrationError || e instanceof MachineError) throw new MonitorError(e.message.replace(/^-incoming: /, ''));
    throw e;
  }
}

function words(a: string, n: number, names: string[]): string[] {
  const w = a.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < n; i++) if (w[i] === undefined) throw new MonitorError(`Parameter '${names[i]}' is missing`, true);
  return w;
}

/** How often a suspended monitor looks at the migration's status (host ms). */
const MIGRATE_POLL_MS = 20;

export const MIGRATION_COMMANDS: Command[] = [
  {
    name: 'migrate',
    args: '[-d] uri',
    help: 'migrate to URI (using -d to not wait for completion)',
    // As QEMU's hmp_migrate: without -d the monitor is suspended (no prompt, input held)
    // until the migration completes, fails or is cancelled, while the guest, the event loop and
    // other monitors go on; a failure's reason is printed then. Where the monitor cannot be
    // suspended (human-monitor-command), QEMU's notice and a detached migration.
    run: (c: MonitorContext, a: string) => {
      const all = words(a, 1, ['uri']);
      const detach = all.includes('-d');
      const w = all.filter((x) => x !== '-d');
      if (w.length === 0) throw new MonitorError(`Parameter 'uri' is missing`, true);
      const m = c.machine.migration;
      guarded(() => m.start(w[0]!));
      if (detach) return;
      if (!c.suspend) {
        c.print('terminal does not allow synchronous migration, continuing detached\n');
        return;
      }
      c.suspend(
        new Promise<void>((resolve) => {
          const poll = setInterval(() => {
            if (m.status === 'setup' || m.status === 'active' || m.status === 'device') return;
            clearInterval(poll);
            if (m.status === 'failed' && m.error) c.print(`${m.error}\n`);
            resolve();
          }, MIGRATE_POLL_MS);
        }),
      );
    },
  },
  { name: 'migrate_cancel', args: '', help: 'cancel the current VM migration', run: (c) => c.machine.migration.cancel() },
  {
    name: 'migrate_set_parameter',
    args: 'parameter value',
    help: 'Set the parameter for migration',
    run: (c, a) => {
      const [name, value] = words(a, 2, ['parameter', 'value']);
      guarded(() => setParam(c.machine.migration.params, name!, value!));
    },
  },
  {
    name: 'migrate_set_capability',
    args: 'capability state',
    help: 'Enable/Disable the usage of a capability for migration',
    run: (c, a) => {
      const [name, value] = words(a, 2, ['capability', 'state']);
      guarded(() => setCapability(c.machine.migration.caps, name!, value!));
    },
  },
  {
    name: 'migrate_incoming',
    args: 'uri',
    help: 'Continue an incoming migration from an -incoming defer',
    run: (c, a) => {
      const [uri] = words(a, 1, ['uri']);
      const m = c.machine;
      if (m.config.incoming !== 'defer') throw new MonitorError("'-incoming' was not specified on the command line");
      if (m.incomingStarted) throw new MonitorError('The incoming migration has already been started');
      guarded(() => m.startIncoming(uri!));
    },
  },
];

export const MIGRATION_INFO: Command[] = [
  { name: 'migrate', args: '', help: 'show migration status', run: (c) => c.print(formatMigrationInfo(c.machine.migration)) },
  { name: 'migrate_parameters', args: '', help: 'show current migration parameters', run: (c) => c.print(formatParams(c.machine.migration.params)) },
];
