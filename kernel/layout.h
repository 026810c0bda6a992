/* SPDX-License-Identifier: MIT */
/*
 * Virtual address layout, shared by C, assembly and the linker script.
 * The kernel image runs in the top 2 GiB (-mcmodel=kernel) and is loaded
 * at KERNEL_PHYS; all RAM is reachable at DMAP_BASE + phys.
 */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

#define KERNEL_PHYS 0x200000
#define KERNEL_VMA 0xFFFFFFFF80000000
#define DMAP_BASE 0xFFFF888000000000
#define DMAP_PML4_INDEX 273                   /* (DMAP_BASE >> 39) & 511 */
#define TDX_EMU_ALIAS_BASE 0xFFFFC90000000000 /* tdx=emulate: the module's own map of RAM */
#define TRAMPOLINE_PHYS 0x8000                /* AP real-mode entry: SIPI vector 0x08 */
#define BOOT_STACK_SIZE 16384
#define CPU_STACK_SIZE 16384
#define IST_STACK_SIZE 8192

#ifndef __ASSEMBLY__
#include <stdint.h>

#ifdef HOST_TEST
/* A host unit test maps its fake physical memory where it likes. */
void *phys_to_virt(uint64_t phys);
uint64_t virt_to_phys(const void *virt);
#else
static inline void *phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)(phys + DMAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
    uint64_t v = (uint64_t)(uintptr_t)virt;

    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DMAP_BASE;
}
#endif /* HOST_TEST */
#endif

#endif
