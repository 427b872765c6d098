; scr-vga0d: 16-colour planar 320x200 (mode 0Dh): four planes, pixels doubled across, double scan, the attribute palette into the DAC; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_0dh
    call vga_load_dac
    mov cx, 8000
    call vga_planar_fill
    PRINTLN "ready"
    cli
    hlt

ROM_END start
