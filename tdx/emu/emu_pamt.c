/* SPDX-License-Identifier: MIT */
/*
 * Page ownership, as the module's PAMT: one 16-byte entry per 4K page of
 * every TDMR, stored in the PAMT_4K area the VMM gave to TDH.SYS.CONFIG,
 * recording the page type (NDA, RSVD, REG, TDR, TDCX, TDVPR, EPT) and the
 * owning TDR. Also the physical-address checks and the PHYMEM page leaves.
 */
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

#define PA_LIMIT (1ULL << 52)
#define TDXEMU_PT_ANY 0xFF

uint16_t tdxemu_pa_keyid(uint64_t pa)
{
    return (uint16_t)((pa & (PA_LIMIT - 1)) >> tdxemu.plat.phys_bits);
}

uint64_t tdxemu_pa_strip(uint64_t pa)
{
    return pa & ((1ULL << tdxemu.plat.phys_bits) - 1);
}

/* A shared (KeyID < first TDX KeyID) buffer the module reads or writes. */
uint64_t tdxemu_shared_check(uint64_t pa, uint64_t align, uint64_t operand, void **va)
{
    if (!IS_ALIGNED(pa, align) || pa >= PA_LIMIT ||
        tdxemu_pa_keyid(pa) >= tdxemu.plat.tdx_keyid_start)
        return tdxemu_err(TDX_OPERAND_INVALID, operand);
    *va = tdxemu_map(tdxemu_pa_strip(pa));
    return *va ? TDX_SUCCESS : tdxemu_err(TDX_OPERAND_INVALID, operand);
}

static const struct tdxemu_tdmr *tdmr_of(uint64_t pa)
{
    for (unsigned i = 0; i < tdxemu.ntdmr; i++) {
        const struct tdxemu_tdmr *t = &tdxemu.tdmr[i];

        if (pa >= t->base && pa < t->base + t->size)
            return t;
    }
    return NULL;
}

static struct tdxemu_pamt *pamt_entry(const struct tdxemu_tdmr *t, uint64_t pa)
{
    struct tdxemu_pamt *p = tdxemu_map(t->pamt_base[PAMT_4K]);

    return p + ((pa - t->base) >> PAGE_SHIFT);
}

/*
 * PAMT entry of pa, or NULL outside TDMRs or in a 1 GiB block TDMR.INIT
 * has not finished: pages become usable a whole 1 GiB block at a time
 * (pamt_manager.c pamt_get_block: pa >= last_initialized & ~(1G - 1) fails).
 */
struct tdxemu_pamt *tdxemu_pamt_get(uint64_t pa)
{
    const struct tdxemu_tdmr *t = tdmr_of(pa);

    if (!t || pa >= ALIGN_DOWN(t->next_init, TDMR_ALIGN))
        return NULL;
    return pamt_entry(t, pa);
}

/* A private 4K page operand of the expected type (module: check_and_lock_explicit_4k_private_hpa). */
uint64_t tdxemu_page_check(uint64_t pa, unsigned type, uint64_t operand, struct tdxemu_pamt **e)
{
    uint64_t st;

    if (!IS_ALIGNED(pa, PAGE_SIZE) || (pa >> tdxemu.plat.phys_bits))
        return tdxemu_err(TDX_OPERAND_INVALID, operand);
    *e = tdxemu_pamt_get(pa);
    if (!*e)
        return tdxemu_err(TDX_OPERAND_ADDR_RANGE_ERROR, operand);
    st = tdxemu_stress_busy(operand); /* the PAMT entry lock (pamt_walk) comes before the type */
    if (st != TDX_SUCCESS)
        return st;
    if (type != TDXEMU_PT_ANY && (*e)->type != type)
        return tdxemu_err(TDX_PAGE_METADATA_INCORRECT, operand);
    return TDX_SUCCESS;
}

void *tdxemu_page(uint64_t pa)
{
    return tdxemu_map(pa);
}

/* Hands a free page to the module as type, owned by owner, cleared. */
void tdxemu_page_take(struct tdxemu_pamt *e, uint64_t pa, unsigned type, uint64_t owner)
{
    memset(tdxemu_page(pa), 0, PAGE_SIZE);
    e->type = (uint8_t)type;
    e->owner = owner;
}

