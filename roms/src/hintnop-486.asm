; hintnop-486: 0F 0D and the hint-NOP space 0F 18-0F 1F on -cpu 486, as QEMU 7.2 decides for that model.
; ARGS: -cpu 486
%define HINTNOP_ROM_NAME "hintnop (486)"
%include "lib/hintnop.inc"
