// The AML encoder against the byte forms in ACPI 6.4 chapter 20 (and what iasl emits for the
// same ASL): package lengths, integers, names, EISA ids, strings, methods, resource templates.
import { describe, expect, it } from 'vitest';
import * as aml from '../../../src/machine/acpi/aml.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('AML encoder', () => {
  it('encodes PkgLength in one to four bytes, counting itself', () => {
    expect(hex(aml.pkgLength(0))).toBe('01');
    expect(hex(aml.pkgLength(0x3e))).toBe('3f');
    expect(hex(aml.pkgLength(0x3f))).toBe('4104'); // 0x41 total: low nibble 1, then 0x04
    expect(hex(aml.pkgLength(0xffd))).toBe('4fff');
    expect(hex(aml.pkgLength(0xffe))).toBe('810001'); // 0x1000 total needs three bytes: 0x1001
    expect(() => aml.pkgLength(0x10000000)).toThrow(/too long/);
  });

  it('picks the shortest integer form', () => {
    expect(hex(aml.int(0))).toBe('00');
    expect(hex(aml.int(1))).toBe('01');
    expect(hex(aml.int(0x0b))).toBe('0a0b');
    expect(hex(aml.int(0x1234))).toBe('0b3412');
    expect(hex(aml.int(0xfed00000))).toBe('0c0000d0fe');
    expect(hex(aml.int(0x100000000n))).toBe('0e0000000001000000');
    expect(hex(aml.int(0xffffffffffffffffn))).toBe('ff');
    expect(() => aml.int(-1)).toThrow(/out of range/);
  });

  it('encodes names with root and parent prefixes and dual/multi segments', () => {
    expect(hex(aml.name('_HID'))).toBe('5f484944');
    expect(hex(aml.name('RTC'))).toBe('5254435f');
    expect(hex(aml.name('\\_SB'))).toBe('5c5f53425f');
    expect(hex(aml.name('PCI0.ISA'))).toBe('2e504349304953415f');
    expect(hex(aml.name('\\_SB.PCI0.ISA'))).toBe('5c2f035f53425f504349304953415f');
    expect(hex(aml.name('^^PRQ0'))).toBe('5e5e50525130');
    expect(() => aml.name('lower')).toThrow(/bad name segment/);
  });

  it("compresses EISA ids as iasl's EisaId()", () => {
    expect(hex(aml.eisaId('PNP0A03'))).toBe('0c41d00a03');
    expect(hex(aml.eisaId('PNP0303'))).toBe('0c41d00303');
    expect(() => aml.eisaId('pnp0303')).toThrow(/bad EISA id/);
  });

  it('builds names, methods, packages and resource templates', () => {
    expect(hex(aml.nameDecl('_STA', aml.int(0x0f)))).toBe('085f5354410a0f');
    expect(hex(aml.str('ACPI0006'))).toBe('0d414350493030303600');
    // Method(_STA, 0, NotSerialized) { Return (0x0B) }
    expect(hex(aml.method('_STA', 0, false, aml.ret(aml.int(0x0b))))).toBe('14095f53544100a40a0b');
    expect(hex(aml.method('IQCR', 1, true))).toBe('140649514352' + '09');
    expect(hex(aml.pkgOf(aml.int(0), aml.int(0)))).toBe('1204020000');
    // ResourceTemplate() { IRQNoFlags() {8} }: Buffer(5) { 22 00 01 79 00 }
    expect(hex(aml.resourceTemplate(aml.irqNoFlags(8)))).toBe('11080a052200017900');
    expect(hex(aml.io(0x70, 0x70, 1, 8))).toBe('4701700070000108');
    expect(hex(aml.memory32Fixed(0xfed00000, 0x400, false))).toBe('86090000' + '0000d0fe' + '00040000');
    expect(hex(aml.interrupt(true, false, true, [5, 10, 11]))).toBe('890e00090305000000' + '0a000000' + '0b000000');
  });

  it('writes the table header of a DefinitionBlock', () => {
    const t = aml.definitionBlock('DSDT', 1, 'BOCHS ', 'BXPC    ', Uint8Array.from([0xa4, 0x00]));
    expect(t.length).toBe(38);
    expect(Buffer.from(t.subarray(0, 4)).toString()).toBe('DSDT');
    expect(new DataView(t.buffer).getUint32(4, true)).toBe(38);
    expect(Buffer.from(t.subarray(10, 36)).toString('latin1')).toBe('BOCHS BXPC    \x01\x00\x00\x00BXPC\x01\x00\x00\x00');
  });
});
