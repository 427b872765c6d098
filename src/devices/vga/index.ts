// The std VGA (VGA core + Bochs VBE): the device class, its register names, its memory logic.

export * from './vga.js';
export * from './vga-regs.js';
export { vgaMemReadb, vgaMemWriteb } from './vga-mem.js';
export { vgaIoportRead, vgaIoportWrite } from './vga-ioport.js';
export { vbeIoportReadData, vbeIoportWriteData, vbeUpdateVgaregs } from './vbe.js';
