; scr-text40: 40x25 text (mode 01h: half dot clock, 16-pixel cells) with a block cursor; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_01h
    call vga_load_dac
    mov cx, 16
    xor di, di
    mov bl, 0x33
    call vga_load_font
    mov cx, 1000
    call vga_text_fill
    VIDX 0x3d4, 0x0a, 0x00
    VIDX 0x3d4, 0x0b, 0x0f
    VIDX 0x3d4, 0x0e, 0x00
    VIDX 0x3d4, 0x0f, 127      ; row 3, column 7
    PRINTLN "ready"
    cli
    hlt

ROM_END start
