; bench-mig-dirty: the dirtying guest of the migration benchmark (scripts/bench-migration.mjs): a 1 kHz tick rewrites 10 KiB (10 MiB per guest second).
DIRTY_BYTES equ 10240
%include "lib/migbench.inc"
