// The PC devices' public surface: plumbing (IRQ lines, virtual clock, char backends) and the
// devices of the pc board (ISA ones, and the std VGA). Each exposes its regions and a map() helper.

export * from './irq.js';
export * from './clock.js';
export * from './chardev.js';
export * from './debugcon.js';
export * from './debug-exit.js';
export * from './ioport80.js';
export * from './ioportf0.js';
export * from './i8259.js';
export * from './i8254.js';
export * from './pcspk.js';
export * from './mc146818rtc.js';
export * from './port92.js';
export * from './fw-cfg.js';
export * from './ps2kbd.js';
export * from './i8042.js';
export * from './serial-16550a.js';
export * from './portio.js';
export * from './vga/index.js';
