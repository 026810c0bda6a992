/* SPDX-License-Identifier: MIT */
/* Pages for the TDX module: flushed on the way in, cleared on the way out (tdx_page.h). */
#include "tdx/module/tdx_page.h"
#include "kernel/page_alloc.h"

uint64_t tdx_page_alloc(void)
{
    uint64_t pa = page_alloc(1);

    if (pa)
        tdx_page_flush(pa, 1);
    return pa;
}

void tdx_page_free(uint64_t pa)
{
    tdx_page_clear(pa, 1);
    page_free(pa, 1);
}
