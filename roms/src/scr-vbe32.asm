; scr-vbe32: Bochs VBE 640x480 at 32 bpp with a virtual width of 800 and x/y offsets 16/10 (panning); then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SCREEN_ON
    VBE 1, 640
    VBE 2, 480
    VBE 3, 32
    VBE 4, 0x01
    VBE 6, 800
    VBE 8, 16
    VBE 9, 10
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
    cmp bp, 25
    jb .bank
    PRINTLN "ready"
    cli
    hlt

ROM_END start
