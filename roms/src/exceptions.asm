; exceptions: every software-triggerable exception vector in 32-bit PM (#DE #DB #BP #OF #BR #UD #NM #DF #TS #NP #SS #GP #PF), error codes, CR2, nesting, INT n gate checks.
; Faults are printed by pm.inc's handler as "exc VV err EEEEEEEE eip XXXXXXXX [cr2 ...]".
%include "lib/pm.inc"

SEL_NP      equ 0x48        ; writable data, not present
SEL_BADTSS  equ 0x50        ; 32-bit TSS descriptor with limit 0x40 (< 0x67)
SEL_NPCODE  equ 0x58        ; 32-bit code, not present
STEP_COUNT  equ SCRATCH     ; #DB hook: single steps seen

main32:
    PRINTLN "exceptions: start"
    SETDESC GDT_BASE, SEL_NP, 0, 0xFFFFF, 0xC012
    SETDESC GDT_BASE, SEL_BADTSS, TSS2_BASE, 0x40, ATTR_TSS32
    SETDESC GDT_BASE, SEL_NPCODE, 0, 0xFFFFF, 0xC01A

; ---- #DE ----
    PRINTLN "#DE div by zero, idiv overflow"
    TRY .de1
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
    div ecx
.de1:
    TRY .de2
    mov edx, 0xFFFFFFFF
    mov eax, 0x80000000                 ; -2^31 / -1 does not fit
    mov ecx, -1
    idiv ecx
.de2:
    TRY .de3
    mov ax, 0x1000
    mov cl, 0x10                        ; 0x1000 / 0x10 = 0x100 > 0xFF
    div cl
.de3:

; ---- #DB: single-step with TF ----
    PRINTLN "#DB single-step (TF)"
    mov dword [STEP_COUNT], 0
    xor eax, eax
    mov dr6, eax
    mov dword [VAR_HOOK], db_hook
    pushfd
    or dword [esp], 0x100
    popfd                               ; the trap comes after the next instruction
    mov eax, 1
    add eax, 2
    nop
    jmp .db_j
.db_j:
    inc eax
    inc eax
    inc eax
    inc eax
    mov dword [VAR_HOOK], 0
    PRINT "after single-step eax="
    PHEX32
    NL

; ---- #BP, #OF ----
    PRINTLN "#BP int3 and int 3"
    TRY .bp1
    int3
.bp1:
    TRY .bp2
    int 3
.bp2:
    PRINTLN "#OF into with OF=0 (no trap), then OF=1"
    TRY .of1
    xor eax, eax                        ; OF=0
    into
    PRINTLN "into OF=0: no trap"
    mov al, 0x7F
    add al, 1                           ; OF=1
    into
.of1:
; ---- #BR ----
    PRINTLN "#BR bound"
    mov dword [SCRATCH + 16], 10
    mov dword [SCRATCH + 20], 20
    TRY .br1
    mov eax, 15
    bound eax, [SCRATCH + 16]
    PRINTLN "bound 15 in [10,20]: ok"
    mov eax, 21
    bound eax, [SCRATCH + 16]
.br1:
    TRY .br2
    mov ax, 9
    mov dword [SCRATCH + 24], 0x0014000A  ; 16-bit bounds 10..20
    bound ax, [SCRATCH + 24]
.br2:
; ---- #UD ----
    PRINTLN "#UD ud2, 0f 04, lea reg-reg, mov cs"
    TRY .ud1
    ud2
.ud1:
    TRY .ud2
    db 0x0F, 0x04
.ud2:
    TRY .ud3
    db 0x8D, 0xC0                       ; lea eax, eax
.ud3:
    TRY .ud4
    db 0x8E, 0xC8                       ; mov cs, ax
.ud4:
; ---- #NM ----
    PRINTLN "#NM x87 with CR0.EM=1, with CR0.TS=1"
    mov eax, cr0
    or eax, 4                           ; EM
    mov cr0, eax
    TRY .nm1
    fld1
.nm1:
    mov eax, cr0
    and eax, ~4
    or eax, 2 | 8                       ; MP, TS
    mov cr0, eax
    TRY .nm2
    fld1
.nm2:
    TRY .nm3
    fwait                               ; MP=1 and TS=1: WAIT faults too
.nm3:
    clts
    fninit
    fld1
    PRINTLN "x87 after clts ok"
    NOTRY

; ---- #TS, #NP, #SS ----
    PRINTLN "#TS jmp to a TSS with limit < 67h"
    TRY .ts1
    jmp SEL_BADTSS:0
.ts1:
    PRINTLN "#NP segment, gate, call; benign #BP then #NP"
    TRY .np1
    mov ax, SEL_NP
    mov ds, ax
.np1:
    TRY .np2
    call SEL_NPCODE:0
.np2:
    SETGATE 0x50, exc_stub_0, SEL_CODE32, 0x0E            ; P=0
    TRY .np3
    int 0x50
.np3:
    mov byte [IDT_BASE + 3*8 + 5], 0x0E                   ; #BP gate not present
    TRY .np4
    int3
.np4:
    mov byte [IDT_BASE + 3*8 + 5], GATE_INT32
    PRINTLN "#SS mov ss / lss with not-present segment"
    TRY .ss1
    mov ax, SEL_NP
    mov ss, ax
.ss1:
    mov dword [SCRATCH + 32], 0x1000
    mov word [SCRATCH + 36], SEL_NP
    TRY .ss2
    lss esp, [SCRATCH + 32]
.ss2:

; ---- #GP ----
    PRINTLN "#GP far jmp to data, int beyond IDT limit, ring-3 privileged ops"
    TRY .gp1
    jmp SEL_DATA32:0
.gp1:
    mov word [SCRATCH + 40], 0x17F      ; 48 gates
    mov dword [SCRATCH + 42], IDT_BASE
    lidt [SCRATCH + 40]
    TRY .gp2
    int 0x30                            ; gate 0x30 lies past the limit: #GP(0x30*8+2)
.gp2:
    TRY .gp3
    int 0x80
.gp3:
    lidt [idtr_value]
    TRY .gp4
    RING3_CALL r3_int21                 ; DPL0 gate from CPL3: #GP(0x21*8+2)
.gp4:
    TRY .gp5
    RING3_CALL r3_int3                  ; even int3 checks the gate DPL
.gp5:
    TRY .gp6
    RING3_CALL r3_movcr0
.gp6:
    TRY .gp7
    RING3_CALL r3_lgdt
.gp7:
    PRINT "ring-3 int 30 (DPL3 gate) still works: "
    RING3_CALL r3_ok
    PRINTLN "ok"

; ---- #DF: #GP whose gate is not present -> #NP during delivery -> #DF ----
    PRINTLN "#DF #GP with a not-present #GP gate"
    mov dword [VAR_HOOK], df_hook
    mov byte [IDT_BASE + 13*8 + 5], 0x0E
    TRY .df1
    jmp SEL_DATA32:0
.df1:
    mov byte [IDT_BASE + 13*8 + 5], GATE_INT32
    mov dword [VAR_HOOK], 0
    PRINTLN "#DF #PF with a not-present #PF gate"
    ; a #PF gate whose handler is not present: a #PF (page fault class) followed by #NP
    ; (contributory) is also a double fault
    mov eax, 7
    call pg_identity
    and dword [PT0_BASE + 0x22*4], ~1
    call pg_on
    mov dword [VAR_HOOK], df_hook
    mov byte [IDT_BASE + 14*8 + 5], 0x0E
    TRY .df2
    mov eax, [0x22000]
.df2:
    mov byte [IDT_BASE + 14*8 + 5], GATE_INT32
    mov dword [VAR_HOOK], 0

; ---- nested: a fault inside an exception handler ----
    PRINTLN "nested: #DE inside a #BP handler"
    SETGATE 3, bp_nested, SEL_CODE32, GATE_INT32
    TRY .nest1
    int3
.nest1:
    SETGATE 3, exc_stub_3, SEL_CODE32, GATE_INT32

; ---- #PF: CR2 and error codes P/W/U ----
    PRINTLN "#PF not-present r/w, user access to supervisor page, user write to read-only page"
    mov dword [PT0_BASE + 0x20*4], 0x20000 | 3      ; supervisor RW
    mov dword [PT0_BASE + 0x21*4], 0x21000 | 5      ; user read-only
    mov dword [PT0_BASE + 0x22*4], 0x22000 | 6      ; not present
    mov eax, cr3
    mov cr3, eax
    TRY .pf1
    mov eax, [0x22010]
.pf1:
    TRY .pf2
    mov dword [0x22abc], 1
.pf2:
    TRY .pf3
    RING3_CALL r3_read_super
.pf3:
    TRY .pf4
    RING3_CALL r3_write_ro
.pf4:
    TRY .pf5
    RING3_CALL r3_read_np
.pf5:
    TRY .pf6
    RING3_CALL r3_write_np
.pf6:
    RING3_CALL r3_read_ro
    PRINTLN "ring-3 read of user read-only page ok"
    TRY .pf7
    mov dword [0x21ffe], 0x12345678     ; straddles a present and a not-present page
.pf7:
    NOTRY
    call pg_off
    PRINTLN "exceptions done"
    EXIT 0

; ---- hooks and helpers ----
; db_hook: prints each single-step trap and clears TF after five of them.
db_hook:
    xor eax, eax
    cmp dword [ebp + F_VEC], 1
    jne .ret
    PRINT "#DB eip "
    PHEX32 [ebp + F_EIP]
    PRINT " dr6.bs="
    mov eax, dr6
    and eax, 0x4000
    PHEX16
    NL
    inc dword [STEP_COUNT]
    cmp dword [STEP_COUNT], 5
    jb .keep
    and dword [ebp + F_EFLAGS], ~0x100
.keep:
    mov eax, 1
.ret:
    ret

; df_hook: #DF pushes error code 0 but leaves the saved CS:EIP undefined (SDM 6.15), so only
; the vector and the error code are printed.
df_hook:
    xor eax, eax
    cmp dword [ebp + F_VEC], 8
    jne .ret
    PRINT "exc 08 err "
    PHEX32 [ebp + F_ERR]
    PRINT " (double fault)"
    jmp exc_resume
.ret:
    ret

bp_nested:
    PRINTLN "in #BP handler, dividing by zero"
    xor ecx, ecx
    div ecx
    PRINTLN "FAIL: no #DE in handler"
    iretd

r3_int21:
    int 0x21
    BACK_TO_RING0
r3_int3:
    int3
    BACK_TO_RING0
r3_movcr0:
    mov eax, cr0
    BACK_TO_RING0
r3_lgdt:
    lgdt [SCRATCH]
    BACK_TO_RING0
r3_ok:
    BACK_TO_RING0
r3_read_super:
    mov eax, [0x20004]
    BACK_TO_RING0
r3_write_ro:
    mov dword [0x21008], 1
    BACK_TO_RING0
r3_read_np:
    mov eax, [0x2200c]
    BACK_TO_RING0
r3_write_np:
    mov byte [0x22fff], 1
    BACK_TO_RING0
r3_read_ro:
    mov eax, [0x21008]
    BACK_TO_RING0

ROM_END start
