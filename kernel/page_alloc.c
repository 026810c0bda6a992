/* SPDX-License-Identifier: MIT */
/* Locked, zeroing front end of the bitmap allocator. */
#include "kernel/page_alloc.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/spinlock.h"
#include "lib/string.h"

static struct pmm pmm;
static spinlock_t lock = SPINLOCK_INIT;

/* The bitmap goes in the first usable range below 4 GiB that holds it (boot map covers it). */
static uint64_t place_bitmap(const struct mem_range *r, unsigned n, uint64_t bytes)
{
    for (unsigned i = 0; i < n; i++)
        if (r[i].end - r[i].base >= bytes && r[i].base + bytes <= GiB(4))
            return r[i].base;
    return 0;
}

int page_alloc_init(const struct mem_range *usable, unsigned n)
{
    uint64_t max = n ? usable[n - 1].end : 0;
    uint64_t bytes = ALIGN_UP(pmm_bitmap_bytes(max), PAGE_SIZE);
    uint64_t at = place_bitmap(usable, n, bytes);

    if (!n || !at)
        return -ENOMEM;
    pmm_init(&pmm, phys_to_virt(at), max);
    for (unsigned i = 0; i < n; i++)
        pmm_add_range(&pmm, usable[i].base, usable[i].end);
    pmm_remove_range(&pmm, at, at + bytes);
    return 0;
}

uint64_t page_alloc_aligned(uint64_t npages, uint64_t align)
{
    uint64_t f = spin_lock_irqsave(&lock);
    uint64_t pa = pmm_alloc(&pmm, npages, align);

    spin_unlock_irqrestore(&lock, f);
    if (pa)
        memset(phys_to_virt(pa), 0, npages * PAGE_SIZE);
    return pa;
}

uint64_t page_alloc(uint64_t npages)
{
    return page_alloc_aligned(npages, 1);
}

void page_free(uint64_t phys, uint64_t npages)
{
    uint64_t f = spin_lock_irqsave(&lock);
    int err = pmm_free(&pmm, phys, npages);

    spin_unlock_irqrestore(&lock, f);
    /* Freeing what is not allocated means our own bookkeeping is broken. */
    if (err)
        panic("page_free(%#lx, %lu): pages not allocated", phys, npages);
}

void page_stats(uint64_t *free_pages, uint64_t *total_pages)
{
    uint64_t f = spin_lock_irqsave(&lock);

    *free_pages = pmm.free;
    *total_pages = pmm.total;
    spin_unlock_irqrestore(&lock, f);
}
