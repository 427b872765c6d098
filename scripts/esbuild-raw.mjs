// An esbuild plugin: `import text from 'some/file?raw'` becomes the file's text (as Vite's ?raw),
// so the profile report inlines uPlot in the bundle instead of reading node_modules at run time.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const rawPlugin = {
  name: 'raw',
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, (args) => {
      const spec = args.path.slice(0, -4);
      const file = spec.startsWith('.') ? path.resolve(args.resolveDir, spec) : createRequire(path.join(args.resolveDir, 'x.js')).resolve(spec);
      return { path: file, namespace: 'raw' };
    });
    build.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: fs.readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};
