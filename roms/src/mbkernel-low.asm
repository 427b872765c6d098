; mbkernel-low: a multiboot a.out-kludge kernel loaded at 0x8800, over the multiboot information QEMU puts at
; 0x9000-0x9557: QEMU copies the kernel last, so EBX=0x9500 points at the kernel's own (bss) bytes.
; APPEND: low kernel
; Run: qemu-system-i386 -kernel roms/mbkernel-low.bin -append "low kernel" (see
; scripts/record-golden-kernels.sh). The file is padded to 64 KiB for scripts/build-roms.sh; only
; the bytes up to load_end_addr are loaded (the padding is never read), and the bss after them
; is zeroed by the loader (the report checks a probe range of it).

bits 32
LOAD_ADDR equ 0x8800
org LOAD_ADDR

; A few bytes of image before the header, so header_addr differs from load_addr.
image_start:
    db "mbkernel-low", 0, 0, 0, 0

align 4
mb_header:
    dd 0x1BADB002                       ; magic
    dd 0x00010003                       ; page-aligned modules, memory info, address fields
    dd -(0x1BADB002 + 0x00010003)       ; checksum
    dd mb_header                        ; header_addr
    dd LOAD_ADDR                        ; load_addr
    dd load_end                         ; load_end_addr
    dd bss_end                          ; bss_end_addr
    dd entry                            ; entry_addr

%define KERNEL_NAME "mbkernel-low"
%include "lib/mbreport.inc"

entry:
    MB_ENTRY

align 16
load_end:

; ---- bss: never in the file's loaded part; the loader zeroes it ----
absolute load_end
mb_vars:    resb 0x100
mb_probe:   resb 0x400
            resb 0x1000
mb_stack_top:
bss_end:

MB_VARS equ mb_vars
MB_STACK_TOP equ mb_stack_top
MB_PROBE equ mb_probe
MB_PROBE_LEN equ 0x400

section .text
    ; Padding (not loaded): non-zero, so a loader that loads past load_end_addr is caught by
    ; the bss probe.
    times 65536 - ($ - $$) db 0xEE
