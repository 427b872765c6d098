; bench-smc: an SMC-heavy benchmark: a loop in RAM writes the iteration count into its own add imm32 on every iteration (each store invalidates the code it runs), then prints a checksum.
; BENCH: smc
bits 16
org 0
%include "lib/pm.inc"

SMC_RAM equ 0x20000                 ; where the self-modifying loop runs (RAM; the ROM is read-only)
ITERATIONS equ 200000

main32:
    PRINTLN "bench-smc: start"
    mov esi, smc_code
    mov edi, SMC_RAM
    mov ecx, smc_code_end - smc_code
    rep movsb
    mov ebx, SMC_RAM
    call ebx
    PRINT "checksum: "
    PHEX32 eax
    NL
    PRINTLN "bench-smc: done"
    EXIT 0

; Position-independent apart from the patched address, which is computed for SMC_RAM.
smc_code:
    xor eax, eax
    mov ecx, ITERATIONS
.loop:
    mov [SMC_RAM + (.add - smc_code) + 1], ecx   ; patch the immediate of the next instruction
.add:
    add eax, 0x12345678
    rol eax, 1
    dec ecx
    jnz .loop
    ret
smc_code_end:

ROM_END start
