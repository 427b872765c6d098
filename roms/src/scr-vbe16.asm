; scr-vbe16: Bochs VBE 320x200 at 16 bpp (r5g6b5); then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SCREEN_ON
    VBE 1, 320
    VBE 2, 200
    VBE 3, 16
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
    cmp bp, 2
    jb .bank
    PRINTLN "ready"
    cli
    hlt

ROM_END start
