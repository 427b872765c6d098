// Writes the --profile file: JSON or self-contained HTML by the name's extension.

import * as fs from 'node:fs';
import type { ProfileData } from './profiler.js';
import { profileHtml } from './profile-html.js';

/** Write the profile; returns an error message instead of throwing (the run's end must not fail). */
export function writeProfile(file: string, data: ProfileData): string | null {
  try {
    fs.writeFileSync(file, /\.json$/i.test(file) ? JSON.stringify(data) + '\n' : profileHtml(data));
    return null;
  } catch (e) {
    return `cannot write it (${(e as Error).message})`;
  }
}
