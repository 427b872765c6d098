// Port 0x61 (system control port B), as QEMU's pcspk: bit 0 drives PIT channel 2's gate,
// bit 1 enables speaker data; reads add the refresh toggle (bit 4) and channel 2's OUT (bit 5).

import { MemoryRegion, type MemorySystem } from '../memory/index.js';
import type { I8254 } from './i8254.js';
import type { VMStateDescription } from '../memory/index.js';

/** Port 0x61 (QEMU's vmstate_spk): the speaker data bit and the refresh toggle. */
export const PCSPK_VMSTATE: VMStateDescription = {
  name: 'pcspk',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'dataOn', type: 'bool' },
    { name: 'refresh', type: 'float64' },
  ],
  unmigrated: ['iobase'],
};

export class PcSpeakerPort {
  readonly iobase = 0x61;
  readonly region: MemoryRegion;
  /** Speaker data enable (bit 1); with the gate it decides whether the speaker would sound. */
  dataOn = false;
  /**
   * Bit 4 toggles on every read, as QEMU's dummy refresh clock does: BIOS delay loops wait for
   * it to change, so it must move even though no DRAM refresh is simulated.
   */
  private refresh = 0;

  constructor(sys: MemorySystem, private readonly pit: I8254) {
    this.region = MemoryRegion.io(sys, 'pcspk', 'pcspk', 1, {
      read: () => this.read(),
      write: (_addr, value) => {
        this.dataOn = (value & 2) !== 0;
        this.pit.setGate(2, (value & 1) !== 0);
      },
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    sys.vmstate.register(PCSPK_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    ioRoot.addSubregion(this.iobase, this.region);
  }

  private read(): number {
    const ch2 = this.pit.channels[2];
    this.refresh ^= 0x10;
    // Bits 6 and 7 (parity / channel check NMI sources) never fire here: read as 0, like QEMU.
    return (ch2.gate ? 1 : 0) | (this.dataOn ? 2 : 0) | this.refresh | (ch2.getOut() ? 0x20 : 0);
  }
}
