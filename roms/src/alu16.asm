; alu16: 8- and 16-bit ALU ops (add adc sub sbb and or xor cmp test inc dec neg not) on edge values, real mode.
; Each line: op, operands, input flags (cf0 = all clear, cf1 = OF SF ZF AF PF CF set), result, flags.
; AF is masked for the logic ops (undefined there); everything else printed is SDM-defined.
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/sweep.inc"

; STUB label, instruction(s): a sweep stub (A in AL/AX, B in BL/BX, result in AL/AX).
%macro STUB 2+
%1:
    %2
    ret
%endmacro

VALUES vals8, 0x00, 0x01, 0x0F, 0x7F, 0x80, 0xFF
VALUES vals16, 0x0000, 0x0001, 0x007F, 0x0080, 0x00FF, 0x7FFF, 0x8000, 0xFFFF

STUB add_b, add al, bl
STUB adc_b, adc al, bl
STUB sub_b, sub al, bl
STUB sbb_b, sbb al, bl
STUB and_b, and al, bl
STUB or_b, or al, bl
STUB xor_b, xor al, bl
STUB cmp_b, cmp al, bl
STUB test_b, test al, bl
STUB inc_b, inc al
STUB dec_b, dec al
STUB neg_b, neg al
STUB not_b, not al

STUB add_w, add ax, bx
STUB adc_w, adc ax, bx
STUB sub_w, sub ax, bx
STUB sbb_w, sbb ax, bx
STUB and_w, and ax, bx
STUB or_w, or ax, bx
STUB xor_w, xor ax, bx
STUB cmp_w, cmp ax, bx
STUB test_w, test ax, bx
STUB inc_w, inc ax
STUB dec_w, dec ax
STUB neg_w, neg ax
STUB not_w, not ax

; Other encodings of the same operations: high byte registers, immediates (short
; accumulator form, 80/81 group, sign-extended 83 imm8) and memory operands.
addhi_b:
    mov ah, al
    mov bh, bl
    add ah, bh
    mov al, ah
    ret
sbbhi_b:
    mov ch, al
    mov dh, bl
    sbb ch, dh
    mov al, ch
    ret
cmpimm_b:
    mov dl, al
    cmp dl, 0x80
    mov al, dl
    ret
STUB adcacc_w, adc ax, 0x8000
STUB subs8_w, sub ax, byte -1
andimm_w:
    mov dx, ax
    and dx, 0x80FF
    mov ax, dx
    ret
adcmemd_w:
    mov [0x600], ax
    adc [0x600], bx
    mov ax, [0x600]
    ret
sbbmems_w:
    mov [0x602], bx
    sbb ax, [0x602]
    ret
negmem_w:
    mov [0x604], ax
    neg word [0x604]
    mov ax, [0x604]
    ret
decmem_b:
    mov [0x606], al
    dec byte [0x606]
    mov al, [0x606]
    ret
xormem_b:
    mov [0x607], al
    xor byte [0x607], 0xA5
    mov al, [0x607]
    ret

start:
    INIT16
    PRINTLN "alu16: byte forms"
    BINOP "add", add_b, vals8, 1, ARITH_FLAGS, 2
    BINOP "adc", adc_b, vals8, 1, ARITH_FLAGS, 3
    BINOP "sub", sub_b, vals8, 1, ARITH_FLAGS, 2
    BINOP "sbb", sbb_b, vals8, 1, ARITH_FLAGS, 3
    BINOP "and", and_b, vals8, 1, ARITH_FLAGS_NOAF, 2
    BINOP "or", or_b, vals8, 1, ARITH_FLAGS_NOAF, 2
    BINOP "xor", xor_b, vals8, 1, ARITH_FLAGS_NOAF, 2
    BINOP "cmp", cmp_b, vals8, 1, ARITH_FLAGS, 2
    BINOP "test", test_b, vals8, 1, ARITH_FLAGS_NOAF, 2
    UNOP "inc", inc_b, vals8, 1, ARITH_FLAGS, 3
    UNOP "dec", dec_b, vals8, 1, ARITH_FLAGS, 3
    UNOP "neg", neg_b, vals8, 1, ARITH_FLAGS, 2
    UNOP "not", not_b, vals8, 1, ARITH_FLAGS, 3

    PRINTLN "alu16: word forms"
    BINOP "add", add_w, vals16, 2, ARITH_FLAGS, 2
    BINOP "adc", adc_w, vals16, 2, ARITH_FLAGS, 3
    BINOP "sub", sub_w, vals16, 2, ARITH_FLAGS, 2
    BINOP "sbb", sbb_w, vals16, 2, ARITH_FLAGS, 3
    BINOP "and", and_w, vals16, 2, ARITH_FLAGS_NOAF, 2
    BINOP "or", or_w, vals16, 2, ARITH_FLAGS_NOAF, 2
    BINOP "xor", xor_w, vals16, 2, ARITH_FLAGS_NOAF, 2
    BINOP "cmp", cmp_w, vals16, 2, ARITH_FLAGS, 2
    BINOP "test", test_w, vals16, 2, ARITH_FLAGS_NOAF, 2
    UNOP "inc", inc_w, vals16, 2, ARITH_FLAGS, 3
    UNOP "dec", dec_w, vals16, 2, ARITH_FLAGS, 3
    UNOP "neg", neg_w, vals16, 2, ARITH_FLAGS, 2
    UNOP "not", not_w, vals16, 2, ARITH_FLAGS, 3

    PRINTLN "alu16: other encodings"
    BINOP "add-ah-bh", addhi_b, vals8, 1, ARITH_FLAGS, 2
    BINOP "sbb-ch-dh", sbbhi_b, vals8, 1, ARITH_FLAGS, 3
    UNOP "cmp-dl-imm80", cmpimm_b, vals8, 1, ARITH_FLAGS, 2
    UNOP "adc-ax-imm8000", adcacc_w, vals16, 2, ARITH_FLAGS, 3
    UNOP "sub-ax-simm8-ff", subs8_w, vals16, 2, ARITH_FLAGS, 2
    UNOP "and-dx-imm80ff", andimm_w, vals16, 2, ARITH_FLAGS_NOAF, 2
    BINOP "adc-mem-reg", adcmemd_w, vals16, 2, ARITH_FLAGS, 3
    BINOP "sbb-reg-mem", sbbmems_w, vals16, 2, ARITH_FLAGS, 3
    UNOP "neg-mem", negmem_w, vals16, 2, ARITH_FLAGS, 2
    UNOP "dec-mem", decmem_b, vals8, 1, ARITH_FLAGS, 3
    UNOP "xor-mem-imma5", xormem_b, vals8, 1, ARITH_FLAGS_NOAF, 2

    PRINTLN "alu16: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
