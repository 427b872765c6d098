/* start.S: multiboot (v1) header and entry for the C benchmark kernels: sets a stack, calls
   kmain(magic, mbi) and exits through isa-debug-exit with its return value. */
    .section .multiboot, "a"
    .balign 4
    .long 0x1BADB002            /* magic */
    .long 0                     /* flags: ELF loading (bit 16 clear), nothing asked of the loader */
    .long -0x1BADB002           /* checksum */

    .text
    .globl _start
_start:
    cld
    movl $stack_top, %esp
    pushl %ebx                  /* multiboot info */
    pushl %eax                  /* loader magic */
    call kmain
    outb %al, $0xf4             /* isa-debug-exit: status (al << 1) | 1 */
1:  cli
    hlt
    jmp 1b

    .bss
    .balign 16
    .space 65536
stack_top:
    .section .note.GNU-stack, "", @progbits
