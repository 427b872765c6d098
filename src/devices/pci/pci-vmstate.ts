// Migration sections of the PCI side (QEMU's vmstate_pci_device and the per-chipset sections):
// a function's configuration space and INTx state, and what each function keeps beside it.
// post_load re-derives the mappings (BARs, PAM/SMRAM windows, PM and SMBus I/O) from the space.

import type { VMStateDescription, VMStateField } from '../../memory/index.js';
import type { PCIDevice } from './pci-device.js';
import { BMDMA_VMSTATE, IDE_BUS_VMSTATE, IDE_DRIVE_VMSTATE } from '../ide/ide-vmstate.js';

/** Own properties of every PCIDevice that are configuration, not state. */
const PCI_DEVICE_UNMIGRATED = ['wmask', 'w1cmask', 'devfn'];

/** A function's section: its config space and irq_state, then `fields`; BARs move after loading. */
export function pciDeviceVMState(
  name: string,
  fields: VMStateField[] = [],
  opts: { postLoad?: (dev: any) => void; unmigrated?: string[] } = {},
): VMStateDescription {
  return {
    name,
    versionId: 1,
    minimumVersionId: 1,
    fields: [{ name: 'config', type: 'buffer' }, { name: 'irqState', type: 'uint32' }, ...fields],
    postLoad: (dev: PCIDevice) => {
      dev.updateMappings();
      opts.postLoad?.(dev);
    },
    unmigrated: [...PCI_DEVICE_UNMIGRATED, ...(opts.unmigrated ?? [])],
  };
}

/** QEMU's PCIBUS section: the count of asserting devices per bus IRQ. */
export const PCI_BUS_VMSTATE: VMStateDescription = {
  name: 'PCIBUS',
  versionId: 1,
  minimumVersionId: 1,
  fields: [{ name: 'irqCount', type: 'buffer' }],
};

/** The config address register of mechanism #1. */
export const PCI_HOST_VMSTATE: VMStateDescription = {
  name: 'pci-host',
  versionId: 1,
  minimumVersionId: 1,
  fields: [{ name: 'configReg', type: 'uint32' }],
};

const ACPI_REGS_VMSTATE: VMStateDescription = {
  name: 'acpi-regs',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'sts', type: 'uint16' },
    { name: 'en', type: 'uint16' },
    { name: 'cnt', type: 'uint16' },
    { name: 'overflowTime', type: 'float64' },
  ],
  unmigrated: ['s4Val'],
};

const SMBUS_VMSTATE: VMStateDescription = {
  name: 'pm-smbus',
  versionId: 1,
  minimumVersionId: 1,
  fields: ['sts', 'ctl', 'cmd', 'addr', 'data0', 'data1', 'auxctl'].map((name) => ({ name, type: 'uint8' as const })),
};


export const I440FX_VMSTATE = pciDeviceVMState('I440FX', [], {
  postLoad: (d: { updateMemoryMappings(): void }) => d.updateMemoryMappings(),
});

export const PIIX3_VMSTATE = pciDeviceVMState('PIIX3', [
  { name: 'picLevels', type: 'uint64' },
  { name: 'rcr', type: 'uint8' },
]);

export const PIIX_IDE_VMSTATE = pciDeviceVMState('ide', [
  { name: 'bmdma', type: 'struct-array', vmsd: BMDMA_VMSTATE },
  { name: 'buses', type: 'struct-array', vmsd: IDE_BUS_VMSTATE },
  { name: 'drives', type: 'struct-array', vmsd: IDE_DRIVE_VMSTATE },
]);

export const PIIX4_PM_VMSTATE = pciDeviceVMState(
  'piix4_pm',
  [
    { name: 'apmc', type: 'uint8' },
    { name: 'apms', type: 'uint8' },
    { name: 'acpi', type: 'struct', vmsd: ACPI_REGS_VMSTATE },
    { name: 'smb', type: 'struct', vmsd: SMBUS_VMSTATE },
  ],
  { postLoad: (d: { updateIoSpaces(): void }) => d.updateIoSpaces() },
);

export const PCI_VGA_VMSTATE = pciDeviceVMState('vga-pci', [{ name: 'bigEndianFb', type: 'bool' }]);

/** pci-testdev: the selected test and each test's write count (QEMU keeps them in its headers). */
export const PCI_TESTDEV_VMSTATE = pciDeviceVMState(
  'pci-testdev',
  [
    { name: 'current', type: 'int32' },
    { name: 'notified', type: 'uint32' },
    {
      name: 'counts',
      type: 'float64-list',
      get: (d: { counts: number[] }) => d.counts,
      set: (d: { counts: number[] }, v: number[]) => (d.counts = v),
      check: (_d: unknown, v: number[]) => (v.length === 6 ? null : `pci-testdev: ${v.length} test counts, expected 6`),
    },
  ],
  { unmigrated: ['tests'] },
);
