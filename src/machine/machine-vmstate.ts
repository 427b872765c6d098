// The pc machine's own migration section: a reset requested but not yet done, and with -smp
// whose turn it is (guest time spent halted travels with the CPU, cpu.idleNs).

import type { VMStateDescription } from '../memory/index.js';
import type { PcMachine } from './pc.js';

export const MACHINE_VMSTATE: VMStateDescription = {
  name: 'pc-machine',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'resetPending', type: 'bool' },
    // -smp: the vCPU whose turn it is and what is left of it, so the interleaving goes on as it would have
    { name: 'curIndex', type: 'uint8' },
    { name: 'rrLeft', type: 'float64' },
    { name: 'haltedInRow', type: 'uint8' },
  ],
  postLoad: (m: PcMachine) => m.resumeTurn(),
  unmigrated: [
    // configuration and devices with their own sections
    'serialPorts', 'below4g', 'above4g', 'biosImage', 'linuxKernel', 'blockDevices',
    // between slices (where a migration happens) there is no slice end
    'sliceEndNs',
    // how often the run loop looks at host events (a display's setting), and --profile's slice cap
    'hostPollSlices', 'sliceLimit',
    // the local side of a migration
    'incomingStarted', 'throttleCredit',
    // the vCPUs, their APICs and engines have their own sections or are configuration; the
    // running CPU and engine follow curIndex; INITs are taken before a turn ends, so none is
    // pending between slices; the monitor's selected CPU is the local monitor's
    'cpus', 'apics', 'engines', 'curCpu', 'curEngine', 'apicBus', 'pendingInit', 'monitorCpuIndex',
  ],
};
