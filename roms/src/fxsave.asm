; fxsave: the fxsave image on -cpu pentium2 (FCW, FSW, abridged tag, FOP and the x87 pointers, ST0-7 in 16-byte slots, MXCSR and the XMM area left alone without SSE, with CR4.OSFXSR too), an fxrstor round trip that changes TOP, tags and registers, #GP on a misaligned operand, #NM under CR0.EM or TS, #UD for a register operand.
; ARGS: -cpu pentium2
; Lines: "hdr" = bytes 0-5 (cw, sw, tag byte, byte 5); "ptr" = FOP, FIP, FCS, FDP, FDS dwords; "st" = the eight 16-byte slots as SEEE:MMMMMMMMMMMMMMMM/rest.
%include "lib/pm.inc"
%include "lib/fpu.inc"

FX      equ 0x9000              ; 512-byte image, 16-byte aligned
DATA    equ SCRATCH + 0x400

%macro CASE 2+
    PRINT %1
    TRY %%done
    %2
    NOTRY
    PRINT " ok"
    NL
%%done:
%endmacro

; fill the image with A5 so that untouched bytes show
fill:
    push edi
    push ecx
    push eax
    mov edi, FX
    mov ecx, 512 / 4
    mov eax, 0xa5a5a5a5
    rep stosd
    pop eax
    pop ecx
    pop edi
    ret

; print the image: header, pointers, registers, then bytes 24-31 and 160-167
dump:
    PRINT "hdr "
    PHEX16 [FX]
    SPACE
    PHEX16 [FX + 2]
    SPACE
    PHEX8 [FX + 4]
    SPACE
    PHEX8 [FX + 5]
    NL
    PRINT "ptr "
    PHEX16 [FX + 6]
    SPACE
    PHEX32 [FX + 8]
    SPACE
    PHEX32 [FX + 12]
    SPACE
    PHEX32 [FX + 16]
    SPACE
    PHEX32 [FX + 20]
    NL
    push ebx
    push ecx
    mov ebx, FX + 32
    mov ecx, 8
.r:
    PRINT "st "
    call fpu_p80
    PUTC '/'
    PHEX16 [ebx + 10]
    PHEX32 [ebx + 12]
    NL
    add ebx, 16
    loop .r
    pop ecx
    pop ebx
    PRINT "mxcsr "
    PHEX32 [FX + 24]
    SPACE
    PHEX32 [FX + 28]
    PRINT " xmm0 "
    PHEX32 [FX + 160]
    NL
    ret

main32:
    PRINTLN "fxsave: start"
    FPU_ON
    ; a fresh FPU: every tag empty
    call fill
    fxsave [FX]
    PRINTLN "after fninit"
    call dump
    ; three values, one freed, an exception flag, rounding and precision changed
    fldcw [cw]
    fld1
    fldpi
    fldz
    ffree st1
    fld dword [neg]
    fsqrt                                     ; IE
    call fill
    fxsave [FX]
    PRINTLN "four pushed, one freed"
    call dump
    ; fnstenv of the same state, for the pointers
    fnstenv [FPU_ENV]
    PRINT "env"
    call fpu_penv32
    NL

    ; fxrstor round trip: a new TOP (5), flags, tags 0x0f of the physical registers, values
    call fill
    mov word [FX], 0x0e7f                     ; round up, single precision... masked
    mov word [FX + 2], 0x2801                 ; TOP = 5, IE
    mov byte [FX + 4], 0xa1                   ; R0, R5, R7 valid
    mov byte [FX + 5], 0
    mov edi, FX + 32
    mov ecx, 8
    mov eax, 0x11111111
.v:
    mov [edi], eax
    mov dword [edi + 4], 0xc0000000
    mov word [edi + 8], 0x4000
    add eax, 0x11111111
    add edi, 16
    loop .v
    fxrstor [FX]
    fnstenv [FPU_ENV]
    PRINT "after fxrstor env"
    call fpu_penv32
    NL
    PST0 "st0="
    NL
    call fill
    fxsave [FX]
    PRINTLN "fxsave after fxrstor"
    call dump

    ; CR4.OSFXSR: still no MXCSR or XMM state without SSE
    mov eax, cr4
    or eax, 0x200
    mov cr4, eax
    call fill
    fxsave [FX]
    PRINTLN "with cr4.osfxsr"
    call dump
    mov eax, cr4
    and eax, ~0x200
    mov cr4, eax

    ; faults
    CASE "fxsave +8:", fxsave [FX + 8]
    CASE "fxrstor +4:", fxrstor [FX + 4]
    CASE "fxsave reg:", db 0x0f, 0xae, 0xc0
    CASE "lock fxsave:", db 0xf0, 0x0f, 0xae, 0x05, 0x00, 0x90, 0x00, 0x00
    mov eax, cr0
    or eax, 8                                 ; TS
    mov cr0, eax
    CASE "ts fxsave:", fxsave [FX]
    CASE "ts fxrstor:", fxrstor [FX]
    mov eax, cr0
    xor eax, 0x0c                             ; EM, not TS
    mov cr0, eax
    CASE "em fxsave:", fxsave [FX]
    mov eax, cr0
    and eax, ~0x0c
    mov cr0, eax
    ; fxsave does not check for a pending exception
    fninit
    fldcw [cw_ze]
    fldz
    fld1
    fdiv st0, st1
    CASE "pending fxsave:", fxsave [FX]
    CASE "pending fxrstor:", fxrstor [FX]
    fnstsw ax
    PRINT "sw after fxrstor "
    PHEX16
    NL
    PRINTLN "fxsave: done"
    EXIT 0

cw:    dw 0x0a7f
cw_ze: dw 0x037b
neg:   dd -2.0

ROM_END start
