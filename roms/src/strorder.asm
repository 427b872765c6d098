; strorder: which operand of a string instruction faults first when both pages are absent (cmps reads ES:EDI first, as QEMU; movs reads DS:ESI first), and the registers a faulting repe cmpsd leaves.
%include "lib/pm.inc"

SRC_PAGE    equ 0x500000            ; not present
DST_PAGE    equ 0x600000            ; not present
%macro PTE_SET 2
    mov dword [PT1_BASE + (((%1) >> 12) & 0x3FF) * 4], %2
%endmacro

; REGS: print " ecx=.. esi=.. edi=.." and a newline
%macro REGS 0
    PRINT " ecx="
    PHEX32 ecx
    PRINT " esi="
    PHEX32 esi
    PRINT " edi="
    PHEX32 edi
    NL
%endmacro

main32:
    PRINTLN "strorder: start"
    mov eax, 7
    call pg_identity
    PTE_SET SRC_PAGE, 0
    PTE_SET DST_PAGE, 0
    call pg_on
    ; equal data just below both absent pages
    mov dword [SRC_PAGE - 8], 0x11111111
    mov dword [SRC_PAGE - 4], 0x22222222
    mov dword [DST_PAGE - 8], 0x11111111
    mov dword [DST_PAGE - 4], 0x22222222

    PRINT "cmpsd both absent: "
    mov esi, SRC_PAGE
    mov edi, DST_PAGE
    TRY .c1
    cmpsd
    NOTRY
.c1:
    PRINT "cmpsb both absent: "
    mov esi, SRC_PAGE + 3
    mov edi, DST_PAGE + 5
    TRY .c2
    cmpsb
    NOTRY
.c2:
    PRINT "cmpsw source absent: "
    mov esi, SRC_PAGE + 0x10
    mov edi, DST_PAGE - 8
    TRY .c3
    cmpsw
    NOTRY
.c3:
    PRINT "repe cmpsd into both: "
    mov ecx, 4
    mov esi, SRC_PAGE - 8
    mov edi, DST_PAGE - 8
    TRY .c4
    repe cmpsd
    NOTRY
.c4:
    PRINT "   after:"
    REGS
    PRINT "repe cmpsd downwards: "
    std
    mov ecx, 4
    mov esi, SRC_PAGE + 0x10
    mov edi, DST_PAGE + 0x20
    TRY .c5
    repe cmpsd
    NOTRY
.c5:
    cld
    PRINT "   after:"
    REGS
    PRINT "movsd both absent: "
    mov esi, SRC_PAGE + 0x40
    mov edi, DST_PAGE + 0x80
    TRY .c6
    movsd
    NOTRY
.c6:
    PRINT "rep movsb into both: "
    mov ecx, 16
    mov esi, SRC_PAGE - 4
    mov edi, DST_PAGE - 4
    TRY .c7
    rep movsb
    NOTRY
.c7:
    PRINT "   after:"
    REGS
    call pg_off
    PRINTLN "strorder done"
    EXIT 0

ROM_END start
