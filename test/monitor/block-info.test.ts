// `info block` lists the drives in QEMU's layout: name by slot, image and flags, attachment,
// tray state for a CD-ROM, cache mode (a snapshot ignores flushes and shows its backing file).
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { formatBlockInfo } from '../../src/monitor/block-info.js';

describe('info block', () => {
  it('shows each drive as QEMU does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-info-block-'));
    const img = (n: string) => {
      fs.writeFileSync(path.join(dir, n), new Uint8Array(8192));
      return path.join(dir, n);
    };
    const [a, b, c] = [img('a.img'), img('b.img'), img('c.iso')];
    const bios = img('rom.bin');
    fs.writeFileSync(bios, new Uint8Array(65536));
    const m = new PcMachine(parseArgs(['-bios', bios, '-display', 'none', '-serial', 'none', '-hda', a, '-drive', `file=${b},format=raw,index=1,snapshot=on`, '-cdrom', c]));
    expect(formatBlockInfo(m)).toBe(
      `ide0-hd0 (#block1): ${a} (raw)\n    Attached to:      piix3-ide ide.0 unit 0\n    Cache mode:       writeback\n\n` +
        `ide0-hd1 (#block2): ${b} (raw)\n    Attached to:      piix3-ide ide.0 unit 1\n    Cache mode:       writeback, ignore flushes\n    Backing file:     ${b} (chain depth: 1)\n\n` +
        `ide1-cd0 (#block3): ${c} (raw, read-only)\n    Attached to:      piix3-ide ide.1 unit 0\n    Removable device: not locked, tray closed\n    Cache mode:       writeback\n`,
    );
    m.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
