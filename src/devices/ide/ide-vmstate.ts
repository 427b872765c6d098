// Migration sections of the IDE side (QEMU's vmstate_ide_drive, vmstate_ide_bus and the
// bmdma section): the task file, PIO and ATAPI transfer state with the buffer, the selected
// drive and device control per channel, and the bus-master engine's place in its PRD table.

import type { VMStateDescription, VMStateField } from '../../memory/index.js';

const u8 = (name: string): VMStateField => ({ name, type: 'uint8' });
const u32 = (name: string): VMStateField => ({ name, type: 'uint32' });
const bool = (name: string): VMStateField => ({ name, type: 'bool' });

export const IDE_DRIVE_VMSTATE: VMStateDescription = {
  name: 'ide_drive',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    ...['feature', 'error', 'sector', 'lcyl', 'hcyl', 'hobFeature', 'hobNsector', 'hobSector', 'hobLcyl', 'hobHcyl', 'select', 'status'].map(u8),
    u32('nsector'),
    u8('heads'),
    u8('sectors'),
    bool('lba48'),
    u8('multSectors'),
    u32('reqNbSectors'),
    bool('writeCache'),
    bool('identifySet'),
    { name: 'identifyData', type: 'buffer' },
    // The buffer only matters while a PIO transfer is under way (QEMU's pio_state subsection):
    // then the bytes up to the transfer's end (or a whole CD sector) travel, else none.
    {
      name: 'ioBuffer',
      type: 'uint8-list',
      get: (s: { status: number; dataEnd: number; ioBufferSize: number; ioBuffer: Uint8Array }) =>
        s.status & 0x08 ? Array.from(s.ioBuffer.subarray(0, Math.max(s.dataEnd, Math.min(s.ioBufferSize, s.ioBuffer.length), 2352))) : [],
      set: (s: { ioBuffer: Uint8Array }, v: number[]) => s.ioBuffer.set(v.slice(0, s.ioBuffer.length)),
    },
    u32('dataPtr'),
    u32('dataEnd'),
    u8('endTransferFn'),
    u32('ioBufferIndex'),
    u32('ioBufferSize'),
    u8('dmaCmd'),
    { name: 'lba', type: 'int32' },
    u32('cdSectorSize'),
    { name: 'packetTransferSize', type: 'int32' },
    { name: 'elementaryTransferSize', type: 'int32' },
    bool('atapiDma'),
    u8('senseKey'),
    u8('asc'),
    bool('trayOpen'),
    bool('trayLocked'),
    bool('newMedia'),
  ],
  // The geometry and size come from the image both sides open; the scatter/gather list lives
  // only while one request is moved.
  unmigrated: ['unit', 'cylinders', 'nbSectors', 'biosTranslation', 'sgAddr', 'sgLen', 'sgSize'],
};

export const IDE_BUS_VMSTATE: VMStateDescription = {
  name: 'ide_bus',
  versionId: 1,
  minimumVersionId: 1,
  fields: [u8('unit'), u8('cmd')],
  unmigrated: ['busId', 'iobase', 'iobase2'],
};

export const BMDMA_VMSTATE: VMStateDescription = {
  name: 'bmdma',
  versionId: 1,
  minimumVersionId: 1,
  fields: [u8('cmd'), u8('status'), u32('addr'), u32('curAddr'), bool('curPrdLast'), u32('curPrdAddr'), u32('curPrdLen'), u8('dmaCb'), u8('unit')],
  unmigrated: ['prd'],
};
