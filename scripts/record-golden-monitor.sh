#!/usr/bin/env bash
# record-golden-monitor.sh [NAME...]: run roms/NAME.bin (the mon-*.asm ROMs) on QEMU with the
# monitor on stdio, send test/golden/monitor/NAME.cmds once the ROM has printed its "ready"
# line and halted, and record the monitor's output as test/golden/monitor/NAME.out.
# QEMU's line editor redraws the line on every key; the recording keeps the final text of each
# line, as tcg86's monitor echoes it. test/golden/monitor/fixups.sed then removes what tcg86
# does not model (test/golden/DEVIATIONS.md says which lines and why).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
command -v "$qemu" >/dev/null || { echo "record-golden-monitor: $qemu not found" >&2; exit 1; }
gold="$root/test/golden/monitor"

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for cmds in "$gold"/*.cmds; do names+=("$(basename "$cmds" .cmds)"); done
fi
for name in "${names[@]}"; do
  bin="$root/roms/$name.bin"
  [[ -f "$bin" ]] || { echo "record-golden-monitor: $bin missing" >&2; exit 1; }
  # Extra QEMU flags from a header line `; ARGS: ...` of the ROM's source (-smp 2).
  extra=()
  args_line="$(head -n 10 "$root/roms/src/$name.asm" | grep -m1 '^; ARGS:' || true)"
  if [[ -n "$args_line" ]]; then read -r -a extra <<< "${args_line#; ARGS:}"; fi
  dcon="$(mktemp)"
  raw="$(mktemp)"
  # Feed the commands only after the guest reported ready (it then halts for good).
  (
    for _ in $(seq 100); do grep -q ready "$dcon" && break; sleep 0.1; done
    sleep 0.5
    cat "$gold/$name.cmds"
    sleep 2
  ) | timeout 30 "$qemu" -bios "$bin" -display none -serial none -monitor stdio \
        -debugcon "file:$dcon" "${extra[@]}" > "$raw"
  # Keep the last redraw of each echoed line: drop "text ESC[K ESC[D..." runs, then ESC[K.
  perl -pe 's/\(qemu\) (?:[^\r\n\e]*\e\[K(?:\e\[D)+)+/(qemu) /g; s/\e\[K//g' "$raw" \
    | sed -e '1s/^QEMU [0-9.]* monitor/tcg86 monitor/' -f "$gold/fixups.sed" > "$gold/$name.out"
  rm -f "$dcon" "$raw"
  echo "record-golden-monitor: $name: $(wc -l < "$gold/$name.out") lines"
done
