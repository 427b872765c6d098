// c-list: linked lists through pointers: build from a node pool, insert in order, merge sort, reverse, filter, sum.
// BENCH: c
// APPEND: 1
// BENCH-APPEND: 1000
// Each round: 600 nodes with LCG keys pushed onto a list, merge-sorted (recursive split and
// merge), reversed, every third node unlinked, 64 keys inserted in order, then walked for a checksum.
#include "lib.h"

struct node { struct node *next; u32 key; u32 val; };

#define POOL 700
static struct node pool[POOL];

static struct node *merge(struct node *a, struct node *b)
{
    struct node head, *t = &head;
    while (a && b) {
        if (a->key <= b->key) { t->next = a; a = a->next; }
        else { t->next = b; b = b->next; }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static struct node *msort(struct node *l)
{
    if (!l || !l->next) return l;
    struct node *slow = l, *fast = l->next;
    while (fast && fast->next) { slow = slow->next; fast = fast->next->next; }
    struct node *r = slow->next;
    slow->next = 0;
    return merge(msort(l), msort(r));
}

static struct node *reverse(struct node *l)
{
    struct node *p = 0;
    while (l) { struct node *n = l->next; l->next = p; p = l; l = n; }
    return p;
}

static struct node *insert_desc(struct node *l, struct node *n)
{
    struct node **pp = &l;
    while (*pp && (*pp)->key > n->key) pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
    return l;
}

static u32 round_(u32 seed)
{
    u32 s = seed;
    struct node *l = 0;
    int used = 0;
    for (; used < 600; used++) {
        struct node *n = &pool[used];
        n->key = lcg(&s) >> 8;
        n->val = (u32)used;
        n->next = l;
        l = n;
    }
    l = reverse(msort(l));
    int k = 0;
    for (struct node **pp = &l; *pp; k++) {
        if (k % 3 == 2) *pp = (*pp)->next;
        else pp = &(*pp)->next;
    }
    for (int i = 0; i < 64; i++, used++) {
        struct node *n = &pool[used];
        n->key = lcg(&s) >> 8;
        n->val = (u32)used;
        l = insert_desc(l, n);
    }
    u32 sum = 0, prev = 0xffffffffu;
    for (struct node *p = l; p; p = p->next) {
        if (p->key > prev) sum ^= 0x80000000u; /* order broken: visible in the checksum */
        prev = p->key;
        sum = (sum << 5 | sum >> 27) ^ p->key ^ p->val;
    }
    return sum;
}

int kmain(u32 magic, u32 mbi)
{
    u32 n = scale_arg(magic, mbi, 1), sum = 0;
    for (u32 r = 0; r < n; r++) sum = sum * 31 + round_(r * 7919 + 1);
    puts("c-list: rounds="); putdec(n); puts(" sum="); puthex(sum); putc('\n');
    return 0;
}
