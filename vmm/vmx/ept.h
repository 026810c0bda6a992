/* SPDX-License-Identifier: MIT */
/*
 * EPT page tables (SDM Vol. 3C 29.3): 4-level, write-back, 1 GiB and 2 MiB
 * leaves where the mapping's alignment and size allow. Pure code: table
 * pages come from the caller's allocator, so host tests run it unchanged.
 */
#ifndef VMM_VMX_EPT_H
#define VMM_VMX_EPT_H

#include "lib/compiler.h"

#define EPT_R (1ULL << 0)
#define EPT_W (1ULL << 1)
#define EPT_X (1ULL << 2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)

struct ept_mm {
    uint64_t (*alloc_page)(void *ctx); /* zeroed 4 KiB page, host-physical; 0 = none */
    void (*free_page)(void *ctx, uint64_t hpa);
    void *(*virt)(void *ctx, uint64_t hpa); /* where the hypervisor reads/writes it */
    void *ctx;
};

struct ept {
    uint64_t pml4;
    struct ept_mm mm;
    bool use_2m, use_1g;
    unsigned tables; /* table pages in use, the PML4 included */
};

int ept_init(struct ept *e, const struct ept_mm *mm, bool use_2m, bool use_1g);
/* Maps [gpa, gpa+size) to [hpa, ...) with prot (EPT_R/W/X); all 4 KiB aligned. */
int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t prot);
/* Removes mappings (splitting large pages as needed). */
int ept_unmap(struct ept *e, uint64_t gpa, uint64_t size);
/* Translates gpa; returns 0 and sets *hpa and *prot, or -ENOENT. */
int ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa, uint64_t *prot,
                  unsigned *level);
/* Frees every table page. */
void ept_destroy(struct ept *e);
/* EPTP value (SDM 25.6.11): WB, 4-level walk, PML4 address. */
uint64_t ept_pointer(const struct ept *e);

#endif
