/* SPDX-License-Identifier: MIT */
/*
 * Cache and memory hygiene for pages that pass between hv and the TDX
 * module (tdx-host-abi.md 5.2 step 5, 5.10, fact 3). Before a page is
 * handed to the module its dirty lines under KeyID 0 are written back
 * (CLFLUSH), so they cannot later be evicted over the module's data under
 * the TD's KeyID. Before a page the module gave back is reused it is cleared
 * with MOVDIR64B: on Sapphire and Emerald Rapids a partial write to a line
 * last written under another KeyID poisons it (Linux X86_BUG_TDX_PW_MCE,
 * tdx_clear_page / tdx_quirk_reset_page); a 64-byte direct store replaces
 * the whole line and its poison.
 */
#ifndef TDX_MODULE_TDX_PAGE_H
#define TDX_MODULE_TDX_PAGE_H

#include "lib/compiler.h"

/* CLFLUSH every line of npages pages from pa (hv's direct map). */
void tdx_page_flush(uint64_t pa, uint64_t npages);
/* Clear npages pages from pa with whole-line stores (MOVDIR64B where the CPU has it). */
void tdx_page_clear(uint64_t pa, uint64_t npages);
/* page_alloc(1), flushed for the module: 0 when out of memory. */
uint64_t tdx_page_alloc(void);
/* A page the module gave back: cleared, then freed. */
void tdx_page_free(uint64_t pa);

#endif
