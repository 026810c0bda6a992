/* SPDX-License-Identifier: MIT */
/*
 * The SEAMCALL primitive of the host TDX tests (see tdx_host_stubs.h): the
 * emulated module (tdxemu_seamcall) behind a wrapper that
 *  - checks that every page handed to the module was flushed, and marks it
 *    as the module's until RECLAIM / PAGE.WBINVD give it back;
 *  - records the spinlocks held and the interrupt state at each call, the
 *    cpu_relax count between a busy status and its retry, LP.INIT per LP;
 *  - counts TDH.SYS.TDMR.INIT calls and those after which RDX did not move,
 *    or finishes a TDMR in one call for tests of other things;
 *  - overrides chosen leaves, interrupts CACHE.WB once done, and plays a
 *    script of TD exits for TDH.VP.ENTER.
 */
#include "tests/unit/tdx_host_stubs.h"
#include <string.h>

#define LEAF(fn) ((fn)&0xFFFF)
#define KEYID_MASK ((1ULL << HOST_PHYS_BITS) - 1)
#define EXIT_TRIPLE_FAULT 2

/* The head of a TDMR_INFO (tdx-host-abi.md 4.4). */
struct tdmr_head {
    uint64_t base, size;
    uint64_t pamt_1g_base, pamt_1g_size;
    uint64_t pamt_2m_base, pamt_2m_size;
    uint64_t pamt_4k_base, pamt_4k_size;
};

struct host_seam hs;

void host_override(uint64_t leaf, bool match_rdx, uint64_t rdx, uint64_t status, unsigned times)
{
    for (unsigned i = 0; i < HOST_MAX_OVERRIDES; i++)
        if (!hs.ovr[i].times) {
            hs.ovr[i] = (struct host_override){leaf, rdx, match_rdx, status, times};
            return;
        }
    fail_msg("more than %d overrides", HOST_MAX_OVERRIDES);
}

void host_script_exit(uint64_t status, uint64_t rcx, uint64_t r9)
{
    if (hs.nexits == HOST_MAX_EXITS)
        fail_msg("more than %d scripted TD exits", HOST_MAX_EXITS);
    hs.exits[hs.nexits].status = status;
    hs.exits[hs.nexits].rcx = rcx;
    hs.exits[hs.nexits].r9 = r9;
    hs.nexits++;
}

static bool busy(uint64_t s)
{
    s &= TDX_STATUS_MASK;
    return s == TDX_OPERAND_BUSY || s == TDX_OPERAND_BUSY_HOST_PRIORITY || s == TDX_SYS_BUSY ||
           s == TDX_RND_NO_ENTROPY || s == TDX_KEY_GENERATION_FAILED;
}

static bool overridden(uint64_t leaf, const struct tdx_args *a, uint64_t *s)
{
    for (unsigned i = 0; i < HOST_MAX_OVERRIDES; i++) {
        struct host_override *o = &hs.ovr[i];
        if (!o->times || o->leaf != leaf || (o->match_rdx && o->rdx != a->rdx))
            continue;
        if (o->times != UINT32_MAX)
            o->times--;
        *s = o->status;
        return true;
    }
    return false;
}

/* ------------------------------------------------ records */

static void record_call(uint64_t leaf)
{
    hs.calls++;
    hs.leaf_calls[leaf]++;
    if (hk.nlocks == 1) {
        hs.under_lock[leaf]++;
        hs.lock_seen[leaf] = hk.lock[0];
    }
    hs.irqs_on[leaf] += hk.irqs_on;
    if (leaf == hs.trace_leaf && hs.ntrace < ARRAY_SIZE(hs.relax_at_call))
        hs.relax_at_call[hs.ntrace++] = hk.cpu_relax;
    if (hs.after_busy[host_lp] && hs.last_busy_leaf[host_lp] == leaf) {
        hs.retried++;
        hs.retried_without_backoff += hk.cpu_relax == hs.relax_at_busy[host_lp];
    }
    hs.after_busy[host_lp] = false;
}

static void record_status(uint64_t leaf, uint64_t s)
{
    if (!busy(s))
        return;
    hs.busy++;
    hs.after_busy[host_lp] = true;
    hs.last_busy_leaf[host_lp] = leaf;
    hs.relax_at_busy[host_lp] = hk.cpu_relax;
}

/* The page a leaf hands to the module, or 0. */
static uint64_t handed_page(uint64_t leaf, const struct tdx_args *a)
{
    switch (leaf) {
    case TDH_MNG_CREATE:
    case TDH_MNG_ADDCX:
    case TDH_VP_CREATE:
    case TDH_VP_ADDCX:
        return a->rcx;
    case TDH_MEM_SEPT_ADD:
    case TDH_MEM_PAGE_ADD:
        return a->r8;
    default:
        return 0;
    }
}

static void check_handed(uint64_t leaf, uint64_t pa)
{
    hs.handed[leaf]++;
    hp.handed++;
    hp.not_flushed += !host_page_flushed(pa);
}

