; unassigned: what unassigned physical memory and I/O ports read as on the pc machine (QEMU 7.2: memory 0, ports all-ones).
bits 16
org 0
%include "lib/pm.inc"
main32:
    PRINT "mem 80000000: "
    mov eax, [0x80000000]
    PHEX32 eax
    NL
    PRINT "mem fed40000 byte: "
    mov al, [0xfed40000]
    PHEX8 al
    NL
    mov dword [0x80000000], 0x12345678
    PRINT "mem after write: "
    mov eax, [0x80000000]
    PHEX32 eax
    NL
    PRINT "io 300 b/w/d: "
    mov dx, 0x300
    in al, dx
    PHEX8 al
    SPACE
    in ax, dx
    PHEX16 ax
    SPACE
    in eax, dx
    PHEX32 eax
    NL
    PRINT "ram edge 7fffffc: "
    mov dword [0x7fffffc], 0xcafef00d
    mov eax, [0x7fffffc]
    PHEX32 eax
    NL
    PRINT "straddle ram end: "
    mov eax, [0x7fffffe]
    PHEX32 eax
    NL
    EXIT 0
ROM_END start
