; scr-vga0e: 16-colour planar 640x200 (mode 0Eh): four planes, double scan; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_0eh
    call vga_load_dac
    mov cx, 16000
    call vga_planar_fill
    PRINTLN "ready"
    cli
    hlt

ROM_END start
