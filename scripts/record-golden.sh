#!/usr/bin/env bash
# record-golden.sh [NAME...]: run ROMs on QEMU and record test/golden/roms/NAME.out (debugcon
# bytes) and NAME.status (QEMU's exit status). Without names, every roms/src/*.asm is recorded.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
if ! command -v "$qemu" >/dev/null; then
  echo "record-golden: $qemu not found; install QEMU (qemu-system-x86) to record golden files" >&2
  exit 1
fi

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  shopt -s nullglob
  # Multiboot kernels are booted with -kernel: scripts/record-golden-kernels.sh records them;
  # the mon-* ROMs halt for the monitor: scripts/record-golden-monitor.sh records those.
  for asm in "$root"/roms/src/*.asm; do
    name="$(basename "$asm" .asm)"
    [[ $name == mbkernel-* || $name == mon-* ]] && continue
    # `; NOGOLDEN:` in the header: QEMU cannot run it (the line says why; a unit test checks it).
    head -n 10 "$asm" | grep -q '^; NOGOLDEN:' && continue
    names+=("$name")
  done
fi

gold="$root/test/golden/roms"
mkdir -p "$gold"
status=0
for name in "${names[@]}"; do
  bin="$root/roms/$name.bin"
  asm="$root/roms/src/$name.asm"
  [[ -f "$bin" ]] || { echo "record-golden: $name: $bin missing (run scripts/build-roms.sh)" >&2; status=1; continue; }
  # Extra QEMU flags from a header line `; ARGS: ...` within the first 10 lines of the source.
  extra=()
  if [[ -f "$asm" ]]; then
    args_line="$(head -n 10 "$asm" | grep -m1 '^; ARGS:' || true)"
    if [[ -n "$args_line" ]]; then read -r -a extra <<< "${args_line#; ARGS:}"; fi
  fi
  tmp="$(mktemp)"
  rc=0
  timeout 20 "$qemu" -bios "$bin" -nographic -serial none -monitor none -no-reboot \
    -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${extra[@]}" \
    < /dev/null > "$tmp" || rc=$?
  if [[ $rc -eq 124 ]]; then
    echo "record-golden: $name: QEMU timed out after 20 s; nothing recorded" >&2
    rm -f "$tmp"; status=1; continue
  fi
  # Where QEMU is wrong about the hardware, a sed script turns its line into the hardware's
  # (test/golden/DEVIATIONS.md says which and why).
  fixup="$root/test/golden/fixups/$name.sed"
  if [[ -f "$fixup" ]]; then sed -i -f "$fixup" "$tmp"; fi
  mv "$tmp" "$gold/$name.out"
  echo "$rc" > "$gold/$name.status"
  echo "record-golden: $name: status $rc, $(wc -c < "$gold/$name.out") bytes"
done
exit $status
