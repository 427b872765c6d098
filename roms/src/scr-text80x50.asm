; scr-text80x50: 80x50 text with 8-dot cells and two fonts (SR3 picks font A in map 2 and font B in map 0 by attribute bit 3), a start address three rows in, a split at line 200 that shows the top of vram again, and the cursor off; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_03h
    call vga_load_dac
    VIDX 0x3c4, 1, 0x01        ; 8-dot cells
    VIDX 0x3c4, 3, 0x01        ; font A = map 2, font B = map 0
    VIDX 0x3d4, 0x09, 0x07     ; 8 scanlines a cell, line compare bit 9 clear
    VIDX 0x3d4, 0x07, 0x0f     ; line compare bit 8 clear
    VIDX 0x3d4, 0x18, 200      ; split after scanline 200
    VIDX 0x3d4, 0x0c, 0x00
    VIDX 0x3d4, 0x0d, 240      ; start at cell 240
    VIDX 0x3d4, 0x0a, 0x20     ; cursor off
    mov cx, 8
    mov di, 0x4000
    mov bl, 0x11
    call vga_load_font
    mov cx, 8
    xor di, di
    mov bl, 0x77
    call vga_load_font
    mov cx, 4800
    call vga_text_fill
    PRINTLN "ready"
    cli
    hlt

ROM_END start
