; scr-vga10: 16-colour planar 640x350 (mode 10h), with one plane disabled in the attribute controller (AR12); then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_10h
    call vga_load_dac
    mov cx, 28000
    call vga_planar_fill
    VAR 0x12, 0x0b
    PRINTLN "ready"
    cli
    hlt

ROM_END start
