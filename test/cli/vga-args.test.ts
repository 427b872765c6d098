// -vga std|none and -nodefaults: the std VGA is there by default (as on QEMU's pc), -vga none or
// -nodefaults remove it, an explicit -vga std brings it back, other adapters are refused.
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';

const BASE = ['-bios', 'x.bin', '-nographic', '-serial', 'none', '-monitor', 'none'];

describe('-vga', () => {
  it('defaults to std; none and -nodefaults drop it; -vga std wins over -nodefaults', () => {
    expect(parseArgs(BASE).vga).toBe('std');
    expect(parseArgs([...BASE, '-vga', 'std']).vga).toBe('std');
    expect(parseArgs([...BASE, '-vga', 'none']).vga).toBe('none');
    expect(parseArgs([...BASE, '-nodefaults']).vga).toBe('none');
    expect(parseArgs([...BASE, '-nodefaults', '-vga', 'std']).vga).toBe('std');
  });
  it('other adapters are refused, naming the flag', () => {
    expect(() => parseArgs([...BASE, '-vga', 'cirrus'])).toThrow(UsageError);
    expect(() => parseArgs([...BASE, '-vga', 'cirrus'])).toThrow(/^-vga: 'cirrus' is not supported \(use std or none\)/);
  });
});
