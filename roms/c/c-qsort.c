// c-qsort: recursive quicksort (median of three, insertion sort below 12) of LCG arrays, checked sorted.
// BENCH: c
// APPEND: 1
// BENCH-APPEND: 200
// Each round sorts 4000 signed ints through a comparison function called by pointer, then a
// binary search for 500 keys; the checksum hashes the sorted array, the search hits and order errors.
#include "lib.h"

#define LEN 4000
static i32 a[LEN];

static int cmp_int(const void *x, const void *y)
{
    i32 p = *(const i32 *)x, q = *(const i32 *)y;
    return (p > q) - (p < q);
}

static void swap(i32 *x, i32 *y) { i32 t = *x; *x = *y; *y = t; }

static void isort(i32 *v, int n, int (*cmp)(const void *, const void *))
{
    for (int i = 1; i < n; i++) {
        i32 x = v[i];
        int j = i - 1;
        while (j >= 0 && cmp(&v[j], &x) > 0) { v[j + 1] = v[j]; j--; }
        v[j + 1] = x;
    }
}

static void qsort_(i32 *v, int n, int (*cmp)(const void *, const void *))
{
    while (n > 12) {
        int m = n / 2;
        if (cmp(&v[m], &v[0]) < 0) swap(&v[m], &v[0]);
        if (cmp(&v[n - 1], &v[0]) < 0) swap(&v[n - 1], &v[0]);
        if (cmp(&v[n - 1], &v[m]) < 0) swap(&v[n - 1], &v[m]);
        i32 pivot = v[m];
        int i = 0, j = n - 1;
        for (;;) {
            while (cmp(&v[i], &pivot) < 0) i++;
            while (cmp(&v[j], &pivot) > 0) j--;
            if (i >= j) break;
            swap(&v[i], &v[j]);
            i++; j--;
        }
        /* recurse into the smaller side, loop on the larger: stack depth stays logarithmic */
        if (j + 1 < n - j - 1) { qsort_(v, j + 1, cmp); v += j + 1; n -= j + 1; }
        else { qsort_(v + j + 1, n - j - 1, cmp); n = j + 1; }
    }
    isort(v, n, cmp);
}

static int bsearch_(const i32 *v, int n, i32 key)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (v[mid] == key) return mid;
        if (v[mid] < key) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
}

int kmain(u32 magic, u32 mbi)
{
    u32 n = scale_arg(magic, mbi, 1), s = 7, sum = 0, bad = 0, hits = 0;
    for (u32 r = 0; r < n; r++) {
        for (int i = 0; i < LEN; i++) a[i] = (i32)(lcg(&s) >> 12) - 0x40000;
        qsort_(a, LEN, cmp_int);
        for (int i = 1; i < LEN; i++) bad += a[i - 1] > a[i];
        for (int i = 0; i < 500; i++) {
            int k = bsearch_(a, LEN, a[(lcg(&s) >> 16) % LEN] + (i & 1));
            if (k >= 0) { hits++; sum += (u32)k; }
        }
        for (int i = 0; i < LEN; i += 7) sum = (sum << 7 | sum >> 25) ^ (u32)a[i];
    }
    puts("c-qsort: rounds="); putdec(n); puts(" unsorted="); putdec(bad); puts(" hits="); putdec(hits);
    puts(" sum="); puthex(sum); putc('\n');
    return 0;
}
