#!/usr/bin/env bash
# record-golden-vnc.sh [NAME...]: run each listed screen ROM on QEMU 7.2 with -vnc, wait until
# it printed "ready" on debugcon (it then halts for good), and keep what Debian's vncsnapshot
# saves of QEMU's VNC screen as test/golden/vnc/NAME.jpg. The test takes the same snapshot of
# tcg86's VNC server: identical pixels give identical files. Graphics modes only: a text
# cursor blinks on QEMU's host clock, so its phase at snapshot time is not reproducible.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
for tool in "$qemu" vncsnapshot; do
  command -v "$tool" >/dev/null || { echo "record-golden-vnc: $tool not found" >&2; exit 1; }
done
gold="$root/test/golden/vnc"
mkdir -p "$gold"
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(scr-vga13 scr-vga12 scr-vbe32 scr-cga4)
display=47
for name in "${names[@]}"; do
  dcon="$(mktemp)"
  "$qemu" -bios "$root/roms/$name.bin" -vnc "127.0.0.1:$display" -serial none -monitor none -debugcon "file:$dcon" &
  pid=$!
  for _ in $(seq 300); do grep -q ready "$dcon" && break; sleep 0.1; done
  sleep 0.5
  timeout 30 vncsnapshot -quiet -quality 50 -allowblank "127.0.0.1:$display" "$gold/$name.jpg"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$dcon"
  echo "record-golden-vnc: $name: $(stat -c %s "$gold/$name.jpg") bytes"
done
