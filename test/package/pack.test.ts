// The package a user installs: `npm pack` (prepack builds dist/) holds only what users need,
// installs offline into an empty folder, and there `npx tcg86 -bios ...` runs and the README's
// library example runs as written.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-pack-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Asynchronous, so the test worker keeps answering vitest while npm builds and installs.
const exec = promisify(execFile);
const npm = async (args: string[], cwd: string) => (await exec('npm', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })).stdout;
/** Run to the end; status and output whatever the status. */
async function run(cmd: string, args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(cmd, args, { cwd, encoding: 'utf8' });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { status: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('npm pack', () => {
  it('packs dist/ and the demo ROM only; installed elsewhere, the CLI and the README example run', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const [info] = JSON.parse(await npm(['pack', '--json', '--pack-destination', dir], ROOT)) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files).toContain('dist/tcg86.js');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/types/index.d.ts');
    expect(files).toContain('roms/demo.bin');
    expect(files.filter((f) => /^(test|src|scripts|bench|\.github)\/|\.map$|golden/.test(f))).toEqual([]);
    expect(info!.filename).toBe(`tcg86-${pkg.version}.tgz`);

    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    await npm(['install', '--offline', '--no-audit', '--no-fund', path.join(dir, info!.filename)], app);

    const cli = await run('npx', ['tcg86', '-bios', 'node_modules/tcg86/roms/demo.bin', '-display', 'none', '-serial', 'none',
      '-monitor', 'none', '-no-reboot', '-debugcon', 'stdio'], app);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('protected mode: CRC32("123456789") = cbf43926\n');

    // The README's example, as written.
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /## As a library[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)![1]!;
    fs.writeFileSync(path.join(app, 'example.mjs'), example);
    const lib = await run(process.execPath, ['example.mjs'], app);
    expect(lib.stderr).toBe('');
    expect(lib.status).toBe(0);
    expect(lib.stdout).toBe(cli.stdout + '\n' + `status 0, ${/(\d+) instructions/.exec(lib.stdout)![1]} instructions\n`);
  }, 600_000);
});
