// c-matmul: integer matrix multiply (i-k-j loops over row-major arrays) and a transposed variant.
// BENCH: c
// APPEND: 1
// BENCH-APPEND: 250
// Each round: A (40x40) and B filled from an LCG, C = A*B by i-k-j, D = A*B^T by dot products of
// rows, the trace and a rotate-xor hash of C and D folded into the checksum; A is then set from C.
#include "lib.h"

#define N 40
static u32 A[N][N], B[N][N], C[N][N], D[N][N];

static void mul_ikj(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) C[i][j] = 0;
        for (int k = 0; k < N; k++) {
            u32 a = A[i][k];
            for (int j = 0; j < N; j++) C[i][j] += a * B[k][j];
        }
    }
}

static u32 dot(const u32 *x, const u32 *y)
{
    u32 s = 0;
    for (int k = 0; k < N; k++) s += x[k] * y[k];
    return s;
}

static void mul_bt(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) D[i][j] = dot(A[i], B[j]);
}

int kmain(u32 magic, u32 mbi)
{
    u32 n = scale_arg(magic, mbi, 1), s = 42, sum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) A[i][j] = lcg(&s) >> 20;
    for (u32 r = 0; r < n; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) B[i][j] = lcg(&s) >> 20;
        mul_ikj();
        mul_bt();
        u32 h = 0;
        for (int i = 0; i < N; i++) {
            h += C[i][i];
            for (int j = 0; j < N; j++) h = (h << 3 | h >> 29) ^ C[i][j] ^ (D[i][j] >> 1);
        }
        sum = sum * 33 + h;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) A[i][j] = C[i][j] & 0xfff;
    }
    puts("c-matmul: rounds="); putdec(n); puts(" sum="); puthex(sum); putc('\n');
    return 0;
}
