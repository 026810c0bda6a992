/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: two bits per 4 KiB page below the highest usable
 * address (not available; managed), first-fit with alignment for contiguous
 * runs. The second bit lets pmm_free refuse pages it never handed out. Pure code (no locking, no page contents): the kernel wraps it in
 * kernel/page_alloc.c; host tests drive it directly.
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include "lib/compiler.h"

struct pmm {
    uint64_t *bitmap;  /* set = not available (allocated, hole or removed) */
    uint64_t *managed; /* set = handed to the allocator and not removed */
    uint64_t npages;   /* pages covered by the bitmap, from physical 0 */
    uint64_t total;    /* pages handed to the allocator */
    uint64_t free;
    uint64_t hint; /* lowest page that may be free */
};

uint64_t pmm_bitmap_bytes(uint64_t max_phys);
/* Starts with every page unavailable. */
void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t max_phys);
/* Makes whole pages inside [base, end) available. */
void pmm_add_range(struct pmm *p, uint64_t base, uint64_t end);
/* Takes available pages inside [base, end) out for good (not counted as used). */
void pmm_remove_range(struct pmm *p, uint64_t base, uint64_t end);
/* npages contiguous pages aligned to align_pages (a power of two); 0 when none. */
uint64_t pmm_alloc(struct pmm *p, uint64_t npages, uint64_t align_pages);
/* Returns 0, or -EINVAL for a range that is not wholly allocated (double free). */
int pmm_free(struct pmm *p, uint64_t phys, uint64_t npages);

#endif
