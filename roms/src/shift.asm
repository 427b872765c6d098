; shift: shl shr sar rol ror rcl rcr (8/16/32-bit, many counts), shld/shrd, bt/bts/btr/btc (reg and mem), bsf/bsr, setcc/jcc.
; Shifts print flags without AF (undefined) and without OF unless the masked count is 1 (undefined
; otherwise); bt* print CF and ZF only; bsf/bsr print ZF only, destination preloaded with a marker.
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/sweep.inc"

; SH label, op, reg: sweep stub "op reg, cl" with the count taken from BL.
%macro SH 3
%1:
    mov cl, bl
    %2 %3, cl
    ret
%endmacro

; SHD label, op, dst, src, srcval: stub "op dst, src, cl" with src preloaded with srcval.
%macro SHD 5
%1:
    mov cl, bl
    mov %4, %5
    %2 %3, %4, cl
    ret
%endmacro

; STUB label, instruction: one-instruction stub.
%macro STUB 2+
%1:
    %2
    ret
%endmacro

VALUES sv8, 0x81, 0x5A, 0xFF
VALUES sv16, 0x8001, 0x5A3C, 0xFFFF
VALUES sv32, 0x80000001, 0x5A3CC3A5, 0xFFFFFFFF
VALUES counts, 0, 1, 2, 7, 8, 15, 16, 31, 32, 33
VALUES counts16, 0, 1, 2, 7, 8, 15, 16
VALUES btv16, 0x5A3C
VALUES btv32, 0x5A3CC3A5
VALUES btoffs, 0, 1, 7, 15, 16, 31, 32, 33
VALUES bsv, 0x00000000, 0x00000001, 0x00000080, 0x00008000, 0x00000F00, 0x00010000, \
    0x80000000, 0xFFFFFFFF, 0x00C00000
VALUES one, 0

SH shl_b, shl, al
SH shr_b, shr, al
SH sar_b, sar, al
SH rol_b, rol, al
SH ror_b, ror, al
SH rcl_b, rcl, al
SH rcr_b, rcr, al
SH shl_w, shl, ax
SH shr_w, shr, ax
SH sar_w, sar, ax
SH rol_w, rol, ax
SH ror_w, ror, ax
SH rcl_w, rcl, ax
SH rcr_w, rcr, ax
SH shl_d, shl, eax
SH shr_d, shr, eax
SH sar_d, sar, eax
SH rol_d, rol, eax
SH ror_d, ror, eax
SH rcl_d, rcl, eax
SH rcr_d, rcr, eax

; count-1 (D0/D1) and immediate-count (C0/C1) encodings
STUB shl1_w, shl ax, 1
STUB sar1_b, sar al, 1
STUB rcr1_d, rcr eax, 1
STUB rcl1_b, rcl al, 1
STUB rol4_w, rol ax, 4
STUB shr9_d, shr eax, 9
STUB rcl31_d, rcl eax, 31
STUB sarmem3_w, sar word [0x600], 3     ; A is stored there by the wrapper below
sarmem3_wrap:
    mov [0x600], ax
    call sarmem3_w
    mov ax, [0x600]
    ret

SHD shld_w, shld, ax, dx, 0xC35A
SHD shrd_w, shrd, ax, dx, 0xC35A
SHD shld_d, shld, eax, edx, 0xC35A0FF0
SHD shrd_d, shrd, eax, edx, 0xC35A0FF0
shrd4_d:
    mov edx, 0xC35A0FF0
    shrd eax, edx, 4
    ret
shldmem_w:
    mov [0x600], ax
    mov cl, bl
    mov dx, 0xC35A
    shld [0x600], dx, cl
    mov ax, [0x600]
    ret

STUB bt_w, bt ax, bx
STUB bts_w, bts ax, bx
STUB btr_w, btr ax, bx
STUB btc_w, btc ax, bx
STUB bt_d, bt eax, ebx
STUB bts_d, bts eax, ebx
STUB btr_d, btr eax, ebx
STUB btc_d, btc eax, ebx
STUB btsimm_w, bts ax, 19          ; immediate offsets are taken modulo the operand size
STUB btcimm_d, btc eax, 35

bsf_w:
    mov edx, 0xDEADBEEF
    bsf dx, ax
    mov eax, edx
    ret
bsr_w:
    mov edx, 0xDEADBEEF
    bsr dx, ax
    mov eax, edx
    ret
bsf_d:
    mov edx, 0xDEADBEEF
    bsf edx, eax
    mov eax, edx
    ret
bsr_d:
    mov edx, 0xDEADBEEF
    bsr edx, eax
    mov eax, edx
    ret

; ---- bt* on memory: bit offsets beyond the operand select other words/dwords ----
BTBUF equ 0x700                 ; 40-byte buffer; the operand is addressed at BTBUF+24, so
                                ; offsets -129..127 stay inside it (word -18..+15 bytes)
VALUES btmoffs, -129, -65, -33, -17, -1, 0, 5, 15, 16, 31, 32, 63, 64, 127

