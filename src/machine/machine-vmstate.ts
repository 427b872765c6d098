// The pc machine's own migration section: a reset requested but not yet done (guest time
// spent halted travels with the CPU, cpu.idleNs).

import type { VMStateDescription } from '../memory/index.js';

export const MACHINE_VMSTATE: VMStateDescription = {
  name: 'pc-machine',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'resetPending', type: 'bool' },
  ],
  unmigrated: [
    // configuration and devices with their own sections
    'serialPorts', 'below4g', 'above4g', 'biosImage', 'linuxKernel', 'blockDevices',
    // between slices (where a migration happens) there is no slice end
    'sliceEndNs',
    // how often the run loop looks at host events (a display's setting), and --profile's slice cap
    'hostPollSlices', 'sliceLimit',
    // the local side of a migration
    'incomingStarted', 'throttleCredit',
  ],
};