/* SYS.CONFIG took the TDMRs: remember them, and their PAMTs are the module's now. */
static void config_done(const struct tdx_args *a)
{
    const uint64_t *pas = (const uint64_t *)(host_mem + a->rcx);

    hs.ntdmrs = (unsigned)MIN(a->rdx, HOST_MAX_TDMRS);
    for (unsigned i = 0; i < hs.ntdmrs; i++) {
        const struct tdmr_head *t = (const struct tdmr_head *)(host_mem + pas[i]);
        hs.tdmr_base[i] = t->base;
        hs.tdmr_end[i] = t->base + t->size;
        hs.tdmr_rdx[i] = t->base;
        hs.tdmr_bytes += t->size;
        host_page_give(t->pamt_4k_base, t->pamt_4k_size / PAGE_SIZE, false);
        host_page_give(t->pamt_2m_base, t->pamt_2m_size / PAGE_SIZE, false);
        host_page_give(t->pamt_1g_base, t->pamt_1g_size / PAGE_SIZE, false);
        hp.pamt_given += (t->pamt_4k_size + t->pamt_2m_size + t->pamt_1g_size) / PAGE_SIZE;
    }
}

static void after(uint64_t leaf, const struct tdx_args *in, uint64_t s)
{
    uint64_t pa = handed_page(leaf, in);

    if (s != TDX_SUCCESS)
        return;
    if (pa)
        host_page_give(pa, 1, true);
    if (leaf == TDH_PHYMEM_PAGE_RECLAIM || leaf == TDH_PHYMEM_PAGE_WBINVD)
        host_page_take_back(in->rcx & KEYID_MASK);
    if (leaf == TDH_SYS_LP_INIT) {
        hs.lp_init_calls[host_lp]++;
        hs.lp_init_mask |= 1U << host_lp;
    }
    if (leaf == TDH_SYS_CONFIG)
        config_done(in);
}

/* ------------------------------------------------ leaves played here */

static int tdmr_index(uint64_t base)
{
    for (unsigned i = 0; i < hs.ntdmrs; i++)
        if (hs.tdmr_base[i] == base)
            return (int)i;
    return -1;
}

/* Calls the emulator until TDMR i is initialized; its last status. */
static uint64_t tdmr_init_whole(unsigned i, struct tdx_args *a)
{
    uint64_t s;

    do {
        *a = (struct tdx_args){.rcx = hs.tdmr_base[i]};
        s = tdxemu_seamcall(TDH_SYS_TDMR_INIT, a);
    } while (busy(s) || (s == TDX_SUCCESS && a->rdx < hs.tdmr_end[i]));
    return s;
}

static uint64_t tdmr_init(struct tdx_args *a)
{
    int i = tdmr_index(a->rcx);
    uint64_t s;

    if (i < 0)
        return tdxemu_seamcall(TDH_SYS_TDMR_INIT, a);
    hs.tdmr_init_calls++;
    if (hs.tdmr == TDMR_ONE_CALL)
        s = tdmr_init_whole((unsigned)i, a);
    else
        s = tdxemu_seamcall(TDH_SYS_TDMR_INIT, a);
    if (s == TDX_SUCCESS) {
        hs.tdmr_init_stalls += a->rdx <= hs.tdmr_rdx[i];
        hs.tdmr_rdx[i] = a->rdx;
    }
    return s;
}

/* CACHE.WB: an interrupted call did its work; the resume (RCX = 1) gets its status. */
static uint64_t cache_wb(uint64_t fn, struct tdx_args *a)
{
    uint64_t s;

    if (hs.wb_pending[host_lp]) {
        hs.wb_pending[host_lp] = false;
        if (a->rcx == 1) {
            hs.wb_resumed++;
            return hs.wb_saved[host_lp];
        }
        hs.wb_bad_resume++;
    }
    s = tdxemu_seamcall(fn, a);
    if (a->rcx == 0 && s != TDX_INTERRUPTED_RESUMABLE && hs.wb_interrupts) {
        hs.wb_interrupts--;
        hs.wb_pending[host_lp] = true;
        hs.wb_saved[host_lp] = s;
        return TDX_INTERRUPTED_RESUMABLE;
    }
    return s;
}

static uint64_t vp_enter(struct tdx_args *a)
{
    uint64_t s = EXIT_TRIPLE_FAULT;

    memset(a, 0, sizeof(*a));
    if (hs.next_exit < hs.nexits) {
        s = hs.exits[hs.next_exit].status;
        a->rcx = hs.exits[hs.next_exit].rcx;
        a->r9 = hs.exits[hs.next_exit].r9;
        hs.next_exit++;
    }
    return s;
}

static uint64_t dispatch(uint64_t fn, struct tdx_args *a)
{
    uint64_t leaf = LEAF(fn), s;

    if (overridden(leaf, a, &s))
        return s;
    switch (leaf) {
    case TDH_SYS_TDMR_INIT:
        return tdmr_init(a);
    case TDH_PHYMEM_CACHE_WB:
        return cache_wb(fn, a);
    case TDH_VP_ENTER:
        return vp_enter(a);
    default:
        return tdxemu_seamcall(fn, a);
    }
}

uint64_t host_seamcall(uint64_t fn, struct tdx_args *a)
{
    uint64_t leaf = LEAF(fn), pa = handed_page(leaf, a), s;
    struct tdx_args in = *a;

    if (leaf >= HOST_LEAVES)
        fail_msg("SEAMCALL leaf %lu", leaf);
    record_call(leaf);
    if (pa)
        check_handed(leaf, pa);
    if (leaf == TDH_SYS_CONFIG && !hs.config_called) {
        hs.config_called = true;
        hs.lp_init_mask_at_config = hs.lp_init_mask;
    }
    s = dispatch(fn, a);
    record_status(leaf, s);
    after(leaf, &in, s);
    return s;
}
