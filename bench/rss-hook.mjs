// Preloaded into a benchmarked Node child with `node --import`: at exit, writes the process's
// peak RSS (VmHWM from /proc/self/status, else resourceUsage().maxRSS) in KiB to $BENCH_RSS_FILE.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    let kib = 0;
    let method = 'resourceUsage.maxRSS';
    try {
      const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
      if (m) {
        kib = Number(m[1]);
        method = 'VmHWM';
      }
    } catch {
      // no procfs: fall back below
    }
    if (!kib) kib = process.resourceUsage().maxRSS;
    try {
      writeFileSync(file, JSON.stringify({ kib, method }));
    } catch {
      // the parent reports the memory as unknown
    }
  });
}
