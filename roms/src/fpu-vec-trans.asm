; fpu-vec-trans: x87 transcendental instructions (fsin fcos fsincos fptan f2xm1 fyl2x fyl2xp1 fpatan) on pseudo-random operands and control words (see lib/fpuvec.inc).
; tcg86 computes f2xm1/fyl2x/fyl2xp1/fpatan (and sin/cos/tan of the double) correctly rounded where
; QEMU's polynomials are good to about 70 bits; on these vectors every result agrees.
%include "lib/pm.inc"

VEC_N equ 96
VEC_SEED_INIT equ 0x6c078965

%macro OPR 2+
%1:
    %2
    ret
%endmacro

main32:
    jmp vec_run

%include "lib/fpuvec.inc"

vec_ops:
    dd o_fsin, o_fcos, o_fsincos, o_fptan, o_f2xm1, o_fyl2x, o_fyl2xp1, o_fpatan
    dd 0

OPR o_fsin, fsin
OPR o_fcos, fcos
OPR o_fsincos, fsincos
OPR o_fptan, fptan
OPR o_f2xm1, f2xm1
OPR o_fyl2x, fyl2x
OPR o_fyl2xp1, fyl2xp1
OPR o_fpatan, fpatan

ROM_END start
