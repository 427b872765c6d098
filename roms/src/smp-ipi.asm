; smp-ipi: -smp 4: the BSP starts the APs with INIT-SIPI-SIPI, each reports its APIC ID and adds to a counter under a lock xchg spinlock; then IPIs between CPUs: fixed physical, an AP's IPI to the BSP, all-but-self, logical flat, lowest priority, NMI.
; ARGS: -smp 4
%include "lib/pm.inc"
%include "lib/smp.inc"

COUNTER     equ SCRATCH             ; bumped 1000 times by each AP under the spinlock
HITS        equ SCRATCH + 0x100     ; per vector (0x41..0x45) and APIC ID (0..7): dword counts
NMIS        equ SCRATCH + 0x300     ; NMIs per APIC ID
BSP_43      equ SCRATCH + 0x340     ; vector 0x43 taken by the BSP (sent by AP 1)
TOTAL       equ SCRATCH + 0x344     ; every AP-side hit, for the BSP's waits

; HIT v: an AP-side handler for vector v: count it for this APIC ID, EOI.
%macro HIT 1
hit_%1:
    push eax
    push ebx
    mov ebx, [A_ID]
    shr ebx, 24
    lock inc dword [HITS + (%1 - 0x41) * 32 + ebx * 4]
  %if %1 == 0x41
    ; AP 1 answers the BSP with vector 0x43 (physical destination 0).
    mov dword [A_ICR_HI], 0
    mov dword [A_ICR_LO], 0x00004043
  %endif
    lock inc dword [TOTAL]
    mov dword [A_EOI], 0
    pop ebx
    pop eax
    iretd
%endmacro

main32:
    PRINTLN "smp-ipi: start"
    SETGATE 0x41, hit_0x41, SEL_CODE32, GATE_INT32
    SETGATE 0x42, hit_0x42, SEL_CODE32, GATE_INT32
    SETGATE 0x43, bsp_0x43, SEL_CODE32, GATE_INT32
    SETGATE 0x44, hit_0x44, SEL_CODE32, GATE_INT32
    SETGATE 0x45, hit_0x45, SEL_CODE32, GATE_INT32
    SETGATE 2, nmi_handler, SEL_CODE32, GATE_INT32
    call smp_start
    PRINT "cpus="
    mov eax, [NCPUS]
    call print_dec
    PRINT " checked in="
    mov eax, [AP_CHECKED]
    call print_dec
    PRINT " apic ids:"
    xor ecx, ecx
.ids:
    bt dword [AP_IDMAP], ecx
    jnc .next
    SPACE
    mov eax, ecx
    call print_dec
.next:
    inc ecx
    cmp ecx, 32
    jb .ids
    NL
    PRINT "counter under the lock="
    mov eax, [COUNTER]
    call print_dec
    NL

    ; fixed, physical destination 1; AP 1 sends 0x43 back to the BSP
    mov dword [A_ICR_HI], 1 << 24
    mov dword [A_ICR_LO], 0x00004041
    WAIT_EQ TOTAL, 1
    WAIT_EQ BSP_43, 1
    ; fixed, all excluding self
    mov eax, [NCPUS]
    mov dword [A_ICR_LO], 0x000C4042
    WAIT_EQ TOTAL, eax              ; 1 + (NCPUS - 1)
    ; fixed, logical flat: LDR bit n for APIC ID n (set by each AP); 0x06 = APs 1 and 2
    mov dword [A_ICR_HI], 0x06 << 24
    mov dword [A_ICR_LO], 0x00004844
    mov eax, [NCPUS]
    add eax, 2
    WAIT_EQ TOTAL, eax
    ; lowest priority, logical 0x0E (APs 1-3): one of them takes it
    mov dword [A_ICR_HI], 0x0E << 24
    mov dword [A_ICR_LO], 0x00004945
    inc eax
    WAIT_EQ TOTAL, eax
    ; NMI, all excluding self
    mov dword [A_ICR_LO], 0x000C4400
    mov eax, [NCPUS]
    dec eax
    WAIT_EQ NMIS + 0x20, eax        ; the APs count their NMIs here too
    cli

    PRINT "bsp took 0x43: "
    mov eax, [BSP_43]
    call print_dec
    NL
    mov ecx, 1
.per_ap:
    cmp ecx, [NCPUS]
    jae .done
    PRINT "apic "
    mov eax, ecx
    call print_dec
    PRINT ":"
    mov esi, 0x41
.vec:
    cmp esi, 0x43
    je .skip
    SPACE
    mov eax, esi
    PHEX8
    PUTC '='
    mov eax, esi
    sub eax, 0x41
    shl eax, 5
    mov eax, [HITS + eax + ecx * 4]
    call print_dec
.skip:
    inc esi
    cmp esi, 0x46
    jb .vec
    PRINT " nmi="
    mov eax, [NMIS + ecx * 4]
    call print_dec
    NL
    inc ecx
    jmp .per_ap
.done:
    PRINTLN "smp-ipi done"
    EXIT 0

ap_main:
    ; flat logical destination: LDR bit n for APIC ID n
    mov ecx, ebx
    mov eax, 1
    shl eax, cl
    shl eax, 24
    mov [A_LDR], eax
    mov ecx, 1000
.add:
    call spin_lock
    mov eax, [COUNTER]              ; not atomic: only the lock keeps the count right
    inc eax
    mov [COUNTER], eax
    call spin_unlock
    loop .add
    call ap_checkin
.idle:
    sti
    hlt
    jmp .idle

HIT 0x41
HIT 0x42
HIT 0x44
HIT 0x45

bsp_0x43:
    lock inc dword [BSP_43]
    mov dword [A_EOI], 0
    iretd

nmi_handler:
    push eax
    push ebx
    mov ebx, [A_ID]
    shr ebx, 24
    lock inc dword [NMIS + ebx * 4]
    lock inc dword [NMIS + 0x20]
    pop ebx
    pop eax
    iretd

ROM_END start
