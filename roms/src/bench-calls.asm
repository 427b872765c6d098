; bench-calls: call/ret-heavy benchmark in flat 32-bit PM: recursive Fibonacci (register argument) and Takeuchi's tak (cdecl frames).
; BENCH: calls
; 40 rounds of fib(22) (57,313 calls, about 11 instructions each) and tak(18, 12, 6) (63,609
; calls, cdecl: arguments pushed, push ebp / mov ebp, esp frames, about 20 instructions each):
; about 65 M guest instructions, nearly all of them in blocks of fewer than 10 instructions ending
; in call or ret. Prints fib(22) = 17711, tak(18, 12, 6) = 7 and a checksum of all rounds.
%include "lib/pm.inc"

ROUNDS equ 40

main32:
    PRINTLN "bench-calls: start"
    xor esi, esi                ; checksum
    mov edi, ROUNDS
.round:
    mov eax, 22
    call fib
    add esi, eax
    rol esi, 3
    push dword 6
    push dword 12
    push dword 18
    call tak
    add esp, 12
    xor esi, eax
    dec edi
    jnz .round
    mov eax, 22
    call fib
    PRINT "fib(22): "
    PHEX32
    push dword 6
    push dword 12
    push dword 18
    call tak
    add esp, 12
    PRINT " tak(18,12,6): "
    PHEX32
    PRINT " checksum: "
    PHEX32 esi
    NL
    PRINTLN "bench-calls: done"
    EXIT 0

; fib: EAX = fib(EAX), recursively; preserves every other register.
fib:
    cmp eax, 2
    jb .leaf
    push ebx
    push eax
    dec eax
    call fib
    mov ebx, eax
    pop eax
    sub eax, 2
    call fib
    add eax, ebx
    pop ebx
.leaf:
    ret

; tak(x, y, z) (cdecl, result in EAX): y < x ? tak(tak(x-1,y,z), tak(y-1,z,x), tak(z-1,x,y)) : z
tak:
    push ebp
    mov ebp, esp
    push ebx
    push esi
    push edi
    mov eax, [ebp + 8]          ; x
    mov ebx, [ebp + 12]         ; y
    mov ecx, [ebp + 16]         ; z
    cmp ebx, eax
    jge .base
    lea edx, [eax - 1]
    push ecx
    push ebx
    push edx
    call tak
    add esp, 12
    mov esi, eax                ; a = tak(x-1, y, z)
    mov eax, [ebp + 8]
    mov ebx, [ebp + 12]
    mov ecx, [ebp + 16]
    lea edx, [ebx - 1]
    push eax
    push ecx
    push edx
    call tak
    add esp, 12
    mov edi, eax                ; b = tak(y-1, z, x)
    mov eax, [ebp + 8]
    mov ebx, [ebp + 12]
    mov ecx, [ebp + 16]
    lea edx, [ecx - 1]
    push ebx
    push eax
    push edx
    call tak
    add esp, 12                 ; c = tak(z-1, x, y) in EAX
    push eax
    push edi
    push esi
    call tak
    add esp, 12
    jmp .out
.base:
    mov eax, ecx
.out:
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

ROM_END start
