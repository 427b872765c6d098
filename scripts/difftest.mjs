// `npm run difftest -- --seeds N [--mode real|pm|paging] [--start SEED] [--record]`: differential
// test against a live qemu-system-i386 (bundles test/difftest/driver.ts with esbuild, runs it).
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'tcg86-difftest-bundle-'));
try {
  const outfile = join(dir, 'driver.mjs');
  await build({
    entryPoints: [join(root, 'test/difftest/driver.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    // CommonJS dependencies (pngjs) call require() for node built-ins: give the ESM bundle one.
    banner: { js: "import { createRequire as __tcg86Require } from 'node:module'; const require = __tcg86Require(import.meta.url);" },
    // import.meta.dirname must still name test/difftest for the golden paths
    define: { 'import.meta.dirname': JSON.stringify(join(root, 'test/difftest')) },
  });
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main(process.argv.slice(2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
