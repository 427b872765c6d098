; btflags-shift: the flags bt/bts/btr/btc leave (CF defined, the rest undefined: QEMU's) when a shift by CL (count 0 or not), an rcl/rcr or a shld/shrd precedes them in the same translation block, where QEMU no longer knows the flags' producer statically.
%include "lib/pm.inc"

BUF     equ SCRATCH + 0x100

; SHOWF "label": print " label=FLAGS" (the six arithmetic flags) keeping EFLAGS
%macro SHOWF 1
    pushfd
    PRINT %1
    PRINT "="
    mov eax, [esp]
    and eax, 0x8d5
    PHEX16 ax
    popfd
%endmacro

; SETSHL: flags from a shl by an immediate (a static producer): OF, CF, SF set
%macro SETSHL 0
    mov eax, 0xc0000001
    shl eax, 1
%endmacro
; SETAF: flags with AF, PF, SF set and ZF clear through a sub
%macro SETAF 0
    mov eax, 0x80000010
    sub eax, 1
%endmacro

main32:
    PRINTLN "btflags-shift: start"
    mov dword [BUF], 0x55aa55aa
    mov ebx, 0x12345678
    mov edx, 0x87654321

    PRINT "static:"
    SETSHL
    bt ebx, 3
    SHOWF " shl-imm,bt"
    SETAF
    bts ebx, 0
    SHOWF " sub,bts"
    NL

    PRINT "cl=0:"
    SETSHL
    mov cl, 0
    sar ebx, cl
    bt ebx, 3
    SHOWF " sar"
    SETSHL
    mov cl, 32
    shr bl, cl
    btr ebx, 4
    SHOWF " shr8"
    SETAF
    mov cl, 0
    shl dword [BUF], cl
    btc dword [BUF], 1
    SHOWF " shl-mem"
    SETAF
    mov cl, 0
    rol ebx, cl
    bt ebx, 3
    SHOWF " rol"
    SETAF
    mov cl, 0
    shld edx, ebx, cl
    bt edx, 5
    SHOWF " shld"
    NL

    PRINT "cl>0:"
    SETAF
    mov cl, 3
    sar ebx, cl
    bt ebx, 3
    SHOWF " sar"
    SETAF
    mov cl, 7
    shl bx, cl
    bts ebx, 2
    SHOWF " shl16"
    SETAF
    mov cl, 5
    shrd edx, ebx, cl
    btr edx, 9
    SHOWF " shrd"
    NL

    PRINT "other:"
    SETAF
    shld edx, ebx, 4
    bt edx, 1
    SHOWF " shld-imm"
    SETSHL
    rcl ebx, 0
    bt ebx, 2
    SHOWF " rcl0"
    SETAF
    rcr ebx, 3
    bt ebx, 2
    SHOWF " rcr3"
    SETSHL
    sar ebx, 0
    bt ebx, 2
    SHOWF " sar-imm0"
    NL
    PRINTLN "btflags-shift: done"
    EXIT 0

ROM_END start
