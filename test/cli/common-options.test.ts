// QEMU options that scripts often pass: -name (info name), -no-hpet and -machine hpet=on|off
// (the HPET is on by default), -k en-us, -nic none. What tcg86 cannot do is refused by name,
// never as an unknown option.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';

const BASE = ['-bios', 'x.bin', '-serial', 'none', '-monitor', 'none'];

describe('common QEMU options', () => {
  it('are accepted with the meaning they have here', () => {
    expect(parseArgs([...BASE, '-name', 'vm1']).name).toBe('vm1');
    expect(parseArgs([...BASE, '-name', 'guest=vm2,process=p,debug-threads=on']).name).toBe('vm2');
    expect(parseArgs(BASE).name).toBe('');
    for (const extra of [['-no-hpet'], ['-machine', 'pc,hpet=off'], ['-k', 'en-us'], ['-nic', 'none']]) {
      expect(() => parseArgs([...BASE, ...extra])).not.toThrow();
    }
    expect(parseArgs(BASE).hpet).toBe(true);
    expect(parseArgs([...BASE, '-no-hpet']).hpet).toBe(false);
    expect(parseArgs([...BASE, '-M', 'pc,hpet=off']).hpet).toBe(false);
    expect(parseArgs([...BASE, '-no-hpet', '-M', 'pc,hpet=on']).hpet).toBe(true);
  });

  it('what tcg86 lacks is refused by name', () => {
    expect(() => parseArgs([...BASE, '-M', 'pc,hpet=maybe'])).toThrow(/^-M: Parameter 'hpet' expects 'on' or 'off'/);
    expect(() => parseArgs([...BASE, '-k', 'fr'])).toThrow(/^-k: keyboard layout 'fr' is not supported/);
    expect(() => parseArgs([...BASE, '-nic', 'user'])).toThrow(/^-nic: 'user' is not supported/);
    for (const o of ['-no-acpi', '-usb', '-global', '-uuid']) expect(() => parseArgs([...BASE, o, 'x'])).toThrow(/is not supported by tcg86/);
    expect(() => parseArgs([...BASE, '-name', 'a,bogus=1'])).toThrow(/^-name: -name has no property 'bogus'/);
  });
});
