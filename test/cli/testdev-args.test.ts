// The kvm-unit-tests command line: -device pc-testdev / pci-testdev, and -smp as QEMU parses
// it (up to 8 CPUs; maxcpus above the count, CPU hotplug, is refused by name).
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

  it('-smp in every spelling gives the CPU count; hotplug room and more than 8 CPUs are refused by name', () => {
    for (const v of ['1', 'cpus=1', '1,maxcpus=1', 'sockets=1,cores=1,threads=1']) expect(parseArgs([...BASE, '-smp', v]).smp).toMatchObject({ cpus: 1, maxCpus: 1 });
    expect(parseArgs([...BASE, '-smp', '2']).smp).toMatchObject({ cpus: 2, maxCpus: 2 });
    expect(parseArgs([...BASE, '-smp', 'cores=2,threads=2']).smp).toMatchObject({ cpus: 4, maxCpus: 4 });
    expect(parseArgs([...BASE, '-smp', '8,sockets=8']).smp).toMatchObject({ cpus: 8, maxCpus: 8 });
    expect(parseArgs([...BASE, '-smp', '4,sockets=2']).smp).toMatchObject({ cpus: 4, maxCpus: 4 });
    expect(() => parseArgs([...BASE, '-smp', '1,maxcpus=4'])).toThrow(/^-smp: maxcpus=4 above cpus=1: tcg86 has no CPU hotplug/);
    expect(() => parseArgs([...BASE, '-smp', '9'])).toThrow(/^-smp: 9 CPUs: tcg86 runs at most 8/);
    expect(() => parseArgs([...BASE, '-smp', '4,maxcpus=2'])).toThrow(/^-smp: maxcpus must be equal to or greater than smp/);
    expect(() => parseArgs([...BASE, '-smp', '4,sockets=3'])).toThrow(/^-smp: Invalid CPU topology/);
    expect(() => parseArgs([...BASE, '-smp', '2', '-plugin', 'plugins/hotblocks.mjs'])).toThrow(/^-plugin: not supported with -smp 2/);
    expect(() => parseArgs([...BASE, '-smp', '2', '--profile', 'p.json'])).toThrow(/^--profile: not supported with -smp 2/);
    expect(() => parseArgs([...BASE, '-smp', 'cpus=x'])).toThrow(/^-smp: cpus: 'x' is not a number/);
    expect(() => parseArgs([...BASE, '-smp', '1,bogus=2'])).toThrow(/^-smp: -smp has no property 'bogus'/);
  });
});
