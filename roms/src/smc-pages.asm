; smc-pages: self-modifying code and pages: an instruction crossing a page boundary whose second page is written (from outside and from inside its own block) or remapped (entered directly and through a direct jump); code overwritten by rep movsb / rep stosd (from outside, and by a string op in the same block); code written through a second virtual alias of its frame, also with a read-only executable mapping and a writable alias; jumps into the middle of an executed instruction.
; All modified code runs from RAM and is executed at least twice before each modification. Lines print
; what the code returned, run by run, so stale translated code shows up as an old value.
%include "lib/pm.inc"

SCRATCH32   equ 0x38000             ; harmless store target (no code on that page)
SPAN_PHYS   equ 0x40FF0             ; .span is copied here: sp_x at 0x40FFA crosses into 0x41000
SPAN_ALT    equ 0x42000             ; another frame for the span's second page (paging test)
MISC_PHYS   equ 0x44000             ; .misc routines
ALIAS_F1    equ 0x45000             ; frame reached through two read-write aliases
ALIAS_F2    equ 0x46000             ; frame mapped read-only at VC, read-write at VD
V_SPAN      equ 0x600000            ; virtual pages (PT1: 4..8 MiB)
VA          equ 0x610000            ; -> ALIAS_F1, read-write
VB          equ 0x611000            ; -> ALIAS_F1, read-write
VC          equ 0x612000            ; -> ALIAS_F2, read-only (CR0.WP=1)
VD          equ 0x613000            ; -> ALIAS_F2, read-write

%macro PTE_SET 2
    mov dword [PT1_BASE + (((%1) >> 12) & 0x3FF) * 4], %2
%endmacro

; CALLP target: call it and print " EAX".
%macro CALLP 1
    call %1
    SPACE
    PHEX32
%endmacro
; CALLS target, edi, bl: call with EDI = store target, EBX = value; print " EAX".
%macro CALLS 3
    mov edi, %2
    mov ebx, %3
    CALLP %1
%endmacro

; VSPAN entry: runs the span at V_SPAN twice, remaps its second page to SPAN_ALT, runs twice,
; maps it back, runs once.
%macro VSPAN 1
    CALLS V_SPAN + (%1 - (SPAN_PHYS & ~0xFFF)), SCRATCH32, 0
    CALLS V_SPAN + (%1 - (SPAN_PHYS & ~0xFFF)), SCRATCH32, 0
    PTE_SET V_SPAN + 0x1000, SPAN_ALT | 7
    invlpg [V_SPAN + 0x1000]
    CALLS V_SPAN + (%1 - (SPAN_PHYS & ~0xFFF)), SCRATCH32, 0
    CALLS V_SPAN + (%1 - (SPAN_PHYS & ~0xFFF)), SCRATCH32, 0
    PTE_SET V_SPAN + 0x1000, (SPAN_PHYS & ~0xFFF) + 0x1000 | 7
    invlpg [V_SPAN + 0x1000]
    CALLS V_SPAN + (%1 - (SPAN_PHYS & ~0xFFF)), SCRATCH32, 0
%endmacro

; STOSP count, pattern: m_stos_self with ECX = count, EAX = pattern, EDX = 0; prints " EDX".
%macro STOSP 2
    mov ecx, %1
    mov eax, %2
    xor edx, edx
    call m_stos_self
    SPACE
    PHEX32 edx
%endmacro
; MIDP: enters mid at +1 with EDX = 0; prints " +1:EDX".
%macro MIDP 0
    xor edx, edx
    call mid + 1
    PRINT " +1:"
    PHEX32 edx
%endmacro

