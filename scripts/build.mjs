// Build dist/: the CLI (dist/tcg86.js, one self-contained ESM file for Node 20, so a copy runs
// anywhere: the benchmark snapshots it) and the library (dist/index.js, whose npm dependencies
// stay imports), bundled by esbuild, and the library's type declarations (dist/types, tsc with
// tsconfig.build.json). --cli-only builds the CLI alone.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import { rawPlugin } from './esbuild-raw.mjs';

// CommonJS dependencies (pngjs) may require Node's built-ins: give each ESM bundle a require.
const banner = { js: "import { createRequire as __tcg86CreateRequire } from 'node:module'; const require = __tcg86CreateRequire(import.meta.url);" };
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', logLevel: 'warning', banner, plugins: [rawPlugin] };
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/tcg86.js' });
// --cli-only: just the CLI (what npm run bench and npm start need).
if (process.argv.includes('--cli-only')) process.exit(0);
await build({ ...common, packages: 'external', entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });

fs.rmSync('dist/types', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
