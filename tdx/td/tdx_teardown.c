/* SPDX-License-Identifier: MIT */
/*
 * TD teardown, a one-way pipeline in the module's order (tdx-host-abi.md
 * 5.10 and fact 10): VP.FLUSH on each vCPU's CPU, VPFLUSHDONE, CACHE.WB on
 * every package, KEY.FREEID, RECLAIM every page with the TDR last, WBINVD
 * of the TDR under the global KeyID. If a step fails the TD's pages and its
 * HKID are leaked, never reused, and the log says so.
 */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_page.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/td/tdx_td.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"

#define CACHE_WB_RESUME 1
#define CACHE_WB_TRIES 1000

struct flush_req {
    uint64_t tdvpr;
    uint64_t status;
};

static void flush_here(void *arg)
{
    struct flush_req *r = arg;
    struct tdx_args a = {0};

    a.rcx = r->tdvpr;
    r->status = tdx_call(TDH_VP_FLUSH, &a);
}

void td_vcpu_teardown_prepare(struct td *td, struct td_vcpu *tv)
{
    struct flush_req r = {tv->tdvpr, TDX_SUCCESS};

    if (!tv->inited)
        return;
    if (tdx_run_on_cpu(tv->assoc_cpu, flush_here, &r) ||
        (r.status != TDX_SUCCESS && r.status != TDX_VCPU_NOT_ASSOCIATED)) {
        pr_warn("tdx: TDH.VP.FLUSH failed: %s (0x%016lx); leaking the TD's pages and KeyID %u",
                tdx_status_name(r.status), r.status, td->hkid);
        td->leaked = true;
    }
    tv->inited = false;
}

static bool step_ok(struct td *td, const char *what, uint64_t s)
{
    if (s == TDX_SUCCESS)
        return true;
    pr_warn("tdx: %s failed: %s (0x%016lx); leaking the TD's pages and KeyID %u", what,
            tdx_status_name(s), s, td->hkid);
    td->leaked = true;
    return false;
}

static void cache_wb_here(void *arg)
{
    struct tdx_args a = {0};
    uint64_t s = tdx_call(TDH_PHYMEM_CACHE_WB, &a);

    for (int i = 0; s == TDX_INTERRUPTED_RESUMABLE && i < CACHE_WB_TRIES; i++) {
        struct tdx_args r = {0};
        r.rcx = CACHE_WB_RESUME;
        s = tdx_call(TDH_PHYMEM_CACHE_WB, &r);
    }
    *(uint64_t *)arg = s == TDX_NO_HKID_READY_TO_WBCACHE ? TDX_SUCCESS : s;
}

/* CACHE.WB on one CPU of every package; false (and the TD leaks) when one fails. */
static bool cache_wb_packages(struct td *td)
{
    uint64_t s = TDX_SUCCESS;
    unsigned cpu;
    int err = tdx_each_package(cache_wb_here, &s, &cpu);

    if (err == -ETIMEDOUT) {
        pr_warn("tdx: TDH.PHYMEM.CACHE.WB for CPU %u: a CPU did not answer the cross-CPU call; "
                "leaking the TD's pages and KeyID %u",
                cpu, td->hkid);
        td->leaked = true;
        return false;
    }
    return step_ok(td, "TDH.PHYMEM.CACHE.WB", s);
}

static uint64_t call1(uint64_t fn, uint64_t rcx)
{
    struct tdx_args a = {0};

    a.rcx = rcx;
    return tdx_call(fn, &a);
}

/* Reclaims and frees one page; on failure it stays allocated (leaked) for good. */
static void reclaim(struct td *td, uint64_t *pa)
{
    if (!*pa)
        return;
    if (step_ok(td, "TDH.PHYMEM.PAGE.RECLAIM", call1(TDH_PHYMEM_PAGE_RECLAIM, *pa)))
        tdx_page_free(*pa);
    *pa = 0;
}

static void reclaim_vcpu(struct td *td, struct td_vcpu *tv)
{
    for (unsigned i = 0; i < tv->ntdcx && !td->leaked; i++)
        reclaim(td, &tv->tdcx[i]);
    if (!td->leaked)
        reclaim(td, &tv->tdvpr);
}

static void reclaim_all_but_tdr(struct td *td)
{
    for (uint64_t i = 0; td->private && i < td->npages && !td->leaked; i++)
        reclaim(td, &td->private[i]);
    if (!td->leaked)
        reclaim(td, &td->reset_page);
    for (unsigned i = td->nsept; i-- > 0 && !td->leaked;)
        reclaim(td, &td->sept[i]); /* leaves before their parents */
    for (unsigned i = 0; i < td->nvcpus && !td->leaked; i++)
        reclaim_vcpu(td, td->vcpus[i]);
    for (unsigned i = 0; i < td->ntdcs && !td->leaked; i++)
        reclaim(td, &td->tdcs[i]);
}

/* The TDR goes last, and is flushed under the global KeyID before reuse. */
static void reclaim_tdr(struct td *td)
{
    if (!step_ok(td, "TDH.PHYMEM.PAGE.RECLAIM (TDR)", call1(TDH_PHYMEM_PAGE_RECLAIM, td->tdr)) ||
        !step_ok(td, "TDH.PHYMEM.PAGE.WBINVD (TDR)",
                 call1(TDH_PHYMEM_PAGE_WBINVD, td->tdr | tdx_global_keyid_bits())))
        return;
    tdx_page_free(td->tdr);
    td->tdr = 0;
}

static void free_private_list(struct td *td)
{
    if (td->private && !td->leaked)
        page_free(virt_to_phys(td->private), td->private_list_pages);
    td->private = NULL;
}

static bool blocked_and_keys_freed(struct td *td)
{
    return step_ok(td, "TDH.MNG.VPFLUSHDONE", call1(TDH_MNG_VPFLUSHDONE, td->tdr)) &&
           cache_wb_packages(td) &&
           step_ok(td, "TDH.MNG.KEY.FREEID", call1(TDH_MNG_KEY_FREEID, td->tdr));
}

void td_teardown(struct td *td)
{
    if (td->tdr && !td->leaked && blocked_and_keys_freed(td)) {
        reclaim_all_but_tdr(td);
        if (!td->leaked)
            reclaim_tdr(td);
    }
    free_private_list(td);
    if (td->leaked)
        return; /* the HKID stays taken: its key may still tag dirty cache lines */
    tdx_hkid_free(td->hkid);
    td->hkid = 0;
}
