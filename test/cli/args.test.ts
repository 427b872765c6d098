// Our own long options: --engine, --stats and --tb-cache-size are parsed with errors naming them.
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';

const BASE = ['-bios', 'x.bin', '-nographic', '-serial', 'none', '-monitor', 'none'];

describe('long options', () => {
  it('--tb-cache-size takes a size with QEMU units (MiB by default)', () => {
    expect(parseArgs([...BASE, '--tb-cache-size', '8']).tbCacheBytes).toBe(8 * 1024 * 1024);
    expect(parseArgs([...BASE, '--tb-cache-size=512K']).tbCacheBytes).toBe(512 * 1024);
    expect(parseArgs(BASE).tbCacheBytes).toBe(64 * 1024 * 1024);
  });
  it('bad values name the option', () => {
    expect(() => parseArgs([...BASE, '--tb-cache-size', 'lots'])).toThrow(UsageError);
    expect(() => parseArgs([...BASE, '--tb-cache-size', 'lots'])).toThrow(/^--tb-cache-size: invalid size 'lots'/);
    expect(() => parseArgs([...BASE, '--engine', 'jit'])).toThrow(/^--engine: 'jit' must be interp or tcg/);
    expect(() => parseArgs([...BASE, '--stats=xml'])).toThrow(/^--stats: 'xml' must be table or json/);
  });
  it('--engine and --stats set the engine and the report', () => {
    const c = parseArgs([...BASE, '--engine', 'interp', '--stats=json']);
    expect(c.engine).toBe('interp');
    expect(c.stats).toBe('json');
    expect(parseArgs(BASE).engine).toBe('tcg');
  });
});
