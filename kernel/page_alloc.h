/* SPDX-License-Identifier: MIT */
/* The kernel's physical page allocator (locked, zeroing) over kernel/pmm.c. */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include "kernel/bootinfo.h"

/* Builds the allocator from the usable ranges; the bitmap is carved from them. */
int page_alloc_init(const struct mem_range *usable, unsigned n);
/* Returns the physical address of npages zeroed contiguous pages, or 0. */
uint64_t page_alloc(uint64_t npages);
uint64_t page_alloc_aligned(uint64_t npages, uint64_t align_pages);
void page_free(uint64_t phys, uint64_t npages);
void page_stats(uint64_t *free_pages, uint64_t *total_pages);

#endif
