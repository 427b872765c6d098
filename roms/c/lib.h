/* lib.h: what the C benchmark kernels share: port output to debugcon (0xe9), hex/decimal
   printing, the scale parameter from the multiboot command line, and the mem* functions gcc may call. */
#ifndef LIB_H
#define LIB_H
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;

void putc(char c);
void puts(const char *s);
void puthex(u32 v);
void putdec(u32 v);
/* The last whitespace-separated token of the multiboot command line as a decimal number, or dflt. */
u32 scale_arg(u32 magic, u32 mbi, u32 dflt);
/* A 32-bit LCG (Numerical Recipes constants): deterministic input data. */
static inline u32 lcg(u32 *s) { *s = *s * 1664525u + 1013904223u; return *s; }

void *memcpy(void *d, const void *s, unsigned long n);
void *memset(void *d, int c, unsigned long n);
void *memmove(void *d, const void *s, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);
#endif
