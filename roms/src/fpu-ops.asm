; fpu-ops: x87 instruction forms through the CPU (both engines): stack and tags, FCS:FIP and FDS:FDP, fnstenv/fnsave/frstor 32 and 16-bit, fcomi/fcmov, integer and BCD memory forms, #UD encodings, #NM, unmasked exceptions and #MF with CR0.NE.
; Values print as SEEE:MMMMMMMMMMMMMMMM; env images as cw sw tw ip cs dp ds.
%include "lib/pm.inc"
%include "lib/fpu.inc"

DATA      equ SCRATCH + 0x400
VAR_IRQ   equ SCRATCH + 0x3f0

main32:
    PRINTLN "fpu-ops: start"
    FPU_ON

    ; ---- stack, tags, FIP ----
    fld1
    fldpi
    fldz
    fxch st2
    fnstenv [FPU_ENV]
    PRINT "fxch env"
    call fpu_penv32
    NL
    PST0 "st0="
    NL
    ffree st1
    fdecstp
    fnstenv [FPU_ENV]
    PRINT "ffree/fdecstp env"
    call fpu_penv32
    NL
    PST0 "empty st0="
    fincstp
    fincstp
    SPACE
    PSW
    fld st4                     ; an empty register: QEMU loads what it holds, no stack fault
    SPACE
    PST0 "fld st4="
    SPACE
    PSW
    NL
    fldln2
    fldl2e
    fstp st3                    ; fstp st(i)
    ffreep st0                  ; DF C0: ffree + pop
    fnstenv [FPU_ENV]
    PRINT "fstp/ffreep env"
    call fpu_penv32
    NL

    ; ---- memory operands: FDS:FDP with an override, 16-bit env in protected mode ----
    fninit
    mov dword [DATA], 0x3fc00000        ; 1.5f
    mov dword [DATA + 4], 0x40490fdb    ; pi as float
    mov ebx, DATA
    fld dword [fs:ebx + 4]
    fnstenv [FPU_ENV]
    PRINT "fld m32 env"
    call fpu_penv32
    NL
    fadd dword [ebx]
    o16 fnstenv [FPU_ENV]
    PRINT "o16 env"
    call fpu_penv16
    NL
    PST0 "pi+1.5="
    NL
    ; integer forms
    mov dword [DATA], -123456789
    mov word [DATA + 4], -300
    mov dword [DATA + 8], 0x89abcdef
    mov dword [DATA + 12], 0x01234567
    fild dword [DATA]
    fild word [DATA + 4]
    fild qword [DATA + 8]
    PST0 "fild64="
    fmulp st1, st0
    PST0 " fmulp="
    faddp st1, st0
    PST0 " faddp="
    NL
    fist word [DATA]            ; out of range: -32768 and IE
    fist dword [DATA + 4]
    fistp qword [DATA + 8]
    PRINT "fist16="
    PHEX16 [DATA]
    PRINT " fist32="
    PHEX32 [DATA + 4]
    PRINT " fistp64="
    PHEX32 [DATA + 12]
    PHEX32 [DATA + 8]
    SPACE
    PSW
    NL
    fnclex
    ; BCD
    mov dword [DATA], 0x56789012
    mov dword [DATA + 4], 0x34
    mov word [DATA + 8], 0x8000
    fbld tword [DATA]
    PST0 "fbld="
    fld1
    fchs
    fdivp st1, st0              ; 3456789012 / -1 ... just negates
    fbstp tword [DATA + 16]
    PRINT " fbstp="
    PHEX16 [DATA + 24]
    PHEX32 [DATA + 20]
    PHEX32 [DATA + 16]
    NL
    ; fsave / frstor, 32 and 16-bit
    fninit
    fld1
    fldz
    fldpi
    fsave [FPU_ENV]
    PRINT "fsave"
    call fpu_penv32
    PRINT " r0="
    mov ebx, FPU_ENV + 28
    call fpu_p80
    SPACE
    PSW
    NL
    frstor [FPU_ENV]
    PST0 "frstor st0="
    fstp st0
    PST0 " st1="
    NL
    o16 fsave [FPU_ENV]
    PRINT "o16 fsave"
    call fpu_penv16
    PRINT " r2="
    mov ebx, FPU_ENV + 14 + 20
    call fpu_p80
    NL
    o16 frstor [FPU_ENV]
    fnstenv [FPU_ENV]
    PRINT "o16 frstor env"
    call fpu_penv32
    NL

    ; ---- fcomi / fucomi / fcmov (CMOV models), fnstsw ax, ftst ----
    fninit
    fld1
    fldz
    mov eax, 0x08d5             ; OF SF ZF AF PF CF all set before
    push eax
    popfd
    fcomi st1                   ; 0 < 1: CF; QEMU keeps OF SF AF
    PFLAGS
    fucomi st0
    SPACE
    PFLAGS
    fcmovb st1                  ; CF clear now: no move
    fcmove st1                  ; ZF set: ST0 = 1
    PST0 " fcmove="
    fcomip st1
    SPACE
    PFLAGS
    fnstsw ax
    SPACE
    PHEX16
    NL
    fldz
    fchs
    ftst
    PSW
    fxam
    SPACE
    PSW
    fabs
    fxam
    SPACE
    PSW
    NL

    ; ---- encodings QEMU rejects: #UD ----
    TRY .ud1
    db 0xd9, 0xd1               ; D9 D1
.ud1:
    TRY .ud2
    db 0xd9, 0x08               ; D9 /1 [eax]
.ud2:
    TRY .ud3
    db 0xdb, 0xe5               ; DB E5
.ud3:
    TRY .ud4
    db 0xdf, 0xe1               ; DF E1
.ud4:
    TRY .ud5
    db 0xdd, 0x28               ; DD /5 [eax]
.ud5:
    NOTRY

    ; ---- CR0.TS / EM / MP: #NM ----
    mov eax, cr0
    or eax, 0x08                ; TS
    mov cr0, eax
    TRY .nm1
    fld1
.nm1:
    TRY .nm2
    fwait                       ; MP and TS
.nm2:
    clts
    mov eax, cr0
    or eax, 0x04                ; EM
    mov cr0, eax
    fwait                       ; EM alone: no #NM for wait
    TRY .nm3
    fninit
.nm3:
    NOTRY
    mov eax, cr0
    and eax, ~0x04
    mov cr0, eax
    PRINTLN "nm done"

    ; ---- unmasked exceptions: #MF with CR0.NE ----
    fninit
    fldcw [cw_zm]
    fld1
    fldz
    fdivp st1, st0              ; ZE unmasked: ES and B set, the result written (as QEMU)
    PSW
    PST0 " st0="
    NL
    TRY .mf1
    fwait
.mf1:
    TRY .mf2
    fnop                        ; QEMU checks for pending exceptions here too
.mf2:
    NOTRY
    fldcw [cw_all]              ; unmasking with a pending flag: no exception until an op
    fnclex
    PSW
    fld1
    fld1
    fsubp st1, st0
    fldcw [cw_pm]
    fld1
    fldz
    fdivp st1, st0              ; ZE now masked; PE? no: 1/0 exact. SE from the old ZE? cleared
    SPACE
    PSW
    fldcw [cw_im]
    fsqrt                       ; sqrt(+inf) fine
    fchs
    fsqrt                       ; sqrt(-inf): IE unmasked
    SPACE
    PSW
    NL
    fnclex

    PRINTLN "fpu-ops: done"
    EXIT 0

cw_zm: dw 0x037b
cw_all: dw 0x0340
cw_pm: dw 0x035f
cw_im: dw 0x037e

ROM_END start
