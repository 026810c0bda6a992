/* SPDX-License-Identifier: MIT */
/*
 * tdx=emulate: memory as the module sees it. On hardware a TD's private
 * pages are encrypted with its key and the VMM cannot use them; here the
 * emulated module drops each page from the hypervisor's direct map when
 * TDH.MEM.PAGE.ADD makes it private and gives it back at RECLAIM, and
 * reaches memory itself through an alias map of the CMRs (its own address
 * space, as the module has in SEAM). The direct map of the CMRs is split to
 * 4 KiB pages once at boot so pages can be dropped one by one; other CPUs'
 * TLBs are flushed before the next SEAMCALL outside the TD build leaves
 * (MR.FINALIZE at the latest), not after every page.
 */
#include "tdx/emu/vmx/tdx_emu_vmx.h"
#include "tdx/emu/vmx/tdx_emu_glue.h"
#include "tdx/module/tdx_abi.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/paging.h"
#include "kernel/smp.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/regs.h"

#define CALL_TIMEOUT_US 2000000

static const struct tdxemu_platform *mplat;
static volatile bool flush_pending;
static uint64_t private_pages; /* TD private pages out of the direct map now */

static bool in_cmr(uint64_t pa)
{
    for (unsigned i = 0; i < mplat->nr_cmrs; i++)
        if (pa >= mplat->cmrs[i].base && pa - mplat->cmrs[i].base < mplat->cmrs[i].size)
            return true;
    return false;
}

void *tdxemu_va(uint64_t pa)
{
    if (mplat && in_cmr(pa))
        return (void *)(uintptr_t)(TDX_EMU_ALIAS_BASE + pa);
    return pa < (1ULL << 46) ? phys_to_virt(pa) : NULL;
}

static void *alias_p2v(void *ctx, uint64_t pa)
{
    return tdxemu_va(pa);
}

static void page_private(void *ctx, uint64_t pa, bool private)
{
    if (paging_dmap_set_present(pa, !private)) {
        pr_warn("tdx-emu: page %#lx stays in the direct map", pa);
        return;
    }
    __atomic_add_fetch(&private_pages, private ? 1 : -1, __ATOMIC_RELAXED);
    if (private)
        flush_pending = true;
}

static void flush_tlb_here(void *arg)
{
    write_cr3(read_cr3()); /* direct-map entries are not global */
}

static bool build_leaf(uint64_t fn)
{
    uint64_t leaf = fn & 0xFFFF;

    return leaf == TDH_MEM_PAGE_ADD || leaf == TDH_MR_EXTEND || leaf == TDH_MEM_SEPT_ADD;
}

/* The SEAMCALL primitive for tdx=emulate: the module, then pending TLB flushes. */
static uint64_t emu_seamcall(uint64_t fn, struct tdx_args *a)
{
    uint64_t st = tdxemu_seamcall(fn, a);

    /* A cross-CPU call needs interrupts on here: two callers with them off deadlock. */
    if (flush_pending && !build_leaf(fn) && (read_rflags() & RFLAGS_IF)) {
        flush_pending = false;
        smp_call_all(flush_tlb_here, NULL, CALL_TIMEOUT_US);
        pr_info("tdx-emu: %lu TD private pages unreachable from the hypervisor",
                tdxemu_private_pages());
    }
    return st;
}

uint64_t tdxemu_private_pages(void)
{
    return __atomic_load_n(&private_pages, __ATOMIC_RELAXED);
}

int tdxemu_mem_attach(struct tdxemu_platform *p)
{
    for (unsigned i = 0; i < p->nr_cmrs; i++) {
        const struct tdxemu_cmr *c = &p->cmrs[i];
        if (!paging_alias_map(TDX_EMU_ALIAS_BASE, c->base, c->size) ||
            paging_dmap_split(c->base, c->size))
            return -ENOMEM;
    }
    mplat = p;
    p->phys_to_virt = alias_p2v;
    p->page_private = page_private;
    tdx_seamcall = emu_seamcall;
    return 0;
}
