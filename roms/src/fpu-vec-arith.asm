; fpu-vec-arith: x87 arithmetic, compares, conversions, BCD and constants on pseudo-random operands and control words (softfloat vectors; see lib/fpuvec.inc).
; test/cpu/x86/fpu/*.test.ts check tcg86's softfloat against these lines; the golden test runs the ROM on both engines.
%include "lib/pm.inc"

VEC_N equ 64
VEC_SEED_INIT equ 0x2545f491

%macro OPR 2+
%1:
    %2
    ret
%endmacro

main32:
    jmp vec_run

%include "lib/fpuvec.inc"

vec_ops:
    dd o_fadd, o_fsub, o_fsubr, o_fmul, o_fdiv, o_fdivr, o_fsqrt, o_frndint, o_fscale, o_fxtract
    dd o_fprem, o_fprem1, o_fcom, o_fucom, o_fst32, o_fst64, o_fist16, o_fist32, o_fistp64, o_fld32
    dd o_fld64, o_fiadd32, o_fild64, o_fisttp32, o_fadd32, o_fmul64, o_ftst, o_fxam, o_fbstp, o_fbld
    dd o_fldl2t, o_fldl2e, o_fldpi, o_fldlg2, o_fldln2, o_fidiv16, o_fcompp, o_fsubp, o_fdivrp
    dd 0

OPR o_fadd, fadd st0, st1
OPR o_fsub, fsub st0, st1
OPR o_fsubr, fsubr st0, st1
OPR o_fmul, fmul st0, st1
OPR o_fdiv, fdiv st0, st1
OPR o_fdivr, fdivr st0, st1
OPR o_fsqrt, fsqrt
OPR o_frndint, frndint
OPR o_fscale, fscale
OPR o_fxtract, fxtract
OPR o_fprem, fprem
OPR o_fprem1, fprem1
OPR o_fcom, fcom st1
OPR o_fucom, fucom st1
OPR o_fst32, fst dword [VEC_MEM]
OPR o_fst64, fst qword [VEC_MEM]
OPR o_fist16, fist word [VEC_MEM]
OPR o_fist32, fist dword [VEC_MEM]
OPR o_fistp64, fistp qword [VEC_MEM]
OPR o_fld32, fld dword [VEC_MEM]
OPR o_fld64, fld qword [VEC_MEM]
OPR o_fiadd32, fiadd dword [VEC_MEM]
OPR o_fild64, fild qword [VEC_MEM]
OPR o_fisttp32, fisttp dword [VEC_MEM]
OPR o_fadd32, fadd dword [VEC_MEM]
OPR o_fmul64, fmul qword [VEC_MEM]
OPR o_ftst, ftst
OPR o_fxam, fxam
OPR o_fbstp, fbstp tword [VEC_MEM]
OPR o_fbld, fbld tword [VEC_MEM]
OPR o_fldl2t, fldl2t
OPR o_fldl2e, fldl2e
OPR o_fldpi, fldpi
OPR o_fldlg2, fldlg2
OPR o_fldln2, fldln2
OPR o_fidiv16, fidiv word [VEC_MEM]
OPR o_fcompp, fcompp
OPR o_fsubp, fsubp st1, st0
OPR o_fdivrp, fdivrp st1, st0

ROM_END start
