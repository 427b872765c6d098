// QEMU's pci-testdev (hw/misc/pci-testdev.c, 1b36:0005), which kvm-unit-tests use to time
// MMIO and port I/O exits: BAR0 is 4 KiB of MMIO, BAR1 256 ports. Writing a test number to
// offset 0 selects one of six tests (mmio/portio x no-eventfd/wildcard-eventfd/datamatch-eventfd);
// its header (test, width, offset, data, count, name) is then readable byte by byte, and
// writes at its offset either count (no-eventfd) or, as on QEMU, are taken by the test's
// ioeventfd and leave the count alone.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import { PCIDevice } from './pci-device.js';
import type { PCIBus } from './pci-bus.js';
import { PCI_BASE_ADDRESS_SPACE_IO, PCI_BASE_ADDRESS_SPACE_MEMORY } from './pci-regs.js';

const IOTEST_IOSIZE = 128;
const IOTEST_MEMSIZE = 2048;
const IOTEST_DATAMATCH = 0xfa;
const IOTEST_NOMATCH = 0xce;
const TESTS = ['no-eventfd', 'wildcard-eventfd', 'datamatch-eventfd'];
const TYPES = ['mmio', 'portio'];
/** The header before the name: test, width, pad[2], offset, data, pad[3], count. */
const HDR_SIZE = 16;

interface IOTest {
  hdr: Uint8Array;
  hasNotifier: boolean;
  matchData: boolean;
  size: number;
}

export class PCITestDevState extends PCIDevice {
  readonly mmio: MemoryRegion;
  readonly portio: MemoryRegion;
  private readonly tests: IOTest[] = [];
  /** The selected test, -1 for none. */
  current = -1;
  /** Writes an ioeventfd took (QEMU signals an eventfd nobody reads). */
  notified = 0;

  constructor(sys: MemorySystem, bus: PCIBus, devfn: number) {
    super(sys, 'pci-testdev', devfn, { vendor: 0x1b36, device: 0x0005, classId: 0x00ff, revision: 0 });
    bus.plug(this);
    for (let i = 0; i < TESTS.length * TYPES.length; i++) {
      const test = TESTS[i % TESTS.length]!;
      const isMem = i < TESTS.length;
      const name = `${TYPES[Math.floor(i / TESTS.length)]}-${test}`;
      const hdr = new Uint8Array(HDR_SIZE + name.length + 1);
      const matchData = test !== 'wildcard-eventfd';
      hdr[0] = i;
      hdr[1] = 1; // access width
      new DataView(hdr.buffer).setUint32(4, (isMem ? IOTEST_MEMSIZE : IOTEST_IOSIZE) + i, true);
      hdr[8] = matchData ? IOTEST_DATAMATCH : IOTEST_NOMATCH;
      for (let k = 0; k < name.length; k++) hdr[HDR_SIZE + k] = name.charCodeAt(k);
      this.tests.push({ hdr, hasNotifier: test !== 'no-eventfd', matchData, size: 1 });
    }
    const ops = (type: number) => ({
      read: (addr: number) => this.read(addr),
      write: (addr: number, value: number, size: number) => this.write(addr, value, size, type),
      impl: { minAccessSize: 1, maxAccessSize: 1 },
    });
    this.mmio = MemoryRegion.io(sys, 'pci-testdev', 'pci-testdev-mmio', IOTEST_MEMSIZE * 2, ops(0));
    this.portio = MemoryRegion.io(sys, 'pci-testdev', 'pci-testdev-portio', IOTEST_IOSIZE * 2, ops(1));
    this.registerBar(0, PCI_BASE_ADDRESS_SPACE_MEMORY, this.mmio);
    this.registerBar(1, PCI_BASE_ADDRESS_SPACE_IO, this.portio);
  }

  private read(addr: number): number {
    if (this.current < 0) return 0;
    const hdr = this.tests[this.current]!.hdr;
    // QEMU's bound check counts the access size (always 1 here: impl max 1).
    if (addr + 1 >= hdr.length) return 0;
    return hdr[addr]!;
  }

  private write(addr: number, value: number, size: number, type: number): void {
    if (addr === 0) {
      this.current = -1;
      if (value >= TESTS.length) return;
      const t = type * TESTS.length + value;
      new DataView(this.tests[t]!.hdr.buffer).setUint32(12, 0, true);
      this.current = t;
      return;
    }
    if (this.current < 0) return;
    const test = this.tests[this.current]!;
    const view = new DataView(test.hdr.buffer);
    if (addr !== view.getUint32(4, true)) return;
    if (test.matchData && (test.size !== size || value !== test.hdr[8])) return;
    // An ioeventfd on QEMU's region answers a matching write before the device sees it.
    if (test.hasNotifier) {
      this.notified++;
      return;
    }
    view.setUint32(12, (view.getUint32(12, true) + 1) >>> 0, true);
  }

  /** Each test's write count (migrated). */
  get counts(): number[] {
    return this.tests.map((t) => new DataView(t.hdr.buffer).getUint32(12, true));
  }

  set counts(v: number[]) {
    v.forEach((c, i) => new DataView(this.tests[i]!.hdr.buffer).setUint32(12, c >>> 0, true));
  }

  override reset(): void {
    super.reset();
    this.current = -1;
  }
}