%macro BTM 4                    ; label, op, size keyword + register: e.g. bts, word, bx
%1:
    %2 %3 [BTBUF + 24], %4
    ret
%endmacro
BTM btm_bt_w, bt, word, bx
BTM btm_bts_w, bts, word, bx
BTM btm_btr_w, btr, word, bx
BTM btm_btc_w, btc, word, bx
BTM btm_bt_d, bt, dword, ebx
BTM btm_bts_d, bts, dword, ebx
BTM btm_btr_d, btr, dword, ebx
BTM btm_btc_d, btc, dword, ebx
STUB btm_btsimm_w, bts word [BTBUF + 24], 21
STUB btm_btrimm_d, btr dword [BTBUF + 24], 63

; BTMEM "name", stub, offsets: for each offset: reset buffer, run stub with EBX = offset and
; all arithmetic flags clear, print CF and the whole buffer.
%macro BTMEM 3
    jmp %%go
%%name: db %1, 0
%%go:
    mov word [SW_NAME], %%name
    mov word [SW_STUB], %2
    mov word [SW_TAB], %3
    mov word [SW_CNT], %3_n
    call btmem_run
%endmacro

btmem_run:
    pushad
    xor bp, bp
.next:
    mov bx, bp
    shl bx, 2
    add bx, [SW_TAB]
    mov ebx, [cs:bx]
    PSTR [SW_NAME]
    SPACE
    PHEX32 ebx
    PRINT " -> cf="
    ; reset the buffer to a fixed pattern: byte i = i * 0x11 ^ 0xA5
    xor di, di
.fill:
    mov ax, di
    mov ah, 0x11
    mul ah
    xor al, 0xA5
    mov [BTBUF + di], al
    inc di
    cmp di, 40
    jb .fill
    push word SW_FLAGS_CLEAR
    popf
    call [SW_STUB]
    setc al
    add al, '0'
    call dc_putc
    PRINT " buf="
    xor di, di
.dump:
    PHEX32 [BTBUF + di]
    add di, 4
    cmp di, 40
    jb .dump
    NL
    inc bp
    cmp bp, [SW_CNT]
    jb .next
    popad
    ret

; ---- setcc / jcc over combinations of CF PF ZF SF OF ----
FLIMG equ 0x620

; CC_ROW: with FLAGS = [FLIMG], print the 16 conditions as 0/1 via setcc, then short jcc,
; then near jcc (order o no b nb z nz be nbe s ns p np l nl le nle).
%macro CC_ROW 0
    PRINT " set="
  %assign c 0
  %rep 16
    push word [FLIMG]
    popf
    db 0x0F, 0x90 + c, 0xC0     ; setcc al
    add al, '0'
    call dc_putc
    %assign c c + 1
  %endrep
    PRINT " j="
  %assign c 0
  %rep 16
    push word [FLIMG]
    popf
    mov al, '1'
    db 0x70 + c, 2              ; jcc rel8 over the next MOV (2 bytes)
    mov al, '0'
    call dc_putc
    %assign c c + 1
  %endrep
    PRINT " jn="
  %assign c 0
  %rep 16
    push word [FLIMG]
    popf
    mov al, '1'
    db 0x0F, 0x80 + c           ; jcc rel16 over the next MOV (2 bytes)
    dw 2
    mov al, '0'
    call dc_putc
    %assign c c + 1
  %endrep
%endmacro

cc_table:                       ; flag bit for each of the 5 bits of the combination index
    dw 0x0001, 0x0004, 0x0040, 0x0080, 0x0800

cc_run:
    xor cx, cx
.combo:
    mov ax, 0x0002
    xor bx, bx
.bit:
    bt cx, bx
    jnc .clear
    push bx
    shl bx, 1
    or ax, [cs:cc_table + bx]
    pop bx
.clear:
    inc bx
    cmp bx, 5
    jb .bit
    mov [FLIMG], ax
    PRINT "cc fl="
    PHEX16
    CC_ROW
    NL
    inc cx
    cmp cx, 32
    jb .combo
    ret

