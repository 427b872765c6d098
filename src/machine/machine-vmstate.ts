// The pc machine's own migration section: guest time spent halted (guest time is
// instructions << shift plus this) and a reset requested but not yet done.

import type { VMStateDescription } from '../memory/index.js';

export const MACHINE_VMSTATE: VMStateDescription = {
  name: 'pc-machine',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'idleNs', type: 'float64' },
    { name: 'resetPending', type: 'bool' },
  ],
  unmigrated: [
    // configuration and devices with their own sections
    'serialPorts', 'below4g', 'above4g', 'biosImage',
    // between slices (where a migration happens) there is no slice end
    'sliceEndNs',
    // how often the run loop looks at host events (a display's setting)
    'hostPollSlices',
    // the local side of a migration
    'incomingStarted', 'throttleCredit',
  ],
};
