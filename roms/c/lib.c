/* lib.c: debugcon output, the command-line scale parameter and the mem* functions for the C
   benchmark kernels (no libc, no libgcc: nothing here divides 64-bit numbers). */
#include "lib.h"

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }

void putc(char c) { outb(0xe9, (u8)c); }

void puts(const char *s) { while (*s) putc(*s++); }

void puthex(u32 v)
{
    for (int i = 28; i >= 0; i -= 4) putc("0123456789abcdef"[(v >> i) & 15]);
}

void putdec(u32 v)
{
    char buf[12];
    int n = 0;
    do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) putc(buf[--n]);
}

u32 scale_arg(u32 magic, u32 mbi, u32 dflt)
{
    if (magic != 0x2BADB002u) return dflt;
    const u32 *info = (const u32 *)mbi;
    if (!(info[0] & 4)) return dflt;           /* flags bit 2: cmdline present */
    const char *p = (const char *)info[4];
    const char *tok = 0;
    for (const char *q = p; *q; q++)
        if (*q != ' ' && (q == p || q[-1] == ' ')) tok = q;
    if (!tok || *tok < '0' || *tok > '9') return dflt;
    u32 v = 0;
    while (*tok >= '0' && *tok <= '9') v = v * 10 + (u32)(*tok++ - '0');
    return v ? v : dflt;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    u8 *dp = d;
    const u8 *sp = s;
    while (n--) *dp++ = *sp++;
    return d;
}

void *memset(void *d, int c, unsigned long n)
{
    u8 *dp = d;
    while (n--) *dp++ = (u8)c;
    return d;
}

void *memmove(void *d, const void *s, unsigned long n)
{
    u8 *dp = d;
    const u8 *sp = s;
    if (dp < sp) while (n--) *dp++ = *sp++;
    else { dp += n; sp += n; while (n--) *--dp = *--sp; }
    return d;
}

int memcmp(const void *a, const void *b, unsigned long n)
{
    const u8 *x = a, *y = b;
    for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
    return 0;
}
