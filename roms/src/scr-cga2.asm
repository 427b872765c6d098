; scr-cga2: CGA 640x200 2-colour graphics (mode 06h): plane 0 only, the scanline interleave at 8 KiB, double scan; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_06h
    call vga_load_dac
    mov ax, 0xb800
    mov es, ax
    mov cx, 0x4000
    mov bl, 0xc3
    call vga_window_fill
    PRINTLN "ready"
    cli
    hlt

ROM_END start
