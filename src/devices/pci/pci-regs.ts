// PCI configuration-space offsets and bits (PCI Local Bus 3.0, type 0 header), as QEMU's
// include/standard-headers/linux/pci_regs.h names them.

export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_COMMAND_IO = 0x0001;
export const PCI_COMMAND_MEMORY = 0x0002;
export const PCI_COMMAND_MASTER = 0x0004;
export const PCI_COMMAND_PARITY = 0x0040;
export const PCI_COMMAND_SERR = 0x0100;
export const PCI_COMMAND_INTX_DISABLE = 0x0400;
export const PCI_STATUS = 0x06;
export const PCI_STATUS_INTERRUPT = 0x0008;
export const PCI_STATUS_FAST_BACK = 0x0080;
export const PCI_STATUS_DEVSEL_MEDIUM = 0x0200;
/** Status bits a write of 1 clears (QEMU's pci_init_w1cmask). */
export const PCI_STATUS_W1C = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_CLASS_DEVICE = 0x0a;
export const PCI_CACHE_LINE_SIZE = 0x0c;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_HEADER_TYPE_MULTI_FUNCTION = 0x80;
export const PCI_BASE_ADDRESS_0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_ROM_ADDRESS = 0x30;
export const PCI_ROM_ADDRESS_ENABLE = 0x01;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;
export const PCI_CONFIG_HEADER_SIZE = 0x40;
export const PCI_CONFIG_SPACE_SIZE = 0x100;

export const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
export const PCI_BASE_ADDRESS_SPACE_MEMORY = 0x00;
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x08;

/** BAR index of the expansion ROM (QEMU's PCI_ROM_SLOT). */
export const PCI_ROM_SLOT = 6;
export const PCI_NUM_REGIONS = 7;
export const PCI_NUM_PINS = 4;
/** An unmapped BAR's address (QEMU's PCI_BAR_UNMAPPED, all-ones). */
export const PCI_BAR_UNMAPPED = -1;

/** QEMU's default subsystem ids for its own devices (Red Hat / QEMU). */
export const PCI_SUBVENDOR_ID_REDHAT_QUMRANET = 0x1af4;
export const PCI_SUBDEVICE_ID_QEMU = 0x1100;

export const PCI_DEVFN = (slot: number, fn: number): number => ((slot & 0x1f) << 3) | (fn & 7);
