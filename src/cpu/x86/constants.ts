// Architectural constants of the x86 target: segment registers, descriptor bits, control
// register bits, exception vectors and MMU indexes.

export const R_EAX = 0;
export const R_ECX = 1;
export const R_EDX = 2;
export const R_EBX = 3;
export const R_ESP = 4;
export const R_EBP = 5;
export const R_ESI = 6;
export const R_EDI = 7;

export const R_ES = 0;
export const R_CS = 1;
export const R_SS = 2;
export const R_DS = 3;
export const R_FS = 4;
export const R_GS = 5;
export const SEG_NAMES = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'] as const;

// Segment descriptor cache flags: the descriptor's high dword as loaded (QEMU keeps e2 whole).
export const DESC_G_MASK = 1 << 23;
export const DESC_B_MASK = 1 << 22;
export const DESC_L_MASK = 1 << 21;
export const DESC_AVL_MASK = 1 << 20;
export const DESC_P_MASK = 1 << 15;
export const DESC_DPL_SHIFT = 13;
export const DESC_DPL_MASK = 3 << DESC_DPL_SHIFT;
export const DESC_S_MASK = 1 << 12;
export const DESC_TYPE_SHIFT = 8;
export const DESC_TYPE_MASK = 15 << DESC_TYPE_SHIFT;
export const DESC_A_MASK = 1 << 8;
/** Code segment (with S). */
export const DESC_CS_MASK = 1 << 11;
/** Conforming (code) / expand-down (data). */
export const DESC_C_MASK = 1 << 10;
export const DESC_E_MASK = 1 << 10;
/** Readable (code) / writable (data). */
export const DESC_R_MASK = 1 << 9;
export const DESC_W_MASK = 1 << 9;
/** The attribute bits LAR returns from a descriptor's high dword. */
export const DESC_FLAGS_MASK = 0x00f0ff00;

export const CR0_PE_MASK = 1 << 0;
export const CR0_MP_MASK = 1 << 1;
export const CR0_EM_MASK = 1 << 2;
export const CR0_TS_MASK = 1 << 3;
export const CR0_ET_MASK = 1 << 4;
export const CR0_NE_MASK = 1 << 5;
export const CR0_WP_MASK = 1 << 16;
export const CR0_AM_MASK = 1 << 18;
export const CR0_NW_MASK = 1 << 29;
export const CR0_CD_MASK = 1 << 30;
export const CR0_PG_MASK = 1 << 31;

export const CR4_VME_MASK = 1 << 0;
export const CR4_PVI_MASK = 1 << 1;
export const CR4_TSD_MASK = 1 << 2;
export const CR4_DE_MASK = 1 << 3;
export const CR4_PSE_MASK = 1 << 4;
export const CR4_PAE_MASK = 1 << 5;
export const CR4_MCE_MASK = 1 << 6;
export const CR4_PGE_MASK = 1 << 7;
export const CR4_PCE_MASK = 1 << 8;
export const CR4_OSFXSR_MASK = 1 << 9;
export const CR4_OSXMMEXCPT_MASK = 1 << 10;

export const EFER_SCE = 1 << 0;
export const EFER_LME = 1 << 8;
export const EFER_LMA = 1 << 10;
export const EFER_NXE = 1 << 11;

export const EXCP00_DIVZ = 0;
export const EXCP01_DB = 1;
export const EXCP02_NMI = 2;
export const EXCP03_INT3 = 3;
export const EXCP04_INTO = 4;
export const EXCP05_BOUND = 5;
export const EXCP06_ILLOP = 6;
export const EXCP07_PREX = 7;
export const EXCP08_DBLE = 8;
export const EXCP09_XERR = 9;
export const EXCP0A_TSS = 10;
export const EXCP0B_NOSEG = 11;
export const EXCP0C_STACK = 12;
export const EXCP0D_GPF = 13;
export const EXCP0E_PAGE = 14;
export const EXCP10_COPR = 16;
export const EXCP11_ALGN = 17;
export const EXCP12_MCHK = 18;

/** Page-fault error code bits. */
export const PG_ERROR_P_MASK = 0x01;
export const PG_ERROR_W_MASK = 0x02;
export const PG_ERROR_U_MASK = 0x04;
export const PG_ERROR_RSVD_MASK = 0x08;
export const PG_ERROR_I_D_MASK = 0x10;

/** Page table entry bits. */
export const PG_PRESENT_MASK = 1 << 0;
export const PG_RW_MASK = 1 << 1;
export const PG_USER_MASK = 1 << 2;
export const PG_PWT_MASK = 1 << 3;
export const PG_PCD_MASK = 1 << 4;
export const PG_ACCESSED_MASK = 1 << 5;
export const PG_DIRTY_MASK = 1 << 6;
export const PG_PSE_MASK = 1 << 7;
export const PG_GLOBAL_MASK = 1 << 8;

/** MMU indexes of the soft TLB. */
export const MMU_KERNEL_IDX = 0;
export const MMU_USER_IDX = 1;
/** Paging off: linear = physical. */
export const MMU_PHYS_IDX = 2;
export const NB_MMU_MODES = 3;