main32:
    ; ---- copy the RAM code ----
    mov esi, 0xF0000 + SPAN_FILE
    mov edi, SPAN_PHYS
    mov ecx, span_end - span_start
    rep movsb
    mov esi, 0xF0000 + MISC_FILE
    mov edi, MISC_PHYS
    mov ecx, misc_end - misc_start
    rep movsb

    ; ---- a page-crossing instruction (paging off) ----
    PRINT "span 40ffa, direct:"
    CALLS sp_x, SCRATCH32, 0
    CALLS sp_x, SCRATCH32, 0
    mov byte [sp_mov + 3], 0x55             ; 0x41000: outside, second page
    CALLS sp_x, SCRATCH32, 0
    CALLS sp_x, sp_mov + 4, 0x66            ; 0x41001: from inside the block, second page
    CALLS sp_x, sp_mov + 4, 0x77
    mov byte [sp_mov + 1], 0x88             ; 0x40ffe: outside, first page
    CALLS sp_x, SCRATCH32, 0
    mov dword [sp_add + 1], 0x200           ; 0x41003: the insn after the crossing one
    CALLS sp_x, SCRATCH32, 0
    NL
    PRINT "span 40ffa, via a direct jmp from 40ff0:"
    mov dword [sp_mov + 1], 0x44332211
    mov dword [sp_add + 1], 0x100
    CALLS sp_entry, SCRATCH32, 0
    CALLS sp_entry, SCRATCH32, 0
    mov byte [sp_mov + 3], 0x55
    CALLS sp_entry, SCRATCH32, 0
    CALLS sp_entry, sp_mov + 4, 0x66
    CALLS sp_entry, sp_mov + 4, 0x77
    CALLS sp_entry, SCRATCH32, 0
    NL

    ; ---- rep movsb / rep stosd over executed code, from outside ----
    PRINT "rep movsb over executed code:"
    CALLP m_movs
    CALLP m_movs
    mov esi, tmpl_movs
    mov edi, m_movs
    mov ecx, tmpl_movs_end - tmpl_movs
    rep movsb
    CALLP m_movs
    CALLP m_movs
    NL
    PRINT "rep stosd over executed code (nops -> inc/dec):"
    CALLP m_stos
    CALLP m_stos
    mov edi, m_stos.fill
    mov eax, 0x40404040                     ; inc eax x4
    mov ecx, 8
    rep stosd
    CALLP m_stos
    CALLP m_stos
    mov edi, m_stos.fill
    mov eax, 0x48404040                     ; inc eax x3, dec eax
    mov ecx, 8
    rep stosd
    CALLP m_stos
    CALLP m_stos
    NL

    ; ---- string ops that overwrite the code after them in their own block ----
    PRINT "rep movsb over the next insn, same block:"
    xor ecx, ecx
    CALLP m_movs_self
    xor ecx, ecx
    CALLP m_movs_self
    mov esi, tmpl_mov4444
    mov ecx, 5
    CALLP m_movs_self
    mov esi, tmpl_mov5555
    mov ecx, 5
    CALLP m_movs_self
    NL
    PRINT "rep stosd over the next insns, same block (edx):"
    STOSP 0, 0x42424242
    STOSP 0, 0x42424242
    STOSP 2, 0x42424242                     ; inc edx x8
    STOSP 2, 0x4A424242                     ; (inc edx x3, dec edx) x2
    STOSP 1, 0x90909090                     ; nops, then the second dword's +2
    NL

    ; ---- jumping into the middle of an executed instruction ----
    PRINT "mid-insn entry (mov eax,imm32 at +0, its imm bytes at +1):"
    CALLP mid
    MIDP
    CALLP mid
    MIDP
    mov byte [mid + 2], 0x4A                ; second imm byte: inc edx -> dec edx
    CALLP mid
    MIDP
    CALLP mid
    MIDP
    NL

    ; ---- paging on ----
    mov eax, 7
    call pg_identity
    PTE_SET V_SPAN, (SPAN_PHYS & ~0xFFF) | 7
    PTE_SET V_SPAN + 0x1000, (SPAN_PHYS & ~0xFFF) + 0x1000 | 7
    PTE_SET VA, ALIAS_F1 | 7
    PTE_SET VB, ALIAS_F1 | 7
    PTE_SET VC, ALIAS_F2 | 5
    PTE_SET VD, ALIAS_F2 | 7
    call pg_on
    mov eax, cr0
    or eax, 0x10000                         ; CR0.WP: VC is read-only for ring 0 too
    mov cr0, eax
    ; the alternative second page: a copy of the span's second page with other immediates
    mov esi, (SPAN_PHYS & ~0xFFF) + 0x1000
    mov edi, SPAN_ALT
    mov ecx, 0x10
    rep movsb
    mov byte [SPAN_ALT + 1], 0xAB           ; top byte of sp_mov's immediate
    mov word [SPAN_ALT + 3], 0x0300         ; sp_add's immediate: 0x300

    PRINT "span 600ffa, second page remapped, direct:"
    VSPAN sp_x
    NL
    PRINT "span 600ffa, second page remapped, via a direct jmp from 600ff0:"
    VSPAN sp_entry
    NL

    ; ---- two aliases of one frame ----
    mov esi, al_tmpl
    mov edi, ALIAS_F1
    mov ecx, al_tmpl_end - al_tmpl
    rep movsb
    mov esi, al_tmpl
    mov edi, ALIAS_F2
    mov ecx, al_tmpl_end - al_tmpl
    rep movsb
    PRINT "alias: run at va/vb, write imm via vb, run at va/vb:"
    CALLS VA, SCRATCH32, 0
    CALLS VB, SCRATCH32, 0
    CALLS VA, SCRATCH32, 0
    CALLS VB, SCRATCH32, 0
    mov dword [VB + AL_IMM], 0xB0000001
    CALLS VA, SCRATCH32, 0
    CALLS VB, SCRATCH32, 0
    NL
    PRINT "alias: code at va stores via vb into its next insn:"
    CALLS VA, VB + AL_IMM, 0xB0000002
    CALLS VA, VB + AL_IMM, 0xB0000003
    CALLS VB, SCRATCH32, 0
    NL
    PRINT "read-only vc + writable vd:"
    CALLS VC, SCRATCH32, 0
    CALLS VC, SCRATCH32, 0
    NL
    TRY .ro_faulted
    mov dword [VC + AL_IMM], 0xBAD
    PRINTLN "FAIL: write to read-only vc did not fault"
