// -cpu MODEL[,+feat|-feat|feat=on|off...] as qemu-system-i386 7.2 reads it: models, QEMU's
// feature names and aliases, the order the changes apply in, QEMU's warnings (ambiguous
// strings, features tcg86 does not implement), -cpu help, and errors naming -cpu.
import { describe, expect, it } from 'vitest';
import { HelpRequest, parseArgs, UsageError } from '../../src/cli/args.js';
import { CPUID_CMOV, CPUID_EXT2_NX, CPUID_PSE, CPUID_SSE, FEAT_1_EDX, FEAT_8000_0001_EDX } from '../../src/cpu/x86/cpu-models.js';

const BASE = ['-bios', 'x.bin', '-nographic', '-serial', 'none', '-monitor', 'none'];
const cpu = (spec: string) => parseArgs([...BASE, '-cpu', spec]).cpu;
const has = (spec: string, word: number, bit: number) => (cpu(spec).features[word]! & bit) !== 0;

describe('-cpu', () => {
  it('qemu32 is the default; every QEMU 32-bit model named in the table is accepted, NAME-v1 too', () => {
    expect(parseArgs(BASE).cpu.model.name).toBe('qemu32');
    for (const m of ['qemu32', 'kvm32', '486', 'pentium', 'pentium2', 'pentium3', 'coreduo', 'n270', 'athlon']) {
      expect(cpu(m).model.name).toBe(m);
      expect(cpu(`${m}-v1`).model.name).toBe(m);
    }
    expect(cpu('486').version).toBe(0x480);
    expect(has('486', FEAT_1_EDX, CPUID_CMOV)).toBe(false);
    expect(has('pentium2', FEAT_1_EDX, CPUID_CMOV)).toBe(true);
  });

  it('+feat, -feat, feat=on|off and bare feat; nx is also xd', () => {
    expect(has('qemu32', FEAT_8000_0001_EDX, CPUID_EXT2_NX)).toBe(false);
    for (const s of ['qemu32,+nx', 'qemu32,nx', 'qemu32,xd', 'qemu32,+xd', 'qemu32,nx=on', 'qemu32,nx=yes', 'qemu32,nx=true']) {
      expect(has(s, FEAT_8000_0001_EDX, CPUID_EXT2_NX), s).toBe(true);
    }
    expect(has('qemu32,-pse', FEAT_1_EDX, CPUID_PSE)).toBe(false);
    expect(has('qemu32,pse=off', FEAT_1_EDX, CPUID_PSE)).toBe(false);
    expect(has('coreduo,nx=off', FEAT_8000_0001_EDX, CPUID_EXT2_NX)).toBe(false);
  });

  it('applies feat=on|off in order, then every +feat, then every -feat (as QEMU 7.2)', () => {
    expect(has('qemu32,pse=on,pse=off', FEAT_1_EDX, CPUID_PSE)).toBe(false);
    expect(has('qemu32,pse=off,pse=on', FEAT_1_EDX, CPUID_PSE)).toBe(true);
    expect(has('qemu32,pse=off,+pse', FEAT_1_EDX, CPUID_PSE)).toBe(true);
    expect(has('qemu32,-pse,+pse', FEAT_1_EDX, CPUID_PSE)).toBe(false);
    expect(has('qemu32,+nx,-nx', FEAT_8000_0001_EDX, CPUID_EXT2_NX)).toBe(false);
    expect(cpu('qemu32,pse=off,+pse').warnings).toEqual([]);
    // feat=val after +feat: QEMU's two warnings; the +feat still wins.
    const c = cpu('qemu32,+pse,pse=off');
    expect(c.features[FEAT_1_EDX]! & CPUID_PSE).not.toBe(0);
    expect(c.warnings).toEqual([
      'Ambiguous CPU model string. Don\'t mix both "+pse" and "pse=off"',
      "Compatibility of ambiguous CPU model strings won't be kept on future QEMU versions",
    ]);
  });

  it('a feature tcg86 does not implement is dropped: silently from a model, with QEMU\'s warning when asked for', () => {
    expect(cpu('pentium3').warnings).toEqual([]);
    expect(has('pentium3', FEAT_1_EDX, CPUID_SSE)).toBe(false);
    const c = cpu('qemu32,+sse,+pse,+syscall,+sse3');
    expect(c.features[FEAT_1_EDX]! & CPUID_SSE).toBe(0);
    expect(c.warnings).toEqual([
      "TCG doesn't support requested feature: CPUID.01H:EDX.sse [bit 25]",
      "TCG doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]",
      "TCG doesn't support requested feature: CPUID.80000001H:EDX.syscall [bit 11]",
    ]);
    // -feat after +feat withdraws the request: nothing to warn about.
    expect(cpu('qemu32,+sse,-sse').warnings).toEqual([]);
  });

  it('a requested extended feature raises the extended level, as QEMU (pentium has none)', () => {
    expect(cpu('pentium').xlevel).toBe(0);
    expect(cpu('pentium,+nx').xlevel).toBe(0x80000001);
    expect(cpu('pentium,+syscall').xlevel).toBe(0x80000001); // even though syscall is then dropped
  });

  it('-cpu help (and ?) asks main to print the model list and exit 0', () => {
    for (const h of ['help', '?']) {
      let err: unknown = null;
      try {
        cpu(h);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HelpRequest);
      const text = (err as HelpRequest).message;
      expect(text.startsWith('Available CPUs:\n')).toBe(true);
      expect(text).toContain('x86 qemu32                (alias configured by machine type)\n');
      expect(text).toContain('x86 qemu32-v1             QEMU Virtual CPU version 2.5+\n');
      expect(text).toContain('\nRecognized CPUID flags:\n');
      expect(text).toMatch(/ nx /);
    }
  });

  it('qemu64 as qemu-system-i386 takes it (lm and syscall dropped with its warnings), max, and host refused', () => {
    const q = cpu('qemu64');
    expect([q.model.name, q.version, q.level, q.xlevel, q.isAmd]).toEqual(['qemu64', 0x60fb1, 0xd, 0x8000000a, true]);
    expect(q.warnings).toEqual([
      "TCG doesn't support requested feature: CPUID.80000001H:EDX.syscall [bit 11]",
      "TCG doesn't support requested feature: CPUID.80000001H:EDX.lm [bit 29]",
    ]);
    expect(cpu('qemu64,-lm').warnings).toEqual(["TCG doesn't support requested feature: CPUID.80000001H:EDX.syscall [bit 11]"]);
    expect(has('qemu64', FEAT_8000_0001_EDX, CPUID_EXT2_NX)).toBe(true);
    const m = cpu('max'); // QEMU's max less what tcg86 lacks: the x87 (bit 0) stays
    expect([m.model.name, m.warnings, m.features[FEAT_1_EDX]]).toEqual(['max', [], 0x0983f3fd]);
    expect(has('max', FEAT_8000_0001_EDX, CPUID_EXT2_NX)).toBe(true);
    expect(() => cpu('host')).toThrow(/^-cpu: CPU model 'host' requires KVM or HVF$/);
  });

  it('an unknown model, feature or value is a usage error naming -cpu and the word', () => {
    expect(() => cpu('bogus')).toThrow(UsageError);
    expect(() => cpu('bogus')).toThrow(/^-cpu: unknown CPU model 'bogus'/);
    expect(() => cpu('qemu128')).toThrow(/^-cpu: unknown CPU model 'qemu128'/);
    expect(() => cpu('max-v1')).toThrow(/^-cpu: unknown CPU model 'max-v1'/);
    expect(() => cpu('pentium,+foo')).toThrow(/^-cpu: unknown CPU feature 'foo'/);
    expect(() => cpu('pentium,foo=on')).toThrow(/^-cpu: unknown CPU feature 'foo'/);
    expect(() => cpu('qemu32,nx=1')).toThrow(/^-cpu: nx: '1' must be on or off/);
    expect(() => parseArgs([...BASE, '-cpu'])).toThrow(/^-cpu: requires an argument/);
  });
});
