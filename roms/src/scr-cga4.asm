; scr-cga4: CGA 320x200 4-colour graphics (mode 04h): odd/even planes, the scanline interleave at 8 KiB, pixels doubled across; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_04h
    call vga_load_dac
    mov ax, 0xb800
    mov es, ax
    mov cx, 0x4000
    mov bl, 0x5a
    call vga_window_fill
    PRINTLN "ready"
    cli
    hlt

ROM_END start
