/* SPDX-License-Identifier: MIT */
/* The TD reset page (tdx/td/td_reset.S) filled in for one image's start state. */
#include "tdx/td/tdx_td.h"
#include "vmm/vm_ops.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"
#include "lib/string.h"

extern const uint8_t td_reset_page[], td_reset_cr3[], td_reset_rip[], td_reset_rsp[];

static void put64(uint8_t *page, const uint8_t *field, uint64_t v)
{
    memcpy(page + (field - td_reset_page), &v, sizeof(v));
}

uint64_t td_reset_page_build(const struct vcpu_start *start)
{
    uint64_t pa = page_alloc(1);
    uint8_t *p = pa ? phys_to_virt(pa) : NULL;

    if (!p)
        return 0;
    memcpy(p, td_reset_page, PAGE_SIZE);
    put64(p, td_reset_cr3, start->cr3);
    put64(p, td_reset_rip, start->rip);
    put64(p, td_reset_rsp, start->rsp);
    return pa;
}
