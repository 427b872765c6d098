// The kvm-unit-tests command line: -device pc-testdev / pci-testdev, and -smp as QEMU parses
// it, accepted for one CPU and refused by name for more (tcg86 emulates one CPU).
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';

const BASE = ['-kernel', 'x.flat', '-serial', 'none', '-monitor', 'none'];

describe('kvm-unit-tests options', () => {
  it('-device pc-testdev and pci-testdev (several); bad properties are named', () => {
    const c = parseArgs([...BASE, '-device', 'pc-testdev', '-device', 'pci-testdev', '-device', 'pci-testdev']);
    expect(c.pcTestdev).toBe(true);
    expect(c.pciTestdevs).toBe(2);
    expect(() => parseArgs([...BASE, '-device', 'pc-testdev', '-device', 'pc-testdev'])).toThrow(/only one/);
    expect(() => parseArgs([...BASE, '-device', 'pci-testdev,membar=1M'])).toThrow(/^-device: pci-testdev has no property 'membar'/);
  });

  it('-smp 1 in every spelling is accepted; more CPUs are refused naming the count', () => {
    for (const v of ['1', 'cpus=1', '1,maxcpus=1', 'sockets=1,cores=1,threads=1']) expect(() => parseArgs([...BASE, '-smp', v])).not.toThrow();
    expect(() => parseArgs([...BASE, '-smp', '2'])).toThrow(/^-smp: 2 CPUs: tcg86 emulates one CPU/);
    expect(() => parseArgs([...BASE, '-smp', '1,maxcpus=4'])).toThrow(/^-smp: 4 CPUs/);
    expect(() => parseArgs([...BASE, '-smp', 'cores=2,threads=2'])).toThrow(/^-smp: 4 CPUs/);
    expect(() => parseArgs([...BASE, '-smp', 'cpus=x'])).toThrow(/^-smp: cpus: 'x' is not a number/);
    expect(() => parseArgs([...BASE, '-smp', '1,bogus=2'])).toThrow(/^-smp: -smp has no property 'bogus'/);
  });
});
