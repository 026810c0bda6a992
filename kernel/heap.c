/* SPDX-License-Identifier: MIT */
/*
 * Size-class heap. Each block carries a 16-byte header naming its class
 * (or its page count), so kfree needs no size and catches double frees.
 */
#include "kernel/heap.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "lib/string.h"

#define HDR 16
#define NCLASSES 8 /* 32 .. 4096 bytes including the header */
#define MAGIC_LIVE 0x4c495645u
#define MAGIC_FREE 0x46524545u
#define CLASS_PAGES 0xffffu

struct hdr {
    uint32_t magic;
    uint16_t cls;
    uint16_t pad;
    uint64_t pages; /* for page-backed blocks */
};

struct free_obj {
    struct free_obj *next;
};

static struct free_obj *free_lists[NCLASSES];
static spinlock_t lock = SPINLOCK_INIT;
static uint64_t in_use;

static size_t class_size(unsigned c)
{
    return 32u << c;
}

static int class_for(size_t total)
{
    for (unsigned c = 0; c < NCLASSES; c++)
        if (total <= class_size(c))
            return (int)c;
    return -1;
}

/* Carves a fresh page into blocks of one class. */
static bool refill(unsigned c)
{
    uint64_t pa = page_alloc(1);
    char *p;

    if (!pa)
        return false;
    p = phys_to_virt(pa);
    for (size_t off = 0; off + class_size(c) <= PAGE_SIZE; off += class_size(c)) {
        struct free_obj *o = (struct free_obj *)(p + off);
        o->next = free_lists[c];
        free_lists[c] = o;
    }
    return true;
}

static void *alloc_small(unsigned c)
{
    uint64_t f = spin_lock_irqsave(&lock);
    struct hdr *h = NULL;

    if (free_lists[c] || refill(c)) {
        h = (struct hdr *)free_lists[c];
        free_lists[c] = free_lists[c]->next;
        h->magic = MAGIC_LIVE;
        h->cls = (uint16_t)c;
        in_use += class_size(c);
    }
    spin_unlock_irqrestore(&lock, f);
    return h ? (char *)h + HDR : NULL;
}

static void *alloc_pages(size_t total)
{
    uint64_t pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t pa = page_alloc(pages);
    struct hdr *h;

    if (!pa)
        return NULL;
    h = phys_to_virt(pa);
    h->magic = MAGIC_LIVE;
    h->cls = CLASS_PAGES;
    h->pages = pages;
    __atomic_add_fetch(&in_use, pages * PAGE_SIZE, __ATOMIC_RELAXED);
    return (char *)h + HDR;
}

void *kmalloc(size_t size)
{
    int c;

    if (!size || size > GiB(1))
        return NULL;
    c = class_for(size + HDR);
    return c >= 0 ? alloc_small((unsigned)c) : alloc_pages(size + HDR);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    struct hdr *h;
    unsigned cls;
    uint64_t f;

    if (!p)
        return;
    h = (struct hdr *)((char *)p - HDR);
    if (h->magic != MAGIC_LIVE)
        panic("kfree(%p): not a live heap block (magic %#x)", p, h->magic);
    h->magic = MAGIC_FREE;
    if (h->cls == CLASS_PAGES) {
        __atomic_sub_fetch(&in_use, h->pages * PAGE_SIZE, __ATOMIC_RELAXED);
        page_free(virt_to_phys(h), h->pages);
        return;
    }
    cls = h->cls; /* the free-list link below overwrites the header */
    if (cls >= NCLASSES)
        panic("kfree(%p): corrupt heap header (class %u)", p, cls);
    f = spin_lock_irqsave(&lock);
    in_use -= class_size(cls);
    ((struct free_obj *)h)->next = free_lists[cls];
    free_lists[cls] = (struct free_obj *)h;
    spin_unlock_irqrestore(&lock, f);
}

uint64_t heap_bytes_in_use(void)
{
    return in_use;
}
