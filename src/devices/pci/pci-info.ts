// `info pci` in QEMU's layout (hmp_info_pci): one block per function with its class, ids,
// subsystem, interrupt line and pin, and every BAR with its current range (an unmapped BAR
// shows address all-ones, and its end wraps, exactly as QEMU prints it).

import type { PCIBus } from './pci-bus.js';
import { word } from './pci-device.js';
import {
  PCI_BAR_UNMAPPED,
  PCI_BASE_ADDRESS_MEM_PREFETCH,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_CLASS_DEVICE,
  PCI_DEVICE_ID,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_VENDOR_ID,
} from './pci-regs.js';

/** The class names QEMU's pci_class_descriptions gives the pc's functions. */
const CLASS_NAMES: Record<number, string> = {
  0x0101: 'IDE controller',
  0x0200: 'Ethernet controller',
  0x0300: 'VGA controller',
  0x0600: 'Host bridge',
  0x0601: 'ISA bridge',
  0x0680: 'Bridge',
};

const hex = (v: bigint, width: number) => v.toString(16).padStart(width, '0');
const MASK64 = (1n << 64n) - 1n;

export function formatPciInfo(bus: PCIBus): string {
  let out = '';
  for (const dev of bus.devices) {
    if (!dev) continue;
    const c = dev.config;
    out += `  Bus  0, device ${String(dev.slot).padStart(3)}, function ${dev.fn}:\n`;
    const cls = word(c, PCI_CLASS_DEVICE);
    const vendorDevice = `${hex(BigInt(word(c, PCI_VENDOR_ID)), 4)}:${hex(BigInt(word(c, PCI_DEVICE_ID)), 4)}`;
    out += `    ${CLASS_NAMES[cls] ?? `Class ${hex(BigInt(cls), 4)}`}: PCI device ${vendorDevice}\n`;
    out += `      PCI subsystem ${hex(BigInt(word(c, PCI_SUBSYSTEM_VENDOR_ID)), 4)}:${hex(BigInt(word(c, PCI_SUBSYSTEM_ID)), 4)}\n`;
    if (c[PCI_INTERRUPT_PIN]) out += `      IRQ ${c[PCI_INTERRUPT_LINE]}, pin ${String.fromCharCode(0x40 + c[PCI_INTERRUPT_PIN]!)}\n`;
    dev.bars.forEach((bar, n) => {
      if (!bar) return;
      const addr = bar.addr === PCI_BAR_UNMAPPED ? MASK64 : BigInt(bar.addr);
      const end = (addr + BigInt(bar.size) - 1n) & MASK64;
      if (bar.type & PCI_BASE_ADDRESS_SPACE_IO) {
        out += `      BAR${n}: I/O at 0x${hex(addr, 4)} [0x${hex(end, 4)}].\n`;
      } else {
        const bits = bar.type & PCI_BASE_ADDRESS_MEM_TYPE_64 ? 64 : 32;
        const pf = bar.type & PCI_BASE_ADDRESS_MEM_PREFETCH ? ' prefetchable' : '';
        out += `      BAR${n}: ${bits} bit${pf} memory at 0x${hex(addr, 8)} [0x${hex(end, 8)}].\n`;
      }
    });
    out += '      id ""\n';
  }
  return out;
}
