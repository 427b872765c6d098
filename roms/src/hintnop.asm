; hintnop: 0F 0D and the hint-NOP space 0F 18-0F 1F (multi-byte NOP 0F 1F /0) run as NOPs or #UD as QEMU 7.2 decides for its default qemu32 model.
%define HINTNOP_ROM_NAME "hintnop (qemu32)"
%include "lib/hintnop.inc"
