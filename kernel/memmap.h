/* SPDX-License-Identifier: MIT */
/* Turning the firmware memory map into the ranges the page allocator may use. */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include "kernel/bootinfo.h"

/*
 * Usable page-aligned ranges: every MEM_USABLE entry, shrunk to whole
 * pages, minus every other entry that overlaps it (a firmware map may
 * overlap itself; the non-usable type wins) and minus each reserved range
 * (kernel image, modules, boot info, the first MiB). Sorted and merged.
 * Returns the count, or -ENOSPC if out is too small.
 */
int memmap_usable(const struct mem_range *map, unsigned n, const struct mem_range *resv,
                  unsigned nresv, struct mem_range *out, unsigned max_out);
uint64_t memmap_bytes(const struct mem_range *r, unsigned n);
const char *mem_type_name(uint32_t type);

#endif
