; mmx-ops: every plain MMX instruction (unpack, pack with saturation, compares, wrapping and saturating add/sub, multiplies, logic, shifts by register, memory and immediate, movd/movq in every direction) on operand pairs with the saturation and sign edges; results printed as 64-bit hex.
%include "lib/pm.inc"
%include "lib/fpu.inc"

OPA     equ SCRATCH + 0x400     ; operand A (8 bytes)
OPB     equ SCRATCH + 0x408     ; operand B
RES     equ SCRATCH + 0x410     ; result
PG_END  equ SCRATCH + 0x420

; print the 8 bytes at %1 as HHHHHHHHLLLLLLLL
%macro PQ 1
    PHEX32 [%1 + 4]
    PHEX32 [%1]
%endmacro

; R name, instruction...: mm0 = A, mm1 = B, run, print " name=result" (mm0)
%macro R 2+
    movq mm0, [OPA]
    movq mm1, [OPB]
    %2
    movq [RES], mm0
    PRINT %1
    PUTC '='
    PQ RES
    SPACE
%endmacro

; every binary op, register source then (for a few) memory source
binops:
    R "punpcklbw", punpcklbw mm0, mm1
    R "punpcklwd", punpcklwd mm0, mm1
    R "punpckldq", punpckldq mm0, mm1
    R "punpckhbw", punpckhbw mm0, mm1
    R "punpckhwd", punpckhwd mm0, mm1
    R "punpckhdq", punpckhdq mm0, mm1
    NL
    R "packsswb", packsswb mm0, mm1
    R "packuswb", packuswb mm0, mm1
    R "packssdw", packssdw mm0, mm1
    NL
    R "pcmpeqb", pcmpeqb mm0, mm1
    R "pcmpeqw", pcmpeqw mm0, mm1
    R "pcmpeqd", pcmpeqd mm0, mm1
    R "pcmpgtb", pcmpgtb mm0, mm1
    R "pcmpgtw", pcmpgtw mm0, mm1
    R "pcmpgtd", pcmpgtd mm0, mm1
    NL
    R "paddb", paddb mm0, mm1
    R "paddw", paddw mm0, mm1
    R "paddd", paddd mm0, mm1
    R "psubb", psubb mm0, mm1
    R "psubw", psubw mm0, mm1
    R "psubd", psubd mm0, mm1
    NL
    R "paddsb", paddsb mm0, mm1
    R "paddsw", paddsw mm0, mm1
    R "psubsb", psubsb mm0, mm1
    R "psubsw", psubsw mm0, mm1
    NL
    R "paddusb", paddusb mm0, mm1
    R "paddusw", paddusw mm0, mm1
    R "psubusb", psubusb mm0, mm1
    R "psubusw", psubusw mm0, mm1
    NL
    R "pmullw", pmullw mm0, mm1
    R "pmulhw", pmulhw mm0, mm1
    R "pmaddwd", pmaddwd mm0, mm1
    NL
    R "pand", pand mm0, mm1
    R "pandn", pandn mm0, mm1
    R "por", por mm0, mm1
    R "pxor", pxor mm0, mm1
    NL
    R "m:paddsw", paddsw mm0, [OPB]
    R "m:pmaddwd", pmaddwd mm0, [OPB]
    R "m:punpcklbw", punpcklbw mm0, [OPB]
    R "m:pcmpgtb", pcmpgtb mm0, [OPB]
    NL
    ret

; shifts of A by the count in B (register and memory forms)
shiftops:
    R "psrlw", psrlw mm0, mm1
    R "psraw", psraw mm0, mm1
    R "psllw", psllw mm0, mm1
    R "psrld", psrld mm0, mm1
    NL
    R "psrad", psrad mm0, mm1
    R "pslld", pslld mm0, mm1
    R "psrlq", psrlq mm0, mm1
    R "psllq", psllq mm0, [OPB]
    NL
    ret

; SETAB hi_a, lo_a, hi_b, lo_b
%macro SETAB 4
    mov dword [OPA + 4], %1
    mov dword [OPA], %2
    mov dword [OPB + 4], %3
    mov dword [OPB], %4
    PRINT "A="
    PQ OPA
    PRINT " B="
    PQ OPB
    NL
%endmacro

main32:
    PRINTLN "mmx-ops: start"
    FPU_ON
    SETAB 0x7f80017f, 0xff00ff80, 0x0180ff01, 0x01ff0180
    call binops
    SETAB 0x7fff8000, 0xffff0001, 0x00018000, 0xfffe7fff
    call binops
    SETAB 0x7fffffff, 0x80000000, 0x00000001, 0x80000000
    call binops
    SETAB 0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210
    call binops
    SETAB 0x80008000, 0x80008000, 0x80008000, 0x80008000
    call binops
    SETAB 0x00ff00ff, 0x7f807f80, 0xff00ff00, 0x80ff80ff
    call binops

    ; shift counts: inside, at and past each lane width, and with the upper dword set
    SETAB 0x81234567, 0x89abcdef, 0, 4
    call shiftops
    SETAB 0x81234567, 0x89abcdef, 0, 15
    call shiftops
    SETAB 0x81234567, 0x89abcdef, 0, 16
    call shiftops
    SETAB 0x81234567, 0x89abcdef, 0, 31
    call shiftops
    SETAB 0x81234567, 0x89abcdef, 0, 32
    call shiftops
    SETAB 0x81234567, 0x89abcdef, 0, 63
    call shiftops
    SETAB 0x81234567, 0x89abcdef, 0, 64
    call shiftops
    SETAB 0x81234567, 0x89abcdef, 1, 1
    call shiftops

    ; shifts by an immediate
    PRINTLN "immediate shifts of A"
    R "psrlw0", psrlw mm0, 0
    R "psrlw3", psrlw mm0, 3
    R "psrlw16", psrlw mm0, 16
    R "psraw7", psraw mm0, 7
    R "psraw200", psraw mm0, 200
    R "psllw15", psllw mm0, 15
    NL
    R "psrld1", psrld mm0, 1
    R "psrad31", psrad mm0, 31
    R "psrad32", psrad mm0, 32
    R "pslld9", pslld mm0, 9
    R "pslld40", pslld mm0, 40
    NL
    R "psrlq4", psrlq mm0, 4
    R "psrlq63", psrlq mm0, 63
    R "psrlq64", psrlq mm0, 64
    R "psllq36", psllq mm0, 36
    R "psllq255", psllq mm0, 255
    NL

    ; moves
    PRINTLN "moves"
    mov eax, 0x89abcdef
    movd mm3, eax                  ; zero-extends
    movq [RES], mm3
    PRINT "movd mm,r32="
    PQ RES
    mov dword [OPB], 0xcafef00d
    movd mm4, [OPB]
    movq mm5, mm4                  ; register to register
    movq [RES], mm5
    PRINT " movd mm,m32="
    PQ RES
    movq mm6, [OPA]
    movd ebx, mm6
    PRINT " movd r32,mm="
    PHEX32 ebx
    mov dword [RES], 0x11111111
    mov dword [RES + 4], 0x22222222
    movd [RES], mm6                ; writes 4 bytes only
    PRINT " movd m32,mm="
    PQ RES
    movq [RES], mm6
    PRINT " movq m64,mm="
    PQ RES
    NL
    ; 16-bit address size and a segment override on a memory operand
    mov ax, SEL_DATA16
    mov fs, ax
    mov esi, OPA
    a16 movq mm7, [fs:si]
    movq [RES], mm7
    PRINT "a16 fs: movq="
    PQ RES
    NL
    emms
    PRINTLN "mmx-ops: done"
    EXIT 0

ROM_END start
