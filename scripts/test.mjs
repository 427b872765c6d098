// `npm test`'s vitest run: plain text (no ANSI colours) when the report goes to a file, a pipe
// or CI (vitest turns colours on when CI is set); arguments are passed on to `vitest run`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const env = { ...process.env };
if (!process.stdout.isTTY || env.CI) {
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;
}
const vitest = createRequire(import.meta.url).resolve('vitest/vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { stdio: 'inherit', env });
// Ctrl-C reaches the whole foreground group; a TERM sent to us alone is passed on.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
