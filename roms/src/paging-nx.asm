; paging-nx: roms/src/paging.asm's checks on a CPU with NX: XD pages fault on fetch with I/D set (PTE, 2M PDE, PDE over a table, ring 3, not present), EFER.NXE clear makes XD a reserved bit (RSVD #PF).
; ARGS: -cpu qemu32,+nx
%include "paging.asm"
