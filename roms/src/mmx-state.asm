; mmx-state: MMX registers aliased on the x87 file (TOP = 0 and all tags valid after an MMX instruction, emms empties them, the register's sign/exponent after an MMX write, x87 after MMX), and the MMX faults: CR0.EM, CR0.TS, both, pending x87 exception, prefixed SSE encodings, memory form of an immediate shift, a faulting operand.
; Values print as SEEE:MMMMMMMMMMMMMMMM; env images as cw sw tw ip cs dp ds.
%include "lib/pm.inc"
%include "lib/fpu.inc"

DATA    equ SCRATCH + 0x400
TW      equ SCRATCH + 0x440     ; 10-byte fstp image

; CASE "label", instruction...: print the label, run the instruction under TRY; " ok" when it
; does not fault (the exception handler prints the fault on the same line otherwise).
%macro CASE 2+
    PRINT %1
    TRY %%done
    %2
    NOTRY
    PRINT " ok"
    NL
%%done:
%endmacro

main32:
    PRINTLN "mmx-state: start"
    FPU_ON
    mov dword [DATA], 0
    mov dword [DATA + 4], 0x80000000          ; 1.0's significand
    mov dword [DATA + 8], 0x9abcdef0
    mov dword [DATA + 12], 0x12345678

    ; ---- aliasing ----
    fld1
    fldpi
    fnstenv [FPU_ENV]
    PRINT "x87 env"
    call fpu_penv32
    NL
    movq mm0, [DATA]
    fnstenv [FPU_ENV]
    PRINT "after movq mm0 env"
    call fpu_penv32
    NL
    movq mm5, [DATA + 8]
    movd eax, mm5                              ; a read-only MMX instruction also sets TOP/tags
    fnstenv [FPU_ENV]
    PRINT "after movq mm5 env"
    call fpu_penv32
    NL
    fstp tword [TW]                            ; ST0 = R0 = MM0 as an 80-bit value
    mov ebx, TW
    PRINT "mm0 as x87 "
    call fpu_p80
    NL
    PST0 "st0 (mm1, never written) "
    SPACE
    PSW
    NL
    emms
    fnstenv [FPU_ENV]
    PRINT "after emms env"
    call fpu_penv32
    NL
    fld qword [DATA + 8]
    PST0 "fld m64 after emms "
    SPACE
    PSW
    NL
    ; x87 after MMX without emms: every register is valid, so a push overflows the stack
    fninit
    movq mm7, [DATA + 8]
    fld1
    PST0 "fld1 without emms "
    SPACE
    PSW
    NL
    fninit

    ; ---- faults ----
    mov eax, cr0
    or eax, 4                                  ; EM
    mov cr0, eax
    CASE "em paddb:", paddb mm0, mm1
    CASE "em emms:", emms
    mov eax, cr0
    or eax, 8                                  ; EM and TS
    mov cr0, eax
    CASE "em+ts paddb:", paddb mm0, mm1
    mov eax, cr0
    and eax, ~4                                ; TS alone
    mov cr0, eax
    CASE "ts paddb:", paddb mm0, mm1
    CASE "ts movd:", movd eax, mm0
    CASE "ts emms:", emms
    clts
    CASE "66 paddb:", db 0x66, 0x0f, 0xfc, 0xc1
    CASE "f3 movq:", db 0xf3, 0x0f, 0x6f, 0xc1
    CASE "psrlw mem,ib:", db 0x0f, 0x71, 0x15, 0x00, 0x85, 0x00, 0x00, 0x04
    CASE "0f 70 (pshufw):", db 0x0f, 0x70, 0xc1, 0x1b
    ; a pending unmasked x87 exception (ZE, CR0.NE set)
    fninit
    fldcw [cw_ze]
    fldz
    fld1
    fdiv st0, st1
    CASE "pending paddb:", paddb mm0, mm1
    CASE "pending emms:", emms
    fnclex
    CASE "cleared paddb:", paddb mm0, mm1
    emms
    ; a faulting memory operand leaves TOP and the tags as they were
    fninit
    fld1
    mov ax, SEL_DATA16
    mov fs, ax
    CASE "movq past fs limit:", movq mm2, [fs:0xfffc]
    fnstenv [FPU_ENV]
    PRINT "after the fault env"
    call fpu_penv32
    NL
    PRINTLN "mmx-state: done"
    EXIT 0

cw_ze: dw 0x037b

ROM_END start
