#!/usr/bin/env bash
# record-golden-screens.sh [NAME...]: run each screen ROM (roms/scr-*.bin) on QEMU 7.2 with the
# monitor on stdio; once the ROM has printed "ready" on debugcon (it then halts for good), ask
# the monitor for `screendump FILE -f png` and keep the picture as test/golden/screens/NAME.png.
# QEMU runs with -display none, as the test runs tcg86: the screendump is then the display's
# first refresh (a text cursor is in its visible phase).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
command -v "$qemu" >/dev/null || { echo "record-golden-screens: $qemu not found" >&2; exit 1; }
gold="$root/test/golden/screens"
mkdir -p "$gold"

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for bin in "$root"/roms/scr-*.bin; do names+=("$(basename "$bin" .bin)"); done
fi
for name in "${names[@]}"; do
  bin="$root/roms/$name.bin"
  [[ -f "$bin" ]] || { echo "record-golden-screens: $bin missing" >&2; exit 1; }
  dcon="$(mktemp)"
  shot="$(mktemp -u).png"
  (
    for _ in $(seq 300); do grep -q ready "$dcon" && break; sleep 0.1; done
    grep -q ready "$dcon" || { echo "record-golden-screens: $name never printed ready" >&2; }
    sleep 0.3
    echo "screendump $shot -f png"
    for _ in $(seq 100); do [[ -s "$shot" ]] && break; sleep 0.1; done
    sleep 0.3
    echo quit
  ) | timeout 60 "$qemu" -bios "$bin" -display none -serial none -monitor stdio \
        -debugcon "file:$dcon" > /dev/null
  [[ -s "$shot" ]] || { echo "record-golden-screens: $name: no screendump" >&2; rm -f "$dcon"; exit 1; }
  mv "$shot" "$gold/$name.png"
  rm -f "$dcon"
  echo "record-golden-screens: $name: $(file -b "$gold/$name.png" | cut -d, -f2)"
done
