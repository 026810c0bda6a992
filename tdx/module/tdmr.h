/* SPDX-License-Identifier: MIT */
/*
 * TDX Memory Regions (TDMRs) and their PAMTs: the memory layout handed to
 * TDH.SYS.CONFIG. Pure arithmetic (no hardware access), unit-tested on the
 * host. Follows Linux's construct_tdmrs() (fill_out_tdmrs,
 * tdmrs_set_up_pamt_all, tdmrs_populate_rsvd_areas_all); rules and sizes
 * from ../shared/reference/tdx-host-abi.md sections 4.3-4.7 and 8.
 */
#ifndef TDX_MODULE_TDMR_H
#define TDX_MODULE_TDMR_H

#include "lib/compiler.h"

#define TDX_TDMR_MAX 64                /* module 1.5.01 MAX_TDMRS (section 4.4) */
#define TDX_TDMR_RSVD_MAX 32           /* twice 1.5.01's MAX_RESERVED_PER_TDMR of 16 */
#define TDX_TDMR_RAM_MAX 128           /* usable RAM ranges accepted by tdx_tdmr_build() */
#define TDX_TDMR_PA_LIMIT (1ULL << 52) /* architectural MAXPA bound */

/* A physical range [base, end). */
struct tdx_tdmr_range {
    uint64_t base, end;
};

/* A reserved area, as in TDMR_INFO: offset from the TDMR base, size. */
struct tdx_tdmr_rsvd {
    uint64_t offset, size;
};

/*
 * One TDMR. Its PAMT is one contiguous allocation of pamt_size bytes at
 * pamt_base holding the 4K part, then the 2M part, then the 1G part.
 */
struct tdx_tdmr {
    uint64_t base, size;
    uint64_t pamt_base, pamt_size;
    uint64_t pamt_4k_size, pamt_2m_size, pamt_1g_size;
    unsigned nr_rsvd;
    struct tdx_tdmr_rsvd rsvd[TDX_TDMR_RSVD_MAX]; /* sorted, merged, 4K aligned */
};

/*
 * Limits read from global metadata with TDH.SYS.RD (section 4.3). Values
 * above TDX_TDMR_MAX / TDX_TDMR_RSVD_MAX are capped to what struct tdx_tdmr_set holds.
 */
struct tdx_tdmr_limits {
    unsigned max_tdmrs;                                   /* MD_MAX_TDMRS */
    unsigned max_reserved;                                /* MD_MAX_RESERVED_PER_TDMR */
    unsigned pamt_4k_entry, pamt_2m_entry, pamt_1g_entry; /* MD_PAMT_*_ENTRY_SIZE */
};

/* PAMT memory: alloc returns a physical address (0 = failure). */
struct tdx_tdmr_alloc {
    uint64_t (*alloc)(void *ctx, uint64_t bytes, uint64_t align);
    void (*free)(void *ctx, uint64_t pa, uint64_t bytes);
    void *ctx;
};

struct tdx_tdmr_set {
    unsigned n; /* TDMRs in t[], sorted ascending */
    struct tdx_tdmr t[TDX_TDMR_MAX];
    uint64_t pamt_bytes;     /* total of all PAMT allocations */
    struct tdx_tdmr_alloc a; /* kept for tdx_tdmr_free_pamts() */
    unsigned nram;           /* usable RAM: 4K aligned, >= 1 MiB, sorted, merged */
    struct tdx_tdmr_range ram[TDX_TDMR_RAM_MAX];
};

/*
 * Builds TDMRs covering the usable RAM (any order or alignment; the first
 * MiB is dropped since it is never a CMR), allocates their PAMTs and fills
 * the reserved areas. CMRs are [base, base + size) from TDH.SYS.RD, any order.
 * Returns 0, -ENOSPC (too many TDMRs, reserved areas or RAM ranges),
 * -EINVAL (memory outside CMRs, bad limits or PAMT) or -ENOMEM (PAMT
 * allocation); on error no PAMT stays allocated. One line logged per error.
 */
int tdx_tdmr_build(struct tdx_tdmr_set *s, const struct tdx_tdmr_range *ram, unsigned nram,
                   const struct tdx_tdmr_range *cmr, unsigned ncmr,
                   const struct tdx_tdmr_limits *lim, const struct tdx_tdmr_alloc *a);

/*
 * Frees every PAMT (rollback). After TDH.SYS.CONFIG the caller must first
 * flush/clear them (section 4.2 rollback); this only returns the memory.
 */
void tdx_tdmr_free_pamts(struct tdx_tdmr_set *s);

/* Bytes of one TDMR_INFO entry: ALIGN(64 + 16 * max_reserved, 512) (section 4.4). */
size_t tdx_tdmr_info_size(unsigned max_reserved);

/*
 * Serializes t as TDMR_INFO into buf (tdx_tdmr_info_size(max_reserved) bytes,
 * little-endian, unused reserved slots zero). Returns the size written, or
 * -EINVAL if t has more reserved areas than max_reserved.
 */
int tdx_tdmr_write_info(const struct tdx_tdmr *t, unsigned max_reserved, void *buf);

#endif
