// `info display` (tcg86's own monitor command): the mode the last refresh drew and the
// display's counters.

import { GMODE_BLANK, GMODE_TEXT, type VgaDisplay } from './vga-display.js';

export function formatDisplayInfo(d: VgaDisplay): string {
  const s = d.surface;
  let mode: string;
  if (d.graphicMode === GMODE_TEXT) mode = `text ${d.lastWidth}x${d.lastHeight} cells of ${d.lastCw}x${d.lastCh}`;
  else if (d.graphicMode === GMODE_BLANK) mode = 'blank';
  else if (d.graphicMode < 0) mode = 'not drawn yet';
  else mode = d.lastDepth ? `graphic, VBE ${d.lastDepth} bpp` : 'graphic, VGA';
  const hz = d.periodNs > 0 ? `every ${(d.periodNs / 1e6).toFixed(3)} ms of guest time` : 'on demand only';
  const c = d.stats;
  return (
    `display: ${s.width}x${s.height}, ${mode}; refresh ${hz}\n` +
    `  refreshes           ${c.refreshes}\n` +
    `  full redraws        ${c.fullRedraws}\n` +
    `  scanlines redrawn   ${c.scanlinesRedrawn}\n` +
    `  text cells redrawn  ${c.textCellsRedrawn}\n` +
    `  vram bytes scanned  ${c.vramBytesScanned}\n`
  );
}
