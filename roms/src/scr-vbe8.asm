; scr-vbe8: Bochs VBE 640x480 at 8 bpp with the 8-bit DAC, drawn through the 64 KiB bank window; then prints "ready" and halts for a screendump (test/golden/screens).
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
    VBE 3, 8
    VBE 4, 0x21                ; enabled, 8-bit DAC
    call vga_load_dac
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
    cmp bp, 5
    jb .bank
    PRINTLN "ready"
    cli
    hlt

ROM_END start
