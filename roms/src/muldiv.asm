; muldiv: mul/imul (1-, 2-, 3-operand) and div/idiv in 8/16/32-bit sizes, with #DE caught through IVT vector 0.
; mul/imul print "high:low" and OF/CF only (SF ZF AF PF are undefined); div/idiv print
; "remainder:quotient" and no flags (all undefined). A #DE prints "#DE@CS:IP" (the IP of the
; faulting div itself), the handler skips the instruction, and the registers are printed unchanged.
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/sweep.inc"

%macro STUB 2+
%1:
    %2
    ret
%endmacro

OPT_HI equ 2                    ; sweep option: print EDX as the high half
OPT_NOSUF equ 4                 ; sweep option: no size suffix

VALUES mv8, 0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF
VALUES mv16, 0x0000, 0x0001, 0x0002, 0x00FF, 0x7FFF, 0x8000, 0xFFFF
VALUES mv32, 0x00000000, 0x00000001, 0x00000002, 0x0000FFFF, 0x00010000, 0x7FFFFFFF, \
    0x80000000, 0xFFFFFFFF
; div8 dividends (AX) / divisors (BL)
VALUES dd16, 0x0000, 0x0007, 0x00FF, 0x0100, 0x7FFF, 0x8000, 0xFF80, 0xFFFE, 0xFFFF
VALUES dv8, 0x00, 0x01, 0x02, 0x07, 0x7F, 0x80, 0xFF
; div16 dividends (DX:AX) / divisors (BX)
VALUES dd32, 0x00000000, 0x00000007, 0x0000FFFF, 0x00010000, 0x7FFFFFFF, 0x80000000, \
    0xFFFF8000, 0xFFFFFFFE, 0xFFFFFFFF
; idiv16 uses the same dividends except 0x80000000: QEMU 7.2 computes 16-bit IDIV as a host
; int32 division, so 0x80000000 / -1 kills QEMU with SIGFPE instead of raising #DE. 0x80000001
; still overflows (quotient 0x7fffffff) and takes the #DE path.
VALUES idd32, 0x00000000, 0x00000007, 0x0000FFFF, 0x00010000, 0x7FFFFFFF, 0x80000001, \
    0xFFFF8000, 0xFFFFFFFE, 0xFFFFFFFF
VALUES dv16, 0x0000, 0x0001, 0x0002, 0x0007, 0x7FFF, 0x8000, 0xFFFF
; div32 low dividends (EAX; EDX set by the stub) / divisors (EBX)
VALUES dv32, 0x00000000, 0x00000001, 0x00000002, 0x00000007, 0x7FFFFFFF, 0x80000000, \
    0xFFFFFFFF

; one-operand forms: the high half goes to DL/DX/EDX for printing (MOV keeps the flags)
mul_b:
    mul bl
    mov dl, ah
    ret
imul_b:
    imul bl
    mov dl, ah
    ret
STUB mul_w, mul bx
STUB imul_w, imul bx
STUB mul_d, mul ebx
STUB imul_d, imul ebx
mulmem_w:
    mov [0x600], bx
    mul word [0x600]
    ret
imulmem_d:
    mov [0x600], ebx
    imul dword [0x600]
    ret
; two- and three-operand imul (result truncated to the operand size)
STUB imul2_w, imul ax, bx
STUB imul2_d, imul eax, ebx
STUB imul3s8_w, imul ax, ax, byte -3
STUB imul3_w, imul ax, ax, 0x4001
STUB imul3s8_d, imul eax, eax, byte 0x7F
STUB imul3_d, imul eax, eax, 0x00010001
imul3mem_w:
    mov [0x600], ax
    imul cx, [0x600], 0x00FF
    mov ax, cx
    ret

; divisions. Each DIV/IDIV is register-form (or memory with disp16) so the #DE handler can
; find its length. Results: remainder to DL/DX/EDX, quotient stays in AL/AX/EAX.
div_b:
    div bl
    mov dl, ah
    mov ah, 0
    ret
idiv_b:
    idiv bl
    mov dl, ah
    mov ah, 0
    ret
div_w:
    mov edx, eax
    shr edx, 16                 ; dividend DX:AX from the 32-bit table value
    div bx
    ret
idiv_w:
    mov edx, eax
    shr edx, 16
    idiv bx
    ret
divmem_w:
    mov edx, eax
    shr edx, 16
    mov [0x600], bx
    div word [0x600]
    ret
div_d:
    xor edx, edx
    div ebx
    ret
divhi_d:
    mov edx, 3                  ; dividend 3:EAX overflows for divisors <= 3
    div ebx
    ret
