// c-bytecode: a small stack-machine bytecode interpreter (switch dispatch) running loops, calls and arithmetic.
// BENCH: c
// APPEND: 1
// BENCH-APPEND: 200
// The bytecode program sums f(i) = (i*i) xor (i >> 3) over i < 2000 through a bytecode call,
// counts primes below 600 by trial division and runs a Collatz walk; each round runs it once
// with a different seed pushed first.
#include "lib.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, AND, DIVU, MODU, LT, JZ, JMP, CALL, RET, DUP, DROP, SWAP, HALT };

static i32 stack[256];
static i32 rstack[64];
static i32 vars[16];

static i32 code[512];
static int ncode;
static void e(i32 v) { code[ncode++] = v; }
static void e2(i32 op, i32 arg) { e(op); e(arg); }
/* emits a jump-like op with a placeholder target and returns where to patch it */
static int fwd(i32 op) { e(op); e(0); return ncode - 1; }

/* vars: 0 i, 1 acc, 2 n, 3 d, 4 isprime, 5 primes, 6 x, 7 steps, 8 seed */
static void build(void)
{
    e2(STORE, 8);                                    /* the seed the caller pushed */
    e2(PUSH, 0); e2(STORE, 0); e2(PUSH, 0); e2(STORE, 1);
    int loop1 = ncode;                               /* acc += f(i) for i < 2000 */
    e2(LOAD, 0); e2(PUSH, 2000); e(LT); int x1 = fwd(JZ);
    e2(LOAD, 0); int c1 = fwd(CALL);
    e2(LOAD, 1); e(ADD); e2(STORE, 1);
    e2(LOAD, 0); e2(PUSH, 1); e(ADD); e2(STORE, 0); e2(JMP, loop1);
    code[x1] = ncode;                                /* primes below 600 by trial division */
    e2(PUSH, 2); e2(STORE, 2); e2(PUSH, 0); e2(STORE, 5);
    int outer = ncode;
    e2(LOAD, 2); e2(PUSH, 600); e(LT); int x2 = fwd(JZ);
    e2(PUSH, 1); e2(STORE, 4); e2(PUSH, 2); e2(STORE, 3);
    int inner = ncode;                               /* while d * d < n + 1 */
    e2(LOAD, 3); e2(LOAD, 3); e(MUL); e2(LOAD, 2); e2(PUSH, 1); e(ADD); e(LT); int x3 = fwd(JZ);
    e2(LOAD, 2); e2(LOAD, 3); e(MODU); int x4 = fwd(JZ);
    e2(LOAD, 3); e2(PUSH, 1); e(ADD); e2(STORE, 3); e2(JMP, inner);
    code[x4] = ncode; e2(PUSH, 0); e2(STORE, 4);
    code[x3] = ncode;
    e2(LOAD, 5); e2(LOAD, 4); e(ADD); e2(STORE, 5);
    e2(LOAD, 2); e2(PUSH, 1); e(ADD); e2(STORE, 2); e2(JMP, outer);
    code[x2] = ncode;                                /* Collatz walk from seed % 1000 + 27 */
    e2(LOAD, 8); e2(PUSH, 1000); e(MODU); e2(PUSH, 27); e(ADD); e2(STORE, 6); e2(PUSH, 0); e2(STORE, 7);
    int coll = ncode;
    e2(LOAD, 6); e2(PUSH, 2); e(LT); int x5 = fwd(JZ); e(HALT);
    code[x5] = ncode;
    e2(LOAD, 7); e2(PUSH, 1); e(ADD); e2(STORE, 7);
    e2(LOAD, 6); e2(PUSH, 1); e(AND); int x6 = fwd(JZ);
    e2(LOAD, 6); e2(PUSH, 3); e(MUL); e2(PUSH, 1); e(ADD); e2(STORE, 6); e2(JMP, coll);
    code[x6] = ncode;
    e2(LOAD, 6); e2(PUSH, 1); e(SHR); e2(STORE, 6); e2(JMP, coll);
    code[c1] = ncode;                                /* f(i) = (i * i) ^ (i >> 3) + seed */
    e(DUP); e(DUP); e(MUL); e(SWAP); e2(PUSH, 3); e(SHR); e(XOR); e2(LOAD, 8); e(ADD); e(RET);
}

static u32 run(i32 seed)
{
    const i32 *pc = code;
    i32 *sp = stack, *rp = rstack;
    u32 ops = 0;
    *sp++ = seed;
    for (;;) {
        ops++;
        switch (*pc++) {
        case PUSH: *sp++ = *pc++; break;
        case LOAD: *sp++ = vars[*pc++]; break;
        case STORE: vars[*pc++] = *--sp; break;
        case ADD: sp--; sp[-1] += sp[0]; break;
        case SUB: sp--; sp[-1] -= sp[0]; break;
        case MUL: sp--; sp[-1] *= sp[0]; break;
        case XOR: sp--; sp[-1] ^= sp[0]; break;
        case SHR: sp--; sp[-1] = (i32)((u32)sp[-1] >> sp[0]); break;
        case AND: sp--; sp[-1] &= sp[0]; break;
        case DIVU: sp--; sp[-1] = (i32)((u32)sp[-1] / (u32)sp[0]); break;
        case MODU: sp--; sp[-1] = (i32)((u32)sp[-1] % (u32)sp[0]); break;
        case LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
        case JZ: { i32 t = *pc++; if (!*--sp) pc = code + t; break; }
        case JMP: pc = code + *pc; break;
        case CALL: *rp++ = (i32)(pc + 1 - code); pc = code + *pc; break;
        case RET: pc = code + *--rp; break;
        case DUP: sp[0] = sp[-1]; sp++; break;
        case DROP: sp--; break;
        case SWAP: { i32 t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; break; }
        case HALT: return ops;
        default: return 0xdead0000u | (u32)pc[-1];
        }
    }
}

int kmain(u32 magic, u32 mbi)
{
    u32 n = scale_arg(magic, mbi, 1), sum = 0, ops = 0;
    build();
    for (u32 r = 0; r < n; r++) {
        for (int v = 0; v < 16; v++) vars[v] = 0;
        ops += run((i32)(r * 2654435761u >> 8));
        sum = sum * 131 + (u32)vars[1] + (u32)vars[5] * 7 + (u32)vars[7];
    }
    puts("c-bytecode: rounds="); putdec(n); puts(" primes="); putdec((u32)vars[5]); puts(" steps="); putdec((u32)vars[7]);
    puts(" ops="); putdec(ops); puts(" sum="); puthex(sum); putc('\n');
    return 0;
}
