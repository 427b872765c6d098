; btflags: the flags bt/bts/btr/btc leave (CF defined, the rest undefined: QEMU's) after flags set by plain and rep string instructions, loop, jcxz and ALU instructions.
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

; SETAF: flags with AF, PF, SF set and ZF clear through a sub (0x10 - 0x01 = 0x0f: AF set)
%macro SETAF 0
    mov eax, 0x80000010
    sub eax, 1
%endmacro

main32:
    PRINTLN "btflags: start"
    mov dword [BUF], 0x55aa55aa
    mov dword [BUF + 4], 0x55aa55aa
    mov dword [BUF + 8], 0x12345678

    PRINT "alu:"
    SETAF
    mov ebx, 0x10
    bt ebx, 4
    SHOWF " bt"
    SETAF
    bts ebx, 0
    SHOWF " bts"
    SETAF
    btr dword [BUF + 8], 3
    SHOWF " btr-mem"
    SETAF
    mov ecx, 35
    btc dword [BUF + 8], ecx
    SHOWF " btc-mem-reg"
    NL

    PRINT "string:"
    mov esi, BUF
    mov edi, BUF + 4
    SETAF
    cmpsb
    bt ebx, 4
    SHOWF " cmpsb,bt"
    mov esi, BUF
    mov edi, BUF + 8
    mov ecx, 3
    SETAF
    repe cmpsb
    bt ebx, 4
    SHOWF " repe-cmpsb,bt"
    mov esi, BUF
    mov edi, BUF + 4
    mov ecx, 4
    repe cmpsb
    SHOWF " repe-cmpsb-equal"
    bts ebx, 2
    SHOWF " ,bts"
    mov edi, BUF + 0x40
    mov ecx, 4
    SETAF
    rep stosb
    bt ebx, 4
    SHOWF " rep-stosb,bt"
    SETAF
    mov ecx, 0
    rep movsb
    btr ebx, 4
    SHOWF " rep-movsb-0,btr"
    mov edi, BUF
    mov al, 0xaa
    mov ecx, 2
    SETAF
    repne scasb
    btc ebx, 1
    SHOWF " repne-scasb,btc"
    NL

    PRINT "loop:"
    mov ecx, 3
    SETAF
.l1:
    loop .l1
    bt ebx, 4
    SHOWF " loop,bt"
    mov ecx, 2
    SETAF
.l2:
    dec edx
    loop .l2
    bt ebx, 0
    SHOWF " dec-loop,bt"
    SETAF
    mov ecx, 0
    jecxz .j1
.j1:
    bt ebx, 4
    SHOWF " jecxz,bt"
    mov ecx, 5
    SETAF
.l3:
    cmp ecx, 9
    loopnz .l3
    bts ebx, 7
    SHOWF " loopnz,bts"
    NL
    PRINTLN "btflags done"
    EXIT 0

ROM_END start
