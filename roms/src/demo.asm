; demo: the ROM `npm start` runs: banner, primes and Fibonacci in real mode, then CRC32 and fib(47) in 32-bit protected mode.
; Results are checkable by hand: CRC32("123456789") is the standard check value cbf43926.
bits 16
org 0
%include "lib/debugcon.inc"

start:
    INIT16
    PRINTLN "tcg86 demo: a PC emulator in TypeScript, built the way QEMU's TCG softmmu is built"
    PRINT "real mode: first 16 primes:"
    mov bx, 2                   ; candidate
    mov di, 16                  ; primes still to print
.candidate:
    mov cx, 2                   ; trial divisor
.trial:
    mov ax, cx
    mul cx
    cmp ax, bx
    ja .prime                   ; divisor^2 > candidate: no factor found
    mov ax, bx
    xor dx, dx
    div cx
    test dx, dx
    jz .composite
    inc cx
    jmp .trial
.prime:
    SPACE
    PDEC16 bx
    dec di
    jz .primes_done
.composite:
    inc bx
    jmp .candidate
.primes_done:
    NL

    PRINT "real mode: fib(24) = "
    xor ax, ax
    mov dx, 1
    mov cx, 24
.fib16:
    xadd dx, ax                 ; (a, b) <- (b, a+b) in one 486 instruction
    loop .fib16
    PDEC16                      ; AX = fib(24)
    NL

    PRINTLN "switching to 32-bit protected mode (flat segments)"
    lgdt [cs:gdt_ptr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:pm_entry     ; far jump loads the 32-bit code segment

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: code, base 0, limit 4 GiB, 32-bit
    dq 0x00CF92000000FFFF       ; 0x10: data, base 0, limit 4 GiB, 32-bit
gdt_ptr:
    dw gdt_ptr - gdt - 1
    dd 0xF0000 + gdt            ; linear address of the GDT in the ROM alias

; ---- 32-bit part: linked at its linear address in the 0xF0000 alias ----
section .pm32 start=0x8000 vstart=0xF8000
bits 32

; P32 "text": print an inline string from 32-bit code.
%macro P32 1
    call pm_print_inline
    db %1, 0
%endmacro

pm_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000

    P32 'protected mode: CRC32("123456789") = '
    mov esi, crc_input
    mov ecx, crc_input_len
    mov edx, 0xFFFFFFFF
.crc_byte:
    lodsb
    xor dl, al
    mov ebx, 8
.crc_bit:
    shr edx, 1
    jnc .no_poly
    xor edx, 0xEDB88320         ; reflected CRC-32 polynomial
.no_poly:
    dec ebx
    jnz .crc_bit
    loop .crc_byte
    not edx
    mov eax, edx
    call pm_hex32
    P32 `\n`

    P32 "protected mode: fib(47) = "
    xor eax, eax
    mov edx, 1
    mov ecx, 47
.fib32:
    xadd edx, eax
    loop .fib32
    call pm_dec32
    P32 " = 0x"
    call pm_hex32
    P32 `\n`

    P32 `tcg86 demo: done; resetting through the 8042 (with -no-reboot the run ends, status 0)\n`
    mov al, 0xfe                ; 8042 command FE: pulse the CPU reset line
    out 0x64, al
.halt:
    cli
    hlt
    jmp .halt

crc_input: db "123456789"
crc_input_len equ $ - crc_input

; pm_print_inline: print the zero-terminated string after the CALL, return past it.
pm_print_inline:
    xchg esi, [esp]
    push eax
.loop:
    lodsb
    test al, al
    jz .done
    out DEBUGCON_PORT, al
    jmp .loop
.done:
    pop eax
    xchg esi, [esp]
    ret

; pm_hex32: EAX as eight hex digits (preserves registers).
pm_hex32:
    pushad
    mov ecx, 8
.digit:
    rol eax, 4
    mov ebx, eax
    and bl, 0x0F
    add bl, '0'
    cmp bl, '9'
    jbe .out
    add bl, 'a' - '0' - 10
.out:
    xchg eax, ebx
    out DEBUGCON_PORT, al
    xchg eax, ebx
    loop .digit
    popad
    ret

; pm_dec32: EAX as unsigned decimal (preserves registers).
pm_dec32:
    pushad
    mov ebx, 10
    xor ecx, ecx
.div:
    xor edx, edx
    div ebx
    push edx
    inc ecx
    test eax, eax
    jnz .div
.put:
    pop eax
    add al, '0'
    out DEBUGCON_PORT, al
    loop .put
    popad
    ret

%include "lib/reset.inc"
ROM_END start
