; scr-modex: unchained 256-colour "mode X" (mode 13h with chain-4 and double-word mode off): planes written one at a time, a start address eight lines in; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_13h
    call vga_load_dac
    VIDX 0x3c4, 4, 0x06        ; chain-4 off
    VIDX 0x3d4, 0x14, 0x00     ; double-word mode off
    VIDX 0x3d4, 0x17, 0xe3     ; byte mode
    mov cx, 16640
    call vga_planar_fill
    VIDX 0x3ce, 5, 0x40        ; 256-colour shift again
    VIDX 0x3d4, 0x0c, 0x02
    VIDX 0x3d4, 0x0d, 0x80     ; start at plane byte 640 (8 lines)
    PRINTLN "ready"
    cli
    hlt

ROM_END start
