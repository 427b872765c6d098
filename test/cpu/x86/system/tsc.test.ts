// The TSC counts whole guest nanoseconds: halted time ends at timer deadlines, which can fall
// between two nanoseconds (the ACPI PM timer's period is not whole), and RDTSC must still give
// an integer (a fractional count made BigInt throw when Linux idled at its shell prompt).
import { describe, expect, it } from 'vitest';
import { readTsc } from '../../../../src/cpu/x86/msr.js';
import { makeMachine } from '../harness.js';

describe('TSC', () => {
  it('is whole nanoseconds even after a fractional halted stretch', () => {
    const { cpu } = makeMachine();
    cpu.idleNs = 52296340434.666664;
    expect(readTsc(cpu)).toBe(52296340434n + BigInt(cpu.events * 2 ** cpu.tscShift));
  });
});
