; scr-vbebig: Bochs VBE 2560x1600 at 32 bpp, the largest mode that fits 16 MiB of vram (the first 4 banks drawn); then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SCREEN_ON
    VBE 1, 2560
    VBE 2, 1600
    VBE 3, 32
    VBE 4, 0x01
    xor bp, bp
.bank:
    VBE 5, bp
    mov ax, 0xa000
    mov es, ax
    xor cx, cx
    mov bx, bp
    imul bx, bx, 0x35
    call vga_window_fill
    inc bp
    cmp bp, 4
    jb .bank
    PRINTLN "ready"
    cli
    hlt

ROM_END start
