// Test helper: a 64 KiB I/O address space to map devices into and drive with inb/outb.
import { MemoryRegion, MemorySystem, type AddressSpace } from '../../src/memory/index.js';

export interface IoSpace {
  sys: MemorySystem;
  root: MemoryRegion;
  as: AddressSpace;
  outb(port: number, v: number): void;
  inb(port: number): number;
  outw(port: number, v: number): void;
  inw(port: number): number;
}

export function ioSpace(): IoSpace {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'io', 0x10000);
  const as = sys.newAddressSpace(root, 'I/O');
  return {
    sys,
    root,
    as,
    outb: (p, v) => void as.stb(p, v),
    inb: (p) => as.ldub(p),
    outw: (p, v) => void as.stw(p, v),
    inw: (p) => as.lduw(p),
  };
}
