; alu32: 32-bit ALU ops (66h prefix in real mode: add adc sub sbb and or xor cmp test inc dec neg not) on edge values.
; Each line: op, operands, input flags (cf0 = all clear, cf1 = OF SF ZF AF PF CF set), result, flags.
; AF is masked for the logic ops (undefined there); everything else printed is SDM-defined.
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/sweep.inc"

; STUB label, instruction: a one-instruction sweep stub (A in EAX, B in EBX, result in EAX).
%macro STUB 2+
%1:
    %2
    ret
%endmacro

VALUES vals32, 0x00000000, 0x00000001, 0x0000007F, 0x00000080, 0x000000FF, 0x00007FFF, \
    0x00008000, 0x0000FFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF

STUB add_d, add eax, ebx
STUB adc_d, adc eax, ebx
STUB sub_d, sub eax, ebx
STUB sbb_d, sbb eax, ebx
STUB and_d, and eax, ebx
STUB or_d, or eax, ebx
STUB xor_d, xor eax, ebx
STUB cmp_d, cmp eax, ebx
STUB test_d, test eax, ebx
STUB inc_d, inc eax
STUB dec_d, dec eax
STUB neg_d, neg eax
STUB not_d, not eax

; Other encodings: accumulator imm32, 81 imm32 on another register, sign-extended 83 imm8,
; memory destination and source (with the 67h-free 16-bit addressing of real mode), and a
; 32-bit operand addressed with a 32-bit address (67h prefix).
STUB adcacc_d, adc eax, 0x80000000
STUB subs8_d, sub eax, byte -1
cmpimm_d:
    mov edx, eax
    cmp edx, 0x7FFFFFFF
    mov eax, edx
    ret
andimm_d:
    mov esi, eax
    and esi, 0xFFFF0000
    mov eax, esi
    ret
adcmemd_d:
    mov [0x600], eax
    adc [0x600], ebx
    mov eax, [0x600]
    ret
sbbmems_d:
    mov [0x604], ebx
    sbb eax, [0x604]
    ret
negmem_d:
    mov [0x608], eax
    neg dword [0x608]
    mov eax, [0x608]
    ret
incmem67_d:
    mov [0x60C], eax
    inc dword [dword 0x60C]     ; 67h: 32-bit address in real mode
    mov eax, [0x60C]
    ret
addbig_d:
    mov ecx, eax
    mov edx, ebx
    add edx, ecx                ; reversed operands, other registers
    mov eax, edx
    ret

start:
    INIT16
    PRINTLN "alu32: dword forms"
    BINOP "add", add_d, vals32, 4, ARITH_FLAGS, 2
    BINOP "adc", adc_d, vals32, 4, ARITH_FLAGS, 3
    BINOP "sub", sub_d, vals32, 4, ARITH_FLAGS, 2
    BINOP "sbb", sbb_d, vals32, 4, ARITH_FLAGS, 3
    BINOP "and", and_d, vals32, 4, ARITH_FLAGS_NOAF, 2
    BINOP "or", or_d, vals32, 4, ARITH_FLAGS_NOAF, 2
    BINOP "xor", xor_d, vals32, 4, ARITH_FLAGS_NOAF, 2
    BINOP "cmp", cmp_d, vals32, 4, ARITH_FLAGS, 2
    BINOP "test", test_d, vals32, 4, ARITH_FLAGS_NOAF, 2
    UNOP "inc", inc_d, vals32, 4, ARITH_FLAGS, 3
    UNOP "dec", dec_d, vals32, 4, ARITH_FLAGS, 3
    UNOP "neg", neg_d, vals32, 4, ARITH_FLAGS, 2
    UNOP "not", not_d, vals32, 4, ARITH_FLAGS, 3

    PRINTLN "alu32: other encodings"
    UNOP "adc-eax-imm80000000", adcacc_d, vals32, 4, ARITH_FLAGS, 3
    UNOP "sub-eax-simm8-ff", subs8_d, vals32, 4, ARITH_FLAGS, 2
    UNOP "cmp-edx-imm7fffffff", cmpimm_d, vals32, 4, ARITH_FLAGS, 2
    UNOP "and-esi-immffff0000", andimm_d, vals32, 4, ARITH_FLAGS_NOAF, 2
    BINOP "adc-mem-reg", adcmemd_d, vals32, 4, ARITH_FLAGS, 3
    BINOP "sbb-reg-mem", sbbmems_d, vals32, 4, ARITH_FLAGS, 3
    UNOP "neg-mem", negmem_d, vals32, 4, ARITH_FLAGS, 2
    UNOP "inc-mem-a32", incmem67_d, vals32, 4, ARITH_FLAGS, 3
    BINOP "add-edx-ecx", addbig_d, vals32, 4, ARITH_FLAGS, 2

    PRINTLN "alu32: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
