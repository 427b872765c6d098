; mbkernel-elf: a multiboot (v1) kernel as a 32-bit x86 ELF executable (header flag bit 16 clear),
; its ELF headers written by hand because only NASM -f bin is used to build ROMs. Prints what the
; loader handed over.
; ARGS: -m 64
; Two PT_LOAD segments: the text is linked high (p_vaddr 0xC0100000, e_entry a virtual address)
; but loaded at p_paddr 0x100000, so the loader must place segments by p_paddr and translate the
; entry point through the executable segment, as QEMU's ELF loader does; the data segment
; (p_paddr = p_vaddr = 0x110000) has p_memsz > p_filesz, and the loader zeroes the difference.
; The file is padded to 64 KiB for scripts/build-roms.sh; the padding is in no segment.

bits 32
TEXT_PADDR equ 0x100000
TEXT_VADDR equ 0xC0100000
DATA_PADDR equ 0x110000
DATA_FILE_OFF equ 0x3000
PT_LOAD equ 1
PT_GNU_STACK equ 0x6474E551

org TEXT_PADDR
section .text start=TEXT_PADDR

ehdr:
    db 0x7F, "ELF", 1, 1, 1, 0          ; ELFCLASS32, ELFDATA2LSB, EV_CURRENT, System V ABI
    times 8 db 0
    dw 2                                ; e_type: ET_EXEC
    dw 3                                ; e_machine: EM_386
    dd 1                                ; e_version
    dd entry - TEXT_PADDR + TEXT_VADDR  ; e_entry (virtual)
    dd phdrs - ehdr                     ; e_phoff
    dd 0                                ; e_shoff: no section headers
    dd 0                                ; e_flags
    dw 52                               ; e_ehsize
    dw 32                               ; e_phentsize
    dw 3                                ; e_phnum
    dw 0, 0, 0                          ; e_shentsize, e_shnum, e_shstrndx

phdrs:
    ; type, offset, vaddr, paddr, filesz, memsz, flags, align
    dd PT_LOAD, 0, TEXT_VADDR, TEXT_PADDR, text_end - ehdr, text_end - ehdr, 5, 0x1000      ; R X
    dd PT_LOAD, DATA_FILE_OFF, DATA_PADDR, DATA_PADDR, data_end - data_start, bss_end - data_start, 6, 0x1000 ; R W
    dd PT_GNU_STACK, 0, 0, 0, 0, 0, 6, 16   ; not loadable: a loader skips it

align 4
mb_header:
    dd 0x1BADB002                       ; magic
    dd 0x00000003                       ; page-aligned modules, memory info; no address fields
    dd -(0x1BADB002 + 0x00000003)       ; checksum

%define KERNEL_NAME "mbkernel-elf"
%define MB_EXTRA_REPORT
%include "lib/mbreport.inc"

entry:
    MB_ENTRY

mb_extra_report:
    PRINT "data segment '"
    mov esi, data_msg
    call mb_print_str
    PRINTLN "'"
    ret

text_end:

section .data start=(TEXT_PADDR+DATA_FILE_OFF) vstart=DATA_PADDR
data_start:
data_msg:
    db "loaded at its p_paddr", 0
align 16
data_end:

absolute data_end                       ; bss: after the data, in no file bytes
mb_vars:    resb 0x100
mb_probe:   resb 0x400
            resb 0x1000
mb_stack_top:
bss_end:

MB_VARS equ mb_vars
MB_STACK_TOP equ mb_stack_top
MB_PROBE equ mb_probe
MB_PROBE_LEN equ 0x400

section .data
    ; Padding to 64 KiB (in no segment): non-zero, so loading past p_filesz shows in the probe.
    times 0x10000 - DATA_FILE_OFF - ($ - $$) db 0xEE
