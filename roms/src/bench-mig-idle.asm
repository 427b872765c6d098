; bench-mig-idle: the idle guest of the migration benchmark (scripts/bench-migration.mjs): a busy loop and a 1 kHz tick that dirties nothing.
DIRTY_BYTES equ 0
%include "lib/migbench.inc"