idiv_d:
    cdq
    idiv ebx
    ret
idivneg_d:
    mov edx, 0xFFFFFFFF         ; dividend -1:EAX, i.e. EAX - 2^32
    idiv ebx
    ret
idivmem_d:
    cdq
    mov [0x600], ebx
    idiv dword [0x600]
    ret

; #DE handler: print the faulting CS:IP and step over the F6/F7 instruction there
; (optional 66h prefix; ModRM register, disp8 or disp16 forms).
de_handler:
    push bp
    mov bp, sp
    push ax
    push si
    push ds
    PRINT "#DE@"
    PHEX16 [bp+4]
    PUTC ':'
    PHEX16 [bp+2]
    SPACE
    mov ds, [bp+4]
    mov si, [bp+2]
    cld
    lodsb
    cmp al, 0x66
    jne .opcode
    lodsb
.opcode:
    lodsb                       ; ModRM
    mov ah, al
    shr ah, 6
    cmp ah, 3
    je .done
    cmp ah, 1
    je .disp8
    cmp ah, 2
    je .disp16
    and al, 7                   ; mod 00: only rm=110 has a displacement (disp16)
    cmp al, 6
    jne .done
.disp16:
    inc si
.disp8:
    inc si
.done:
    mov [bp+2], si
    pop ds
    pop si
    pop ax
    pop bp
    iret

start:
    INIT16
    mov word [0*4], de_handler
    mov word [0*4+2], cs

    PRINTLN "muldiv: one-operand mul/imul (high:low)"
    BINOP "mul", mul_b, mv8, 1, 0x0801, 2, OPT_HI
    BINOP "imul", imul_b, mv8, 1, 0x0801, 2, OPT_HI
    BINOP "mul", mul_w, mv16, 2, 0x0801, 2, OPT_HI
    BINOP "imul", imul_w, mv16, 2, 0x0801, 2, OPT_HI
    BINOP "mul", mul_d, mv32, 4, 0x0801, 2, OPT_HI
    BINOP "imul", imul_d, mv32, 4, 0x0801, 2, OPT_HI
    BINOP "mul-mem", mulmem_w, mv16, 2, 0x0801, 1, OPT_HI
    BINOP "imul-mem", imulmem_d, mv32, 4, 0x0801, 1, OPT_HI

    PRINTLN "muldiv: two- and three-operand imul"
    BINOP "imul2", imul2_w, mv16, 2, 0x0801, 2
    BINOP "imul2", imul2_d, mv32, 4, 0x0801, 2
    UNOP "imul3-imm8-fd", imul3s8_w, mv16, 2, 0x0801, 2
    UNOP "imul3-imm4001", imul3_w, mv16, 2, 0x0801, 2
    UNOP "imul3-imm8-7f", imul3s8_d, mv32, 4, 0x0801, 2
    UNOP "imul3-imm10001", imul3_d, mv32, 4, 0x0801, 2
    UNOP "imul3-mem-ff", imul3mem_w, mv16, 2, 0x0801, 2

    PRINTLN "muldiv: div/idiv (remainder:quotient)"
    BINOPX "div8 ax/bl", div_b, dd16, dv8, 2, 0, 1, OPT_HI | OPT_NOSUF
    BINOPX "idiv8 ax/bl", idiv_b, dd16, dv8, 2, 0, 1, OPT_HI | OPT_NOSUF
    BINOPX "div16 dx:ax/bx", div_w, dd32, dv16, 4, 0, 1, OPT_HI | OPT_NOSUF
    BINOPX "idiv16 dx:ax/bx", idiv_w, idd32, dv16, 4, 0, 1, OPT_HI | OPT_NOSUF
    BINOPX "div16-mem dx:ax/[m]", divmem_w, dd32, dv16, 4, 0, 1, OPT_HI | OPT_NOSUF
    BINOP "div32 0:eax/ebx", div_d, dv32, 4, 0, 1, OPT_HI | OPT_NOSUF
    BINOP "div32 3:eax/ebx", divhi_d, dv32, 4, 0, 1, OPT_HI | OPT_NOSUF
    BINOP "idiv32 cdq:eax/ebx", idiv_d, dv32, 4, 0, 1, OPT_HI | OPT_NOSUF
    BINOP "idiv32 -1:eax/ebx", idivneg_d, dv32, 4, 0, 1, OPT_HI | OPT_NOSUF
    BINOP "idiv32-mem cdq:eax/[m]", idivmem_d, dv32, 4, 0, 1, OPT_HI | OPT_NOSUF

    PRINTLN "muldiv: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
