; bcd: daa das aaa aas aam aad swept over all inputs with AF/CF in; per-op checksum plus sample lines; aam 0 -> #DE.
; Flags are masked to the SDM-defined ones: daa/das OF undefined; aaa/aas only AF CF defined;
; aam/aad only SF ZF PF defined. Checksum (FNV-1a style, 32-bit): h = (h xor (AX << 16 |
; masked flags)) * 16777619 starting from 2166136261, over
; inputs in increasing order and, per input, flags-in images 0002 0003 0012 0013 (AF/CF).
bits 16
org 0
%include "lib/debugcon.inc"

%macro STUB 2+
%1:
    %2
    ret
%endmacro

STUB op_daa, daa
STUB op_das, das
STUB op_aaa, aaa
STUB op_aas, aas
STUB op_aam10, aam
STUB op_aam16, aam 16
STUB op_aam7, aam 7
STUB op_aamff, aam 255
STUB op_aad10, aad
STUB op_aad16, aad 16
STUB op_aad7, aad 7
STUB op_aadff, aad 255

B_STUB equ 0x500                ; word
B_MASK equ 0x502                ; word
B_MODE equ 0x504                ; byte: 0 = AL sweep (AH = AL xor 5a), 1 = full AX sweep
B_HASH equ 0x508                ; dword
B_IN equ 0x50C                  ; word: AX input
B_FLIN equ 0x50E                ; word
B_NAME equ 0x510                ; word

flimages: dw 0x0002, 0x0003, 0x0012, 0x0013
samples_al: db 0x00, 0x09, 0x0A, 0x0F, 0x19, 0x66, 0x99, 0x9A, 0xA0, 0xF9, 0xFF
samples_al_n equ $ - samples_al
samples_ax: dw 0x0000, 0x0109, 0x0909, 0x0A0A, 0x0F0F, 0x1234, 0x8080, 0xFF01, 0xFFFF
samples_ax_n equ ($ - samples_ax) / 2

; SWEEP "name", stub, mask, mode
%macro SWEEP 4
    jmp %%go
%%name: db %1, 0
%%go:
    mov word [B_NAME], %%name
    mov word [B_STUB], %2
    mov word [B_MASK], %3
    mov byte [B_MODE], %4
    call bcd_sweep
%endmacro

; is_sample: ZF=1 if the input [B_IN] is one to print (AL-mode: by AL, AX-mode: by AX).
is_sample:
    push ax
    push bx
    push cx
    mov ax, [B_IN]
    cmp byte [B_MODE], 0
    jne .ax
    mov bx, samples_al
    mov cx, samples_al_n
.al_loop:
    cmp al, [cs:bx]
    je .out
    inc bx
    loop .al_loop
    jmp .no
.ax:
    mov bx, samples_ax
    mov cx, samples_ax_n
.ax_loop:
    cmp ax, [cs:bx]
    je .out
    add bx, 2
    loop .ax_loop
.no:
    or cx, 1                    ; CX is 0 here; make ZF=0
.out:
    pop cx
    pop bx
    pop ax
    ret

bcd_sweep:
    pushad
    mov dword [B_HASH], 2166136261
    mov word [B_IN], 0
.input:
    xor si, si                  ; flags image index
.image:
    mov ax, [B_IN]
    cmp byte [B_MODE], 0
    jne .have_ax
    mov ah, al
    xor ah, 0x5A
.have_ax:
    mov bx, si
    shl bx, 1
    mov bx, [cs:flimages + bx]
    mov [B_FLIN], bx
    push bx
    popf
    call [B_STUB]
    pushf
    pop dx
    and dx, [B_MASK]
    mov di, ax                  ; result AX
    ; hash
    mov ebx, [B_HASH]
    movzx ecx, di
    shl ecx, 16
    or cx, dx
    xor ebx, ecx
    imul ebx, ebx, 16777619
    mov [B_HASH], ebx
    call is_sample
    jne .no_print
    PSTR [B_NAME]
    PRINT " ax="
    mov ax, [B_IN]
    cmp byte [B_MODE], 0
    jne .print_in
    mov ah, al
    xor ah, 0x5A
.print_in:
    PHEX16
    PRINT " fl="
    PHEX16 [B_FLIN]
    PRINT " -> "
    PHEX16 di
    PRINT " fl="
    PHEX16 dx
    NL
.no_print:
    cmp byte [B_MODE], 0
    jne .next_input             ; AX sweep: one flags image per input
    inc si
    cmp si, 4
    jb .image
.next_input:
    inc word [B_IN]
    cmp byte [B_MODE], 0
    jne .ax_range
    cmp word [B_IN], 0x100
    jb .input
    jmp .report
.ax_range:
    cmp word [B_IN], 0
    jne .input                  ; wraps to 0 after 0xFFFF
.report:
    PSTR [B_NAME]
    PRINT " checksum="
    PHEX32 [B_HASH]
    NL
    popad
    ret

; #DE handler for AAM 0 (D4 00, 2 bytes): print the faulting CS:IP and skip the instruction.
de_handler:
    push bp
    mov bp, sp
    PRINT "#DE@"
    PHEX16 [bp+4]
    PUTC ':'
    PHEX16 [bp+2]
    NL
    add word [bp+2], 2
    pop bp
    iret

start:
    INIT16
    mov word [0*4], de_handler
    mov word [0*4+2], cs

    PRINTLN "bcd: sweeps (AL 00..ff, AH = AL xor 5a, flags-in 0002/0003/0012/0013)"
    SWEEP "daa", op_daa, 0x00D5, 0
    SWEEP "das", op_das, 0x00D5, 0
    SWEEP "aaa", op_aaa, 0x0011, 0
    SWEEP "aas", op_aas, 0x0011, 0
    SWEEP "aam", op_aam10, 0x00C4, 0
    SWEEP "aam16", op_aam16, 0x00C4, 0
    SWEEP "aam7", op_aam7, 0x00C4, 0
    SWEEP "aamff", op_aamff, 0x00C4, 0
    PRINTLN "bcd: aad sweeps (AX 0000..ffff, flags-in 0002)"
    SWEEP "aad", op_aad10, 0x00C4, 1
    SWEEP "aad16", op_aad16, 0x00C4, 1
    SWEEP "aad7", op_aad7, 0x00C4, 1
    SWEEP "aadff", op_aadff, 0x00C4, 1

    PRINTLN "bcd: aam 0 with AX=1234"
    mov ax, 0x1234
    aam 0
    PRINT "after #DE ax="
    PHEX16
    NL

    PRINTLN "bcd: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
