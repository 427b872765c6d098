; bench-bytecode: byte-oriented interpreter benchmark in flat 32-bit PM: a bytecode VM (lodsb, jump-table dispatch, byte operands) running a loop nest.
; BENCH: bytecode
; The VM has 8 dword registers at VREGS and one-byte opcodes, most with a one-byte register
; operand; it dispatches through `jmp [optab + eax*4]`. Its program computes, for i in
; 0..59999, acc = (acc * 33) xor i and counts the i with an odd population of bits set by a
; byte-table lookup, 20 times: about 65 M guest instructions. Prints the VM registers.
%include "lib/pm.inc"

VREGS  equ 0x8100               ; 8 dword VM registers (pm.inc's scratch area)
POPTAB equ 0x100000             ; 256 bytes: parity of each byte value

; opcodes
OP_LDI  equ 0                   ; r, imm32: r = imm
OP_ADD  equ 1                   ; rd, rs: rd += rs
OP_XOR  equ 2                   ; rd, rs
OP_MULI equ 3                   ; r, imm8: r *= imm8
OP_INC  equ 4                   ; r
OP_JLT  equ 5                   ; ra, rb, rel8: if ra < rb (unsigned) jump by rel8 from the next op
OP_PAR  equ 6                   ; rd, rs: rd += parity of rs (byte table, four bytes)
OP_HALT equ 7
OP_DEC  equ 8                   ; r
OP_JNZ  equ 9                   ; r, rel8

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    PRINTLN "bench-bytecode: start"
    xor ecx, ecx                ; parity table: bit 0 of the population count
.pt:
    mov eax, ecx
    xor edx, edx
.ptb:
    test eax, eax
    jz .ptd
    mov ebx, eax
    and ebx, 1
    xor edx, ebx
    shr eax, 1
    jmp .ptb
.ptd:
    mov [POPTAB + ecx], dl
    inc ecx
    cmp ecx, 256
    jb .pt
    mov edi, VREGS
    xor eax, eax
    mov ecx, 8
    rep stosd
    mov esi, program
.dispatch:
    movzx eax, byte [esi]
    inc esi
    jmp [optab + eax*4]

op_ldi:
    movzx ebx, byte [esi]
    mov eax, [esi + 1]
    mov [VREGS + ebx*4], eax
    add esi, 5
    jmp main32.dispatch
op_add:
    movzx ebx, byte [esi]
    movzx ecx, byte [esi + 1]
    mov eax, [VREGS + ecx*4]
    add [VREGS + ebx*4], eax
    add esi, 2
    jmp main32.dispatch
op_xor:
    movzx ebx, byte [esi]
    movzx ecx, byte [esi + 1]
    mov eax, [VREGS + ecx*4]
    xor [VREGS + ebx*4], eax
    add esi, 2
    jmp main32.dispatch
op_muli:
    movzx ebx, byte [esi]
    movzx ecx, byte [esi + 1]
    mov eax, [VREGS + ebx*4]
    imul eax, ecx
    mov [VREGS + ebx*4], eax
    add esi, 2
    jmp main32.dispatch
op_inc:
    movzx ebx, byte [esi]
    inc dword [VREGS + ebx*4]
    inc esi
    jmp main32.dispatch
op_dec:
    movzx ebx, byte [esi]
    dec dword [VREGS + ebx*4]
    inc esi
    jmp main32.dispatch
op_jlt:
    movzx ebx, byte [esi]
    movzx ecx, byte [esi + 1]
    movsx edx, byte [esi + 2]
    add esi, 3
    mov eax, [VREGS + ebx*4]
    cmp eax, [VREGS + ecx*4]
    jae main32.dispatch
    add esi, edx
    jmp main32.dispatch
op_jnz:
    movzx ebx, byte [esi]
    movsx edx, byte [esi + 1]
    add esi, 2
    cmp dword [VREGS + ebx*4], 0
    je main32.dispatch
    add esi, edx
    jmp main32.dispatch
op_par:
    movzx ebx, byte [esi]
    movzx ecx, byte [esi + 1]
    add esi, 2
    mov ecx, [VREGS + ecx*4]
    xor cl, ch
    shr ecx, 8
    xor cl, ch                  ; bits 0-7 of CL: xor of bytes 0, 1 and 3 ...
    shr ecx, 8
    xor cl, ch                  ; ... and 2: the parity of CL is the parity of the dword
    movzx ecx, cl
    movzx eax, byte [POPTAB + ecx]
    add [VREGS + ebx*4], eax
    jmp main32.dispatch
op_halt:
    PRINT "vm regs:"
    xor ecx, ecx
.r:
    SPACE
    PHEX32 [VREGS + ecx*4]
    inc ecx
    cmp ecx, 8
    jb .r
    NL
    PRINTLN "bench-bytecode: done"
    EXIT 0

align 4
optab: dd op_ldi, op_add, op_xor, op_muli, op_inc, op_jlt, op_par, op_halt, op_dec, op_jnz

; r0 i, r1 limit, r2 acc, r3 odd count, r4 outer counter
program:
    db OP_LDI, 4
    dd 20
.outer:
    db OP_LDI, 0
    dd 0
    db OP_LDI, 1
    dd 60000
.loop:
    db OP_MULI, 2, 33
    db OP_XOR, 2, 0
    db OP_PAR, 3, 2
    db OP_INC, 0
    db OP_JLT, 0, 1, .loop - ($ + 4)
    db OP_DEC, 4
    db OP_JNZ, 4, .outer - ($ + 3)
    db OP_HALT

ROM_END start
