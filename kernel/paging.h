/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own page tables: kernel image by section permissions (text
 * RX, rodata R, data RW+NX), all RAM at DMAP_BASE + phys (RW+NX, large
 * pages where possible), device memory uncached on demand. No identity map.
 */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include "kernel/bootinfo.h"

int paging_init(const struct mem_range *map, unsigned n);
/* Maps device registers uncached at phys_to_virt(phys); returns that address or NULL. */
void *mmio_map(uint64_t phys, uint64_t size);
/* Makes firmware memory (ACPI tables) readable at phys_to_virt(phys); NULL on failure. */
void *phys_map(uint64_t phys, uint64_t size);
uint64_t paging_kernel_cr3(void);
/*
 * Second mapping of [phys, phys + size) at va_base + phys (RW, NX, large
 * pages), for code that must keep reaching pages the direct map drops
 * (the emulated TDX module). Returns va_base + phys or NULL.
 */
void *paging_alias_map(uint64_t va_base, uint64_t phys, uint64_t size);
/* Splits the direct map of [phys, phys + size) into 4 KiB pages (tables are kept). */
int paging_dmap_split(uint64_t phys, uint64_t size);
/*
 * Drops (present = false) or restores the direct-map page of phys, which
 * paging_dmap_split made a 4 KiB page. Flushes this CPU's TLB entry only.
 */
int paging_dmap_set_present(uint64_t phys, bool present);
/* A CR3 for starting APs: the kernel's upper half plus an identity map of the low 2 MiB. */
uint64_t paging_trampoline_cr3(void);

#endif
