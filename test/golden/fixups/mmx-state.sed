# hw-only (test/golden/DEVIATIONS.md, "MMX"): an MMX write sets the register's sign/exponent to
# all ones (SDM vol. 1 9.5.1); QEMU 7.2 leaves the old field.
s/^mm0 as x87 0000:8000000000000000$/mm0 as x87 ffff:8000000000000000/
# hw-only: CR0.EM makes every MMX instruction #UD, emms too and before TS (SDM vol. 3 table
# 12-1); QEMU runs emms and gives #NM first.
s/^em emms: ok$/em emms:exc 06 eip 000f1840/
s/^em+ts paddb:exc 07 eip 000f1885$/em+ts paddb:exc 06 eip 000f1885/
# hw-only: emms with CR0.TS is #NM (SDM EMMS); QEMU runs it.
s/^ts emms: ok$/ts emms:exc 07 eip 000f193a/
# hw-only: pshufw is SSE/MMXEXT, which tcg86's models never report; QEMU runs it on every model.
s/^0f 70 (pshufw): ok$/0f 70 (pshufw):exc 06 eip 000f1a33/
# hw-only: an MMX instruction with a pending unmasked x87 exception is #MF (SDM, each MMX
# instruction's exceptions); QEMU does not check.
s/^pending paddb: ok$/pending paddb:exc 10 eip 000f1a81/
s/^pending emms: ok$/pending emms:exc 10 eip 000f1abf/
# hw-only: the segment limit (QEMU checks none, REFERENCE.md); the faulting movq leaves TOP
# and the tags as they were (QEMU sets them before it reads the operand).
s/^movq past fs limit: ok$/movq past fs limit:exc 0d err 00000000 eip 000f1b4f/
s/^after the fault env 0000037f 00000000 00002956 /after the fault env 0000037f 00003800 00003fff /
