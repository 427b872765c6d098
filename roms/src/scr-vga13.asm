; scr-vga13: 256-colour 320x200 chain-4 (mode 13h): every DAC entry, pixels doubled both ways; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_13h
    call vga_load_dac
    mov ax, 0xa000
    mov es, ax
    mov cx, 64000
    xor bl, bl
    call vga_window_fill
    PRINTLN "ready"
    cli
    hlt

ROM_END start
