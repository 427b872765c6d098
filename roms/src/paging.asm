; paging: 32-bit paging (4 KiB pages, accessed/dirty bits, INVLPG, CR3 flush, CR0.WP, U/S and R/W combining, #PF codes and CR2), PSE 4 MiB pages, PGE, PAE; NX only when CPUID reports it.
; Translations are only printed where the SDM guarantees them (after INVLPG / CR3 load / CR4 toggle).
%include "lib/pm.inc"

; physical test pages 0x30000..0x37000: the first dword of page n is 0xAA0000nn (n = 0x30..)
PHYS        equ 0x30000
VPAGE       equ 0x500000            ; test virtual pages live in PT1 (4..8 MiB)
PT1E        equ PT1_BASE + (VPAGE >> 12 & 0x3FF) * 4  ; PTE of VPAGE
PT3_BASE    equ 0x13000             ; page table shared by PD[3] and PD[4]
PDPT_BASE   equ 0x14000             ; PAE structures
PAEPD_BASE  equ 0x15000
PAEPT_BASE  equ 0x16000
CPUID_EDX1  equ SCRATCH             ; CPUID.1:EDX
CPUID_NX    equ SCRATCH + 4         ; CPUID.80000001h:EDX (0 when the leaf is missing)

; PTE_SET va, value: PT1 entry for virtual page va
%macro PTE_SET 2
    mov dword [PT1_BASE + (((%1) >> 12) & 0x3FF) * 4], %2
%endmacro
; READ_SHOW text, va: prints "text <dword at va>"
%macro READ_SHOW 2
    PRINT %1
    PHEX32 [%2]
    NL
%endmacro

main32:
    PRINTLN "paging: start"
    ; markers in the physical test pages (paging is still off)
    mov ecx, 0
.mark:
    lea eax, [ecx + 0xAA000030]
    mov edi, ecx
    shl edi, 12
    mov [PHYS + edi], eax
    inc ecx
    cmp ecx, 8
    jb .mark

    ; ---- CPUID feature bits ----
    mov eax, 1
    cpuid
    mov [CPUID_EDX1], edx
    mov eax, 0x80000000
    cpuid
    mov dword [CPUID_NX], 0
    cmp eax, 0x80000001
    jb .no_ext
    mov eax, 0x80000001
    cpuid
    mov [CPUID_NX], edx
.no_ext:
    PRINT "cpuid pse="
    mov eax, [CPUID_EDX1]
    call print_bit3
    PRINT " pae="
    shr eax, 6 - 3
    call print_bit3
    PRINT " pge="
    shr eax, 13 - 6
    call print_bit3
    PRINT " nx="
    mov eax, [CPUID_NX]
    shr eax, 20 - 3
    call print_bit3
    NL

    ; ---- 4 KiB pages ----
    mov eax, 7                          ; P | RW | US
    call pg_identity
    PTE_SET VPAGE, PHYS | 7
    call pg_on
    PRINTLN "4k: paging on, identity 0..8M, VPAGE -> 30000"
    READ_SHOW "read VPAGE = ", VPAGE
    mov dword [VPAGE + 4], 0x5EED0001
    READ_SHOW "write via VPAGE+4, read phys 30004 = ", PHYS + 4

    ; ---- accessed / dirty ----
    and dword [PD_BASE + 4], ~0x60      ; PDE[1]: clear A (and the ignored bit 6)
    PTE_SET VPAGE, PHYS | 7             ; PTE: A=D=0
    mov eax, cr3
    mov cr3, eax
    mov eax, [VPAGE]
    PRINT "after read: pde.a="
    mov eax, [PD_BASE + 4]
    and eax, 0x20
    PHEX8
    PRINT " pte.a/d="
    mov eax, [PT1E]
    and eax, 0x60
    PHEX8
    NL
    mov dword [VPAGE + 8], 1
    PRINT "after write: pte.a/d="
    mov eax, [PT1E]
    and eax, 0x60
    PHEX8
    NL

    ; ---- INVLPG and CR3 reload ----
    PTE_SET VPAGE, (PHYS + 0x1000) | 7
    invlpg [VPAGE]
    READ_SHOW "after pte change + invlpg: VPAGE = ", VPAGE
    PTE_SET VPAGE, (PHYS + 0x2000) | 7
    mov eax, cr3
    mov cr3, eax
    READ_SHOW "after pte change + cr3 reload: VPAGE = ", VPAGE
    ; INVLPG of a different page: VPAGE is only guaranteed fresh after its own flush
    PTE_SET VPAGE + 0x1000, (PHYS + 0x3000) | 7
    invlpg [VPAGE + 0x1000]
    READ_SHOW "VPAGE+1000 after invlpg = ", VPAGE + 0x1000

    ; ---- CR0.WP: supervisor write to a read-only page ----
    PTE_SET VPAGE + 0x2000, (PHYS + 0x4000) | 5         ; user, read-only
    invlpg [VPAGE + 0x2000]
    mov dword [VPAGE + 0x2000 + 0x10], 0x0000B0B0
    READ_SHOW "wp=0 supervisor write to read-only page: ", VPAGE + 0x2010
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    TRY .wp1
    mov dword [VPAGE + 0x2000 + 0x10], 0x0000B1B1
    PRINTLN "FAIL: wp=1 write did not fault"
.wp1:
    READ_SHOW "wp=1 left the page as ", VPAGE + 0x2010
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax

    ; ---- U/S and R/W: PTE and PDE combined ----
    mov dword [PD_BASE + 3*4], PT3_BASE | 3             ; PDE supervisor, RW
    mov dword [PD_BASE + 4*4], PT3_BASE | 5             ; PDE user, read-only
    mov dword [PT3_BASE], PHYS | 7                      ; PTE user, RW
    mov eax, cr3
    mov cr3, eax
    PRINTLN "u/s: ring-3 read via supervisor pde, write via read-only pde, read via user pde"
    TRY .us1
    RING3_CALL r3_read_c00000
.us1:
    TRY .us2
    RING3_CALL r3_write_1000000
.us2:
    RING3_CALL r3_read_1000000
    PRINT "ring-3 read via user read-only pde = "
    PHEX32
    NL
    PTE_SET VPAGE + 0x6000, (PHYS + 0x7000) | 3         ; supervisor PTE under a user PDE
    invlpg [VPAGE + 0x6000]
    TRY .us3
    RING3_CALL r3_read_super_pte
.us3:

    ; ---- #PF codes for not-present PDE / PTE and instruction fetches ----
    PRINTLN "#pf: not-present pde read/write, not-present pte, fetches"
    TRY .pf1
    mov eax, [0x1400008]                ; PD[5] is zero
.pf1:
    TRY .pf2
    mov word [0x1400ffe], 1
.pf2:
    PTE_SET VPAGE + 0x3000, (PHYS + 0x5000) | 6         ; P=0
    invlpg [VPAGE + 0x3000]
    TRY .pf3
    mov eax, [VPAGE + 0x3100]
.pf3:
    TRY .pf4
    jmp VPAGE + 0x3200                  ; fetch from a not-present page: EIP = CR2 = target
.pf4:
    ; a supervisor page holding code (a RET), fetched from ring 3
    mov byte [PHYS + 0x6000], 0xC3
    PTE_SET VPAGE + 0x4000, (PHYS + 0x6000) | 3
    invlpg [VPAGE + 0x4000]
    call VPAGE + 0x4000
    PRINTLN "ring-0 call into the supervisor code page ok"
    TRY .pf5
    RING3_CALL r3_fetch_super
.pf5:
    NOTRY

    ; ---- CR4.PGE global pages ----
    test dword [CPUID_EDX1], 1 << 13
    jz .no_pge
    mov eax, cr4
    or eax, 0x80
    mov cr4, eax
    PTE_SET VPAGE + 0x5000, (PHYS + 0x1000) | 0x107     ; G | U | RW | P
    invlpg [VPAGE + 0x5000]
    READ_SHOW "pge: global page = ", VPAGE + 0x5000
    ; after a CR3 load a global translation may or may not survive (not printed); INVLPG
    ; and clearing CR4.PGE both remove it for certain
    PTE_SET VPAGE + 0x5000, (PHYS + 0x2000) | 0x107
    mov eax, cr3
    mov cr3, eax
    mov eax, [VPAGE + 0x5000]
    invlpg [VPAGE + 0x5000]
    READ_SHOW "pge: after invlpg = ", VPAGE + 0x5000
    PTE_SET VPAGE + 0x5000, (PHYS + 0x3000) | 0x107
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    READ_SHOW "pge: after clearing cr4.pge = ", VPAGE + 0x5000
    jmp .pge_done
.no_pge:
    PRINTLN "pge: not in cpuid, skipped"
.pge_done:

    ; ---- PSE 4 MiB pages ----
    test dword [CPUID_EDX1], 1 << 3
    jz .no_pse
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov dword [PD_BASE + 2*4], 0x00400000 | 0x87        ; PS | US | RW | P: 8M -> 4M
    mov eax, cr3
    mov cr3, eax
    mov dword [0x801234], 0x4D4D0001
    READ_SHOW "pse: write 4M page at 801234, identity read of 401234 = ", 0x401234
    PRINT "pse: pde a/d after the write = "
    mov eax, [PD_BASE + 2*4]
    and eax, 0x60
    PHEX8
    NL
    mov dword [PD_BASE + 2*4], 0x00400000 | 0x85        ; read-only
    invlpg [0x801234]
    TRY .pse1
    RING3_CALL r3_write_4m
.pse1:
    NOTRY
    mov eax, cr4
    and eax, ~0x10
    mov cr4, eax
    jmp .pse_done
.no_pse:
    PRINTLN "pse: not in cpuid, skipped"
.pse_done:
    call pg_off

    ; ---- PAE ----
    test dword [CPUID_EDX1], 1 << 6
    jz .no_pae
    call pae_build
    mov eax, cr4
    or eax, 0x20
    mov cr4, eax
    mov eax, PDPT_BASE
    mov cr3, eax
    call pg_on
    PRINTLN "pae: on, 0..2M one 2M page, 200000 -> 30000 via a 4k pte"
    READ_SHOW "pae: read 200000 = ", 0x200000
    mov dword [0x200010], 0xFAE00001
    READ_SHOW "pae: write 200010, identity read of 30010 = ", PHYS + 0x10
    PRINT "pae: pte a/d = "
    mov eax, [PAEPT_BASE]
    and eax, 0x60
    PHEX8
    PRINT " pde(2M) a = "
    mov eax, [PAEPD_BASE]
    and eax, 0x20
    PHEX8
    NL
    mov dword [PAEPT_BASE + 8], (PHYS + 0x1000) | 5     ; user read-only
    mov dword [PAEPT_BASE + 12], 0
    invlpg [0x201000]
    TRY .pae1
    RING3_CALL r3_write_201000
.pae1:
    TRY .pae2
    mov eax, [0x400000]                 ; PD entry 2 is zero
.pae2:
    NOTRY
    ; NX: only when CPUID says the CPU has it
    test dword [CPUID_NX], 1 << 20
    jnz nx_test                         ; jumps back to ..@nx_done (no call: it enters ring 3,
    PRINTLN "nx: not in cpuid, skipped" ; whose faults reuse the top of the ring-0 stack)
..@nx_done:
    call pg_off
    mov eax, cr4
    and eax, ~0x20
    mov cr4, eax
    jmp .pae_done
.no_pae:
    PRINTLN "pae: not in cpuid, skipped"
.pae_done:
    PRINTLN "paging done"
    EXIT 0

; print_bit3: prints bit 3 of EAX as "0"/"1" (EAX unchanged).
print_bit3:
    test eax, 8
    jz .zero
    PRINT "1"
    ret
.zero:
    PRINT "0"
    ret

; pae_build: PDPT[0] -> PAE PD; PD[0] = 2 MiB page at 0 (identity: code, stacks, tables);
; PD[1] -> PT mapping 0x200000 -> PHYS. Everything user-accessible and writable.
pae_build:
    pushad
    mov edi, PDPT_BASE
    mov ecx, (PAEPT_BASE + 0x1000 - PDPT_BASE) / 4
    xor eax, eax
    rep stosd
    mov dword [PDPT_BASE], PAEPD_BASE | 1               ; PDPTEs have no RW/US bits
    mov dword [PAEPD_BASE], 0x00000087                  ; PS | US | RW | P
    mov dword [PAEPD_BASE + 8], PAEPT_BASE | 7
    mov dword [PAEPT_BASE], PHYS | 7
    popad
    ret

; nx_test (CPUID reports NX; roms/src/paging-nx.asm runs it; ends with a jump back to main32's
; ..@nx_done): with EFER.NXE clear the XD bit
; is reserved, so any access through it is a RSVD #PF; with NXE set, data accesses to an XD
; page pass and a fetch faults with I/D set: XD in the PTE, in a 2M PDE, in the PDE above a
; page table, from ring 3, and on a not-present page.
; hw-only: QEMU 7.2 reports a RSVD fault without P (err 8, a for a write); the golden has the
; SDM's 9 and b (RSVD implies P), see test/golden/DEVIATIONS.md.
nx_test:
    mov byte [PHYS + 0x2000], 0xC3
    mov dword [PAEPT_BASE + 16], (PHYS + 0x2000) | 7
    mov dword [PAEPT_BASE + 20], 0x80000000
    invlpg [0x202000]
    PRINT "nx: nxe=0, read of an XD page: "
    TRY .rsvd1
    mov eax, [0x202000]
    PRINTLN "no fault"
.rsvd1:
    PRINT "nx: nxe=0, fetch from an XD page: "
    TRY .rsvd2
    call 0x202000
    PRINTLN "no fault"
.rsvd2:
    PRINT "nx: nxe=0, write to an XD page: "
    TRY .rsvd3
    mov byte [0x202001], 0x90
    PRINTLN "no fault"
.rsvd3:
    NOTRY
    mov ecx, 0xC0000080
    rdmsr
    or eax, 0x800
    wrmsr
    rdmsr
    PRINT "nx: efer after setting nxe = "
    PHEX32
    NL
    PRINT "nx: data read of an XD page = "
    movzx eax, byte [0x202000]
    PHEX8
    NL
    mov byte [0x202001], 0x90
    PRINTLN "nx: write to an XD page ok"
    PRINT "nx: fetch from an XD page: "
    TRY .nx1
    call 0x202000
    PRINTLN "no fault"
.nx1:
    PRINT "nx: ring-3 fetch from an XD page: "
    TRY .nx2
    RING3_CALL r3_fetch_xd
.nx2:
    ; XD in a 2M page's PDE: 0x400000 -> 0x400000
    mov dword [PAEPD_BASE + 16], 0x00400000 | 0x87      ; PS | US | RW | P
    mov dword [PAEPD_BASE + 20], 0x80000000
    invlpg [0x400000]
    mov byte [0x400000], 0xC3
    PRINT "nx: 2M XD page, read = "
    movzx eax, byte [0x400000]
    PHEX8
    PRINT ", fetch: "
    TRY .nx3
    call 0x400000
    PRINTLN "no fault"
.nx3:
    ; XD in the PDE above a page table: every page under it is XD
    mov dword [PAEPD_BASE + 12], 0x80000000
    mov dword [PAEPT_BASE + 24], (PHYS + 0x2000) | 7      ; 203000 -> the RET, no XD in the PTE
    mov dword [PAEPT_BASE + 28], 0
    invlpg [0x203000]
    PRINT "nx: XD in the PDE, fetch through a PTE without it: "
    TRY .nx4
    call 0x203000
    PRINTLN "no fault"
.nx4:
    mov dword [PAEPD_BASE + 12], 0
    invlpg [0x203000]
    PRINT "nx: same PTE, PDE without XD: "
    TRY .nx5
    call 0x203000
    PRINTLN "fetch ok"
.nx5:
    ; a not-present page: the fetch reports I/D without P
    mov dword [PAEPT_BASE + 16], PHYS + 0x2000               ; P=0
    invlpg [0x202000]
    PRINT "nx: fetch from a not-present page: "
    TRY .nx6
    call 0x202000
    PRINTLN "no fault"
.nx6:
    NOTRY
    mov ecx, 0xC0000080
    rdmsr
    and eax, ~0x800
    wrmsr
    jmp ..@nx_done

; ---- ring-3 pieces ----
r3_read_c00000:
    mov eax, [0xC00000]
    BACK_TO_RING0
r3_write_1000000:
    mov dword [0x1000000], 1
    BACK_TO_RING0
r3_read_1000000:
    mov eax, [0x1000000]
    BACK_TO_RING0
r3_read_super_pte:
    mov eax, [VPAGE + 0x6000]
    BACK_TO_RING0
r3_fetch_super:
    call VPAGE + 0x4000
    BACK_TO_RING0
r3_write_4m:
    mov dword [0x801238], 1
    BACK_TO_RING0
r3_write_201000:
    mov dword [0x201004], 1
    BACK_TO_RING0
r3_fetch_xd:
    call 0x202000
    BACK_TO_RING0

ROM_END start
