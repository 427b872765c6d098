; lxkernel-setup: a 64 KiB bzImage (boot protocol 2.15) whose real-mode setup reports what the loader left: segments, stack and cleared registers at the setup entry, the header fields QEMU writes (loader type, heap end, cmd_line_ptr, vid_mode, the initrd moved under SeaBIOS's E801h top of RAM), the command line, and checksums of the protected-mode kernel at 1 MiB and of the initrd.
; ARGS: -initrd roms/demo.bin
; APPEND: console=ttyS0 vga=0x317 tcg86 setup test
; Run: qemu-system-i386 -kernel roms/lxkernel-setup.bin -initrd roms/demo.bin -append "console=ttyS0 vga=0x317 tcg86 setup test" (see scripts/record-golden-kernels.sh).
; Booted through SeaBIOS and the linuxboot option ROM (QEMU's or roms/src/linuxboot.asm).

bits 16
org 0

SETUP_SECTS equ 4
SETUP_BYTES equ (SETUP_SECTS + 1) * 512
IMAGE_BYTES equ 65536
SYS_BYTES   equ IMAGE_BYTES - SETUP_BYTES

; --- the boot sector: never run; only its header fields matter ---
    times 0x1f1 - ($ - $$) db 0
    db SETUP_SECTS              ; 0x1f1 setup_sects
    dw 0                        ; root_flags
    dd SYS_BYTES / 16           ; 0x1f4 syssize
    dw 0                        ; ram_size
    dw 0                        ; 0x1fa vid_mode
    dw 0                        ; root_dev
    dw 0xaa55                   ; boot_flag
; --- 0x200: the setup entry (seg+0x20:0), then the setup header ---
    jmp short setup_entry
    db 'HdrS'                   ; 0x202
    dw 0x020f                   ; 0x206 version
    dd 0                        ; realmode_swtch
    dw 0x1000                   ; start_sys_seg
    dw 0                        ; kernel_version
    db 0                        ; 0x210 type_of_loader
    db 0x01                     ; 0x211 loadflags: LOADED_HIGH
    dw 0x8000                   ; setup_move_size
    dd 0x100000                 ; code32_start
    dd 0                        ; 0x218 ramdisk_image
    dd 0                        ; 0x21c ramdisk_size
    dd 0                        ; bootsect_kludge
    dw 0                        ; 0x224 heap_end_ptr
    db 0, 0                     ; ext_loader_ver, ext_loader_type
    dd 0                        ; 0x228 cmd_line_ptr
    dd 0x7fffffff               ; 0x22c initrd_addr_max
    dd 0x1000000                ; kernel_alignment
    db 0, 0                     ; relocatable_kernel, min_alignment
    dw 0                        ; xloadflags
    dd 2047                     ; 0x238 cmdline_size
    times 0x270 - ($ - $$) db 0
setup_entry:
    jmp setup_start

%include "lib/debugcon.inc"

; The setup code runs with CS = seg+0x20, DS = ES = FS = GS = SS = seg (offsets below are
; relative to the image's start, so [0x228] is the header field as loaded).
setup_start:
    ; Registers first, before anything changes them.
    mov [saved_esp], esp
    mov [saved_ebx], ebx
    mov [saved_ecx], ecx
    mov [saved_edx], edx
    mov [saved_edi], edi
    mov [saved_ebp], ebp
    mov [saved_es], es
    mov [saved_fs], fs
    mov [saved_gs], gs
    mov [saved_ss], ss
    cli
    cld
    PRINTLN "lxkernel-setup"
    PRINT "cs-ds="
    mov ax, cs
    mov bx, ds
    sub ax, bx
    PHEX16
    PRINT " es,fs,gs,ss=ds:"
    mov ax, ds
    mov bx, [saved_es]
    call same
    mov bx, [saved_fs]
    call same
    mov bx, [saved_gs]
    call same
    mov bx, [saved_ss]
    call same
    NL
    PRINT "ds="
    PHEX16 ds
    PRINT " esp="
    PHEX32 [saved_esp]
    PRINT " ebx,ecx,edx,edi,ebp="
    PHEX32 [saved_ebx]
    SPACE
    PHEX32 [saved_ecx]
    SPACE
    PHEX32 [saved_edx]
    SPACE
    PHEX32 [saved_edi]
    SPACE
    PHEX32 [saved_ebp]
    NL
    PRINT "type_of_loader="
    PHEX8 [0x210]
    PRINT " loadflags="
    PHEX8 [0x211]
    PRINT " heap_end_ptr="
    PHEX16 [0x224]
    PRINT " vid_mode="
    PHEX16 [0x1fa]
    NL
    PRINT "cmd_line_ptr="
    PHEX32 [0x228]
    PRINT " ramdisk_size="
    PHEX32 [0x21c]
    PRINT " ramdisk_image&0xfff="
    mov eax, [0x218]
    and eax, 0xfff
    PHEX32
    NL
    ; The initrd sits under the top of RAM that INT 15h E801h reports, page aligned (the
    ; address itself depends on how much SeaBIOS keeps at the top of RAM for its tables).
    PRINT "e801 top - initrd end="
    mov ax, 0xe801
    xor bx, bx
    xor cx, cx
    xor dx, dx
    int 0x15
    movzx eax, bx
    add eax, 256
    shl eax, 16
    sub eax, [0x218]
    sub eax, [0x21c]
    PHEX32
    NL
    ; The command line, through a segment for its (below 1 MiB) address.
    PRINT "cmdline=["
    mov eax, [0x228]
    shr eax, 4
    mov es, ax
    mov si, [0x228]
    and si, 15
.cmd:
    mov al, [es:si]
    test al, al
    jz .cmd_end
    call dc_putc
    inc si
    jmp .cmd
.cmd_end:
    PRINTLN "]"
    ; Checksums above 1 MiB: A20 on (port 0x92), then big real mode (a 4 GiB limit in FS).
    in al, 0x92
    or al, 2
    and al, 0xfe
    out 0x92, al
    call unreal_fs
    PRINT "kernel sum="
    mov esi, 0x100000
    mov ecx, SYS_BYTES
    call checksum
    PHEX32
    PRINT " initrd sum="
    mov esi, [0x218]
    mov ecx, [0x21c]
    call checksum
    PHEX32
    NL
    EXIT 0

; same: print "y" when bx equals ax, else "n".
same:
    cmp ax, bx
    jne .no
    PUTC 'y'
    ret
.no:
    PUTC 'n'
    ret

; checksum: eax = rol-1-and-add over ecx bytes at linear esi (through FS, base 0).
checksum:
    xor eax, eax
    jecxz .done
.loop:
    rol eax, 1
    movzx edx, byte [fs:esi]
    add eax, edx
    inc esi
    dec ecx
    jnz .loop
.done:
    ret

; unreal_fs: load FS with a flat 4 GiB data segment in protected mode, then return to real
; mode with the cached limit kept (big real mode) and FS's base 0.
unreal_fs:
    ; The GDT's linear address: this segment's base plus the offset.
    xor eax, eax
    mov ax, ds
    shl eax, 4
    add eax, gdt
    mov [gdtr + 2], eax
    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp short .pm
.pm:
    mov bx, 8
    mov fs, bx
    and al, 0xfe
    mov cr0, eax
    jmp short .rm
.rm:
    xor bx, bx
    mov fs, bx
    ret

align 8
gdt:
    dq 0
    dq 0x00cf92000000ffff       ; flat data, 4 GiB, writable
gdtr:
    dw 15
    dd 0

saved_esp: dd 0
saved_ebx: dd 0
saved_ecx: dd 0
saved_edx: dd 0
saved_edi: dd 0
saved_ebp: dd 0
saved_es:  dw 0
saved_fs:  dw 0
saved_gs:  dw 0
saved_ss:  dw 0

    times SETUP_BYTES - ($ - $$) db 0
; --- the protected-mode kernel: a pattern to checksum (never run) ---
%assign i 0
%rep SYS_BYTES / 4
    dd (i * 2654435761 + 12345) & 0xffffffff
%assign i i + 1
%endrep
