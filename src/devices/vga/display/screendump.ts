// screendump (QEMU's qmp_screendump with ppm_save / png_save): the display refreshed first, as
// graphic_hw_update does, then written as binary PPM (P6) or 8-bit RGB PNG (through pngjs).

import * as fs from 'node:fs';
import { PNG } from 'pngjs';
import type { DisplaySurface } from './surface.js';

export type ScreendumpFormat = 'ppm' | 'png';

export class ScreendumpError extends Error {}

/** strerror() text for the errors a file open can give (QEMU reports it that way). */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EEXIST: 'File exists',
};

/** The surface as a file in `format`. */
export function encodeScreendump(surface: DisplaySurface, format: ScreendumpFormat): Buffer {
  const rgb = surface.toRgb();
  if (format === 'ppm') {
    const header = Buffer.from(`P6\n${surface.width} ${surface.height}\n255\n`, 'latin1');
    return Buffer.concat([header, rgb]);
  }
  const png = new PNG({ width: surface.width, height: surface.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

/** Write the surface to `file`; a host error becomes QEMU's one-line message. */
export function writeScreendump(surface: DisplaySurface, file: string, format: ScreendumpFormat): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o666);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new ScreendumpError(`failed to open file '${file}': ${STRERROR[code] ?? (e as Error).message}`);
  }
  try {
    fs.writeSync(fd, encodeScreendump(surface, format));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new ScreendumpError(`failed to write '${file}': ${STRERROR[code] ?? (e as Error).message}`);
  } finally {
    fs.closeSync(fd);
  }
}
