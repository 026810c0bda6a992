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
/* A CR3 for starting APs: the kernel's upper half plus an identity map of the low 2 MiB. */
uint64_t paging_trampoline_cr3(void);

#endif
