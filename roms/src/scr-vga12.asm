; scr-vga12: 16-colour planar 640x480 (mode 12h) with a start address ten rows in and a split screen at line 320 (line compare), AR14 colour select; then prints "ready" and halts for a screendump (test/golden/screens).
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_12h
    call vga_load_dac
    mov cx, 40000
    call vga_planar_fill
    VIDX 0x3d4, 0x0c, 0x03
    VIDX 0x3d4, 0x0d, 0x20     ; start at byte 800 (row 10)
    VIDX 0x3d4, 0x18, 0x40     ; line compare 0x140 (CR7 bit 4 is set, CR9 bit 6 clear)
    VAR 0x14, 0x01
    PRINTLN "ready"
    cli
    hlt

ROM_END start