.ro_faulted:
    NOTRY
    PRINT "after the fault:"
    CALLS VC, SCRATCH32, 0
    mov dword [VD + AL_IMM], 0xD0000001
    CALLS VC, SCRATCH32, 0
    CALLS VC, SCRATCH32, 0
    CALLS VC, VD + AL_IMM, 0xD0000002       ; the code at vc stores via vd into its next insn
    CALLS VC, VD + AL_IMM, 0xD0000003
    NL
    PRINTLN "smc-pages done"
    EXIT 0

; templates copied over code at run time (ROM data)
tmpl_movs:
    mov eax, strict dword 0x2222
    add eax, 0x10000
    ret
tmpl_movs_end:
tmpl_mov4444:
    mov eax, strict dword 0x4444
tmpl_mov5555:
    mov eax, strict dword 0x5555

; al_tmpl: copied into ALIAS_F1 and ALIAS_F2 (position independent)
al_tmpl:
    mov [edi], ebx
.i: mov eax, strict dword 0xA0000000
    ret
al_tmpl_end:
AL_IMM equ al_tmpl.i + 1 - al_tmpl

; ======================= code around a page boundary, copied to SPAN_PHYS =======================
SPAN_FILE equ 0xB000
section .span start=SPAN_FILE vstart=SPAN_PHYS
bits 32
span_start:
sp_entry:                   ; 0x40ff0: a block that ends with a direct jump to sp_x
    xor ecx, ecx
    jmp short sp_x
    times 0xA - ($ - $$) int3
sp_x:                       ; 0x40ffa
    mov [edi], bl
    inc ecx
sp_mov:                     ; 0x40ffd: B8 11 22 | 33 44 (0x41000)
    mov eax, strict dword 0x44332211
sp_add:                     ; 0x41002
    add eax, strict dword 0x100
    ret
span_end:
    times -((sp_mov - span_start) != 0xD) db 0   ; assembly fails unless sp_mov is at 0x40ffd

; ======================= other routines, copied to MISC_PHYS =======================
MISC_FILE equ 0xC000
section .misc start=MISC_FILE vstart=MISC_PHYS
bits 32
misc_start:
m_movs:                     ; overwritten by tmpl_movs
    mov eax, strict dword 0x1111
    ret
    times 16 int3

    align 64
m_stos:                     ; 32 nops overwritten by rep stosd
    xor eax, eax
.fill:
    times 32 nop
    ret

    align 64
m_movs_self:                ; ESI -> 5 bytes, ECX = 5 (or 0): rep movsb over .t
    mov edi, .t
    rep movsb
.t: mov eax, strict dword 0x3333
    ret

    align 64
m_stos_self:                ; EAX = pattern, ECX = dwords: rep stosd over .t
    mov edi, .t
    rep stosd
.t: times 8 nop
    ret

    align 64
mid:                        ; B8 42 42 42 C3: at +1, inc edx x3 and ret
    mov eax, strict dword 0xC3424242
    ret
misc_end:

ROM_END start
