; bench-fpu: floating-point macro benchmark in flat 32-bit protected mode: an x87 Mandelbrot set, 64x32 points of [-2.2, 0.8] x [-1.2, 1.2], at most 256 iterations each (about 0.5 M iterations of 7 x87 arithmetic ops and a compare).
; BENCH: fpu
; Prints one row of the set per line ('#' inside, else a letter for the escape count) and a
; checksum of all escape counts, so every engine is seen to compute the same thing.
%include "lib/pm.inc"
%include "lib/fpu.inc"

W        equ 64
H        equ 32
MAXIT    equ 256
ROWBUF   equ SCRATCH + 0x100

main32:
    PRINTLN "bench-fpu: start"
    FPU_ON
    xor ebp, ebp                ; checksum
    xor edi, edi                ; row
.row:
    xor esi, esi                ; column
.col:
    ; c = (x0 + col*dx, y0 + row*dy)
    mov [SCRATCH], esi
    fild dword [SCRATCH]
    fmul qword [step_x]
    fadd qword [x0]             ; cr
    mov [SCRATCH], edi
    fild dword [SCRATCH]
    fmul qword [step_y]
    fadd qword [y0]             ; ci cr
    fldz                        ; zi ci cr
    fldz                        ; zr zi ci cr
    xor ecx, ecx
.it:
    fld st0                     ; zr zr zi ci cr
    fmul st0, st0               ; zr2 zr zi ci cr
    fld st2                     ; zi zr2 zr zi ci cr
    fmul st0, st0               ; zi2 zr2 zr zi ci cr
    fld st1                     ; zr2 zi2 zr2 zr zi ci cr
    fadd st0, st1               ; |z|^2 zi2 zr2 zr zi ci cr
    fcomp qword [four]          ; zi2 zr2 zr zi ci cr
    fnstsw ax
    test ah, 0x41               ; C3 or C0 clear -> greater
    jz .escaped
    fsubp st1, st0              ; zr2-zi2 zr zi ci cr
    fxch st1                    ; zr t zi ci cr
    fmulp st2, st0              ; t zr*zi ci cr
    fadd st0, st3               ; zr' zr*zi ci cr
    fxch st1                    ; zr*zi zr' ci cr
    fadd st0, st0               ; 2zrzi zr' ci cr
    fadd st0, st2               ; zi' zr' ci cr
    fxch st1                    ; zr' zi' ci cr
    inc ecx
    cmp ecx, MAXIT
    jb .it
    mov al, '#'
    jmp .done
.escaped:
    fstp st0
    fstp st0
    mov eax, ecx
    and eax, 15
    add al, 'a'
.done:
    fninit
    mov [ROWBUF + esi], al
    add ebp, ecx
    rol ebp, 1
    inc esi
    cmp esi, W
    jb .col
    mov byte [ROWBUF + W], 0
    mov ebx, ROWBUF
.pr:
    mov al, [ebx]
    test al, al
    jz .nl
    out DEBUGCON_PORT, al
    inc ebx
    jmp .pr
.nl:
    NL
    inc edi
    cmp edi, H
    jb .row
    PRINT "bench-fpu: checksum "
    PHEX32 ebp
    NL
    PRINTLN "bench-fpu: done"
    EXIT 0

x0: dq -2.2
y0: dq -1.2
step_x: dq 0.046875
step_y: dq 0.075
four: dq 4.0

ROM_END start
