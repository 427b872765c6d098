#!/usr/bin/env bash
# record-golden-smbios.sh: QEMU 7.2's SMBIOS fw_cfg files for configurations tcg86's golden ROM
# cannot run (RAM above 4 GiB, -smp), printed by roms/smbios.bin into test/golden/smbios/NAME.txt
# (test/machine/smbios.test.ts builds the same tables and compares).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
mkdir -p "$root/test/golden/smbios"
record() {
  local name="$1"; shift
  timeout 20 "$qemu" -bios "$root/roms/smbios.bin" -nographic -serial none -monitor none -no-reboot \
    -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cpu qemu32,-mmx,-sep,-fxsr,-sse,-sse2 "$@" \
    < /dev/null > "$root/test/golden/smbios/$name.txt" || [[ $? -eq 1 ]]
  echo "record-golden-smbios: $name"
}
record m5g-smp2 -m 5G -smp 2
record m3g-smp4 -m 3584M -smp 4