static void pamt_fill(const struct tdxemu_tdmr *t, uint64_t start, uint64_t end, unsigned type)
{
    struct tdxemu_pamt *p = pamt_entry(t, start);
    uint64_t n = (end - start) >> PAGE_SHIFT;

    memset(p, 0, n * sizeof(*p));
    for (uint64_t i = 0; type && i < n; i++)
        p[i].type = (uint8_t)type;
}

/* Initializes the PAMT of [start, start + len): NDA, RSVD in reserved areas. */
void tdxemu_pamt_init_range(const struct tdxemu_tdmr *t, uint64_t start, uint64_t len)
{
    uint64_t end = start + len;

    pamt_fill(t, start, end, TDX_PT_NDA);
    for (unsigned i = 0; i < t->nrsvd; i++) {
        uint64_t rs = MAX(t->base + t->rsvd[i].offset, start);
        uint64_t re = MIN(t->base + t->rsvd[i].offset + t->rsvd[i].size, end);

        if (rs < re)
            pamt_fill(t, rs, re, TDX_PT_RSVD);
    }
}

static uint64_t reclaim_tdr(uint64_t pa)
{
    const struct tdxemu_tdr *tdr = tdxemu_page(pa);

    if (tdr->lifecycle != TD_TEARDOWN)
        return TDX_LIFECYCLE_STATE_INCORRECT;
    if (tdr->chldcnt)
        return TDX_TD_ASSOCIATED_PAGES_EXIST;
    return TDX_SUCCESS;
}

static uint64_t reclaim_child(const struct tdxemu_pamt *e)
{
    struct tdxemu_tdr *tdr = tdxemu_tdr_of(e);
    uint64_t st = tdxemu_stress_busy(TDX_OPERAND_ID_TDR); /* owner TDR, implicit shared lock */

    if (st != TDX_SUCCESS)
        return st;
    if (tdr->lifecycle != TD_TEARDOWN)
        return TDX_LIFECYCLE_STATE_INCORRECT;
    tdr->chldcnt--;
    return TDX_SUCCESS;
}

/* TDH.PHYMEM.PAGE.RECLAIM: RCX = page; out RCX type, RDX owner, R8 size. */
uint64_t tdxemu_phymem_page_reclaim(struct tdx_args *a, unsigned ver)
{
    uint64_t pa = a->rcx, st;
    struct tdxemu_pamt *e;

    a->rcx = a->rdx = a->r8 = 0;
    st = tdxemu_page_check(pa, TDXEMU_PT_ANY, TDX_OPERAND_ID_RCX, &e);
    if (st != TDX_SUCCESS)
        return st;
    if (e->type == TDX_PT_NDA || e->type == TDX_PT_RSVD)
        return tdxemu_err(TDX_PAGE_METADATA_INCORRECT, TDX_OPERAND_ID_RCX);
    a->rcx = e->type;
    a->rdx = e->owner;
    st = e->type == TDX_PT_TDR ? reclaim_tdr(pa) : reclaim_child(e);
    if (st != TDX_SUCCESS)
        return st;
    if (e->type == TDX_PT_REG && tdxemu.plat.page_private)
        tdxemu.plat.page_private(tdxemu.plat.ctx, pa, false);
    e->type = TDX_PT_NDA;
    e->owner = 0;
    return st;
}

/* TDH.PHYMEM.PAGE.WBINVD: RCX = PA | KeyID; the page must be free (NDA). */
uint64_t tdxemu_phymem_page_wbinvd(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_pamt *e;

    if (a->rcx >= PA_LIMIT)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    return tdxemu_page_check(tdxemu_pa_strip(a->rcx), TDX_PT_NDA, TDX_OPERAND_ID_RCX, &e);
}

/* TDH.PHYMEM.PAGE.RDMD: RCX = page; out RCX type, RDX owner, R8 size (4K). */
uint64_t tdxemu_phymem_page_rdmd(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_pamt *e;
    uint64_t st = tdxemu_page_check(a->rcx, TDXEMU_PT_ANY, TDX_OPERAND_ID_RCX, &e);

    a->rcx = a->rdx = a->r8 = 0;
    if (st != TDX_SUCCESS)
        return st;
    a->rcx = e->type;
    a->rdx = e->owner;
    return TDX_SUCCESS;
}
