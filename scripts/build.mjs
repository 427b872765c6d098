// Bundle the CLI into dist/tcg86.js with esbuild (one ESM file, Node 20).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/tcg86.js',
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies (pngjs) require Node's built-ins: give the ESM bundle a require.
  banner: { js: "import { createRequire as __tcg86CreateRequire } from 'node:module'; const require = __tcg86CreateRequire(import.meta.url);" },
});