start:
    INIT16
    PRINTLN "shift: shifts and rotates by CL"
    BINOPX "shl", shl_b, sv8, counts, 1, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "shr", shr_b, sv8, counts, 1, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "sar", sar_b, sv8, counts, 1, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "rol", rol_b, sv8, counts, 1, ARITH_FLAGS, 3, 1
    BINOPX "ror", ror_b, sv8, counts, 1, ARITH_FLAGS, 3, 1
    BINOPX "rcl", rcl_b, sv8, counts, 1, ARITH_FLAGS, 3, 1
    BINOPX "rcr", rcr_b, sv8, counts, 1, ARITH_FLAGS, 3, 1
    BINOPX "shl", shl_w, sv16, counts, 2, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "shr", shr_w, sv16, counts, 2, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "sar", sar_w, sv16, counts, 2, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "rol", rol_w, sv16, counts, 2, ARITH_FLAGS, 3, 1
    BINOPX "ror", ror_w, sv16, counts, 2, ARITH_FLAGS, 3, 1
    BINOPX "rcl", rcl_w, sv16, counts, 2, ARITH_FLAGS, 3, 1
    BINOPX "rcr", rcr_w, sv16, counts, 2, ARITH_FLAGS, 3, 1
    BINOPX "shl", shl_d, sv32, counts, 4, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "shr", shr_d, sv32, counts, 4, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "sar", sar_d, sv32, counts, 4, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "rol", rol_d, sv32, counts, 4, ARITH_FLAGS, 3, 1
    BINOPX "ror", ror_d, sv32, counts, 4, ARITH_FLAGS, 3, 1
    BINOPX "rcl", rcl_d, sv32, counts, 4, ARITH_FLAGS, 3, 1
    BINOPX "rcr", rcr_d, sv32, counts, 4, ARITH_FLAGS, 3, 1

    PRINTLN "shift: count-1 and immediate encodings"
    UNOP "shl-1", shl1_w, sv16, 2, ARITH_FLAGS_NOAF, 3
    UNOP "sar-1", sar1_b, sv8, 1, ARITH_FLAGS_NOAF, 3
    UNOP "rcr-1", rcr1_d, sv32, 4, ARITH_FLAGS, 3
    UNOP "rcl-1", rcl1_b, sv8, 1, ARITH_FLAGS, 3
    UNOP "rol-imm4", rol4_w, sv16, 2, ARITH_FLAGS & ~0x800, 3
    UNOP "shr-imm9", shr9_d, sv32, 4, ARITH_FLAGS_NOAF & ~0x800, 3
    UNOP "rcl-imm31", rcl31_d, sv32, 4, ARITH_FLAGS & ~0x800, 3
    UNOP "sar-mem-imm3", sarmem3_wrap, sv16, 2, ARITH_FLAGS_NOAF & ~0x800, 3

    PRINTLN "shift: shld/shrd (second operand c35a / c35a0ff0)"
    BINOPX "shld", shld_w, sv16, counts16, 2, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "shrd", shrd_w, sv16, counts16, 2, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "shld", shld_d, sv32, counts, 4, ARITH_FLAGS_NOAF, 3, 1
    BINOPX "shrd", shrd_d, sv32, counts, 4, ARITH_FLAGS_NOAF, 3, 1
    UNOP "shrd-imm4", shrd4_d, sv32, 4, ARITH_FLAGS_NOAF & ~0x800, 3
    BINOPX "shld-mem", shldmem_w, sv16, counts16, 2, ARITH_FLAGS_NOAF, 3, 1

    PRINTLN "shift: bt/bts/btr/btc register forms (offset taken modulo the size)"
    BINOPX "bt", bt_w, btv16, btoffs, 2, 0x0041, 3
    BINOPX "bts", bts_w, btv16, btoffs, 2, 0x0041, 3
    BINOPX "btr", btr_w, btv16, btoffs, 2, 0x0041, 3
    BINOPX "btc", btc_w, btv16, btoffs, 2, 0x0041, 3
    BINOPX "bt", bt_d, btv32, btoffs, 4, 0x0041, 3
    BINOPX "bts", bts_d, btv32, btoffs, 4, 0x0041, 3
    BINOPX "btr", btr_d, btv32, btoffs, 4, 0x0041, 3
    BINOPX "btc", btc_d, btv32, btoffs, 4, 0x0041, 3
    UNOP "bts-imm19", btsimm_w, btv16, 2, 0x0041, 3
    UNOP "btc-imm35", btcimm_d, btv32, 4, 0x0041, 3

    PRINTLN "shift: bt/bts/btr/btc on memory at buf+24 with register offsets"
    BTMEM "bt.w", btm_bt_w, btmoffs
    BTMEM "bts.w", btm_bts_w, btmoffs
    BTMEM "btr.w", btm_btr_w, btmoffs
    BTMEM "btc.w", btm_btc_w, btmoffs
    BTMEM "bt.d", btm_bt_d, btmoffs
    BTMEM "bts.d", btm_bts_d, btmoffs
    BTMEM "btr.d", btm_btr_d, btmoffs
    BTMEM "btc.d", btm_btc_d, btmoffs
    BTMEM "bts.w-imm21", btm_btsimm_w, one
    BTMEM "btr.d-imm63", btm_btrimm_d, one

    PRINTLN "shift: bsf/bsr (destination preset to deadbeef)"
    UNOP "bsf", bsf_w, bsv, 2, 0x0040, 3
    UNOP "bsr", bsr_w, bsv, 2, 0x0040, 3
    UNOP "bsf", bsf_d, bsv, 4, 0x0040, 3
    UNOP "bsr", bsr_d, bsv, 4, 0x0040, 3

    PRINTLN "shift: setcc / jcc rel8 / jcc rel16 (o no b nb z nz be nbe s ns p np l nl le nle)"
    call cc_run

    PRINTLN "shift: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
