// docs/DESIGN.md describes the code as it is: every repository path it names in backquotes
// exists (a glob matches at least one file), except on lines that mark the item "(planned)".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOP = /^(src|test|roms|scripts|docs|bench)\//;

/** Does the path exist, or (with * in its last part) does a file match? */
function exists(p: string): boolean {
  if (!p.includes('*')) return fs.existsSync(path.join(ROOT, p));
  const dir = path.dirname(p);
  const re = new RegExp('^' + path.basename(p).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');
  return fs.existsSync(path.join(ROOT, dir)) && fs.readdirSync(path.join(ROOT, dir)).some((f) => re.test(f));
}

describe('docs/DESIGN.md', () => {
  it('names only paths that exist, unless planned', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const line of fs.readFileSync(path.join(ROOT, 'docs/DESIGN.md'), 'utf8').split('\n')) {
      if (line.includes('(planned)')) continue;
      for (const m of line.matchAll(/`([^`\s]+)`/g)) {
        const p = m[1]!.replace(/[.,:;]$/, '');
        if (!TOP.test(p)) continue;
        checked++;
        if (!exists(p)) missing.push(p);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});
