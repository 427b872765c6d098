; scr-text80: 80x25 text with 9-dot cells (mode 03h): a font loaded into plane 2, every character and attribute (line-graphics characters repeat column 8), the cursor shape and position, the 6-bit DAC; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_03h
    call vga_load_dac
    mov cx, 16
    xor di, di
    xor bl, bl
    call vga_load_font
    mov cx, 2000
    call vga_text_fill
    VIDX 0x3d4, 0x0a, 0x0c
    VIDX 0x3d4, 0x0b, 0x0e
    VIDX 0x3d4, 0x0e, 0x01
    VIDX 0x3d4, 0x0f, 0x9a     ; cursor at cell 410 (row 5, column 10)
    PRINTLN "ready"
    cli
    hlt

ROM_END start
