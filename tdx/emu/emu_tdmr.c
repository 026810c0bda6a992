/* SPDX-License-Identifier: MIT */
/*
 * TDMR_INFO validation for TDH.SYS.CONFIG and PAMT initialization for
 * TDH.SYS.TDMR.INIT. The checks and their statuses (with the TDMR index,
 * PAMT level and other index in the low status bytes) follow the module's
 * tdh_sys_config.c, in its order.
 */
#include "tdx/emu/emu_internal.h"

#define PA_LIMIT (1ULL << 52)

static uint64_t err_info(uint64_t status, unsigned i0, unsigned i1, unsigned i2)
{
    return status | (i0 & 0xFF) | (i1 & 0xFF) << 8 | (i2 & 0xFF) << 16;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static bool pa_ok(uint64_t pa)
{
    return pa < PA_LIMIT && !(pa >> tdxemu.plat.phys_bits);
}

/* [s, e) inside one CMR, adjacent CMRs counting as one. */
static bool in_cmr(uint64_t s, uint64_t e)
{
    uint64_t rs = 0, re = 0;

    for (unsigned i = 0; i < tdxemu.plat.nr_cmrs; i++) {
        const struct tdxemu_cmr *c = &tdxemu.plat.cmrs[i];

        if (!c->size)
            continue;
        if (c->base != re)
            rs = c->base;
        re = c->base + c->size;
        if (s >= rs && e <= re)
            return true;
    }
    return false;
}

typedef bool (*range_pred)(uint64_t s, uint64_t e, const void *arg);

/* Does fn hold for any non-reserved range of t? */
static bool any_avail(const struct tdxemu_tdmr *t, range_pred fn, const void *arg)
{
    uint64_t cur = t->base, end = t->base + t->size;

    for (unsigned k = 0; k < t->nrsvd; k++) {
        uint64_t rs = t->base + t->rsvd[k].offset;

        if (rs > cur && fn(cur, rs, arg))
            return true;
        cur = rs + t->rsvd[k].size;
    }
    return cur < end && fn(cur, end, arg);
}

static bool outside_cmr(uint64_t s, uint64_t e, const void *arg)
{
    return !in_cmr(s, e);
}

static bool hits_range(uint64_t s, uint64_t e, const void *arg)
{
    const uint64_t *r = arg; /* base, size */

    return overlap(s, e - s, r[0], r[1]);
}

static bool pamt_hits_avail(const struct tdxemu_tdmr *t, const struct tdxemu_tdmr *owner,
                            unsigned l)
{
    uint64_t r[2] = {owner->pamt_base[l], owner->pamt_size[l]};

    return any_avail(t, hits_range, r);
}

static uint64_t check_order(unsigned i)
{
    const struct tdxemu_tdmr *t = &tdxemu.tdmr[i], *p = i ? &tdxemu.tdmr[i - 1] : NULL;

    if (t->base + t->size < t->base)
        return err_info(TDX_INVALID_TDMR, i, 0, 0);
    if (p && (t->base < p->base || t->base < p->base + p->size))
        return err_info(TDX_NON_ORDERED_TDMR, i, 0, 0);
    return TDX_SUCCESS;
}

static uint64_t check_geometry(unsigned i)
{
    const struct tdxemu_tdmr *t = &tdxemu.tdmr[i];

    if (!t->size || !IS_ALIGNED(t->base, TDMR_ALIGN) || !IS_ALIGNED(t->size, TDMR_ALIGN) ||
        !pa_ok(t->base) || !pa_ok(t->base + t->size - 1))
        return err_info(TDX_INVALID_TDMR, i, 0, 0);
    return TDX_SUCCESS;
}

static uint64_t check_one_rsvd(const struct tdxemu_tdmr *t, unsigned i, unsigned j)
{
    const struct tdxemu_rsvd *r = &t->rsvd[j], *p = j ? &t->rsvd[j - 1] : NULL;

    if (r->offset + r->size < r->offset)
        return err_info(TDX_INVALID_RESERVED_IN_TDMR, i, j, 0);
    if (p && (r->offset < p->offset || r->offset < p->offset + p->size))
        return err_info(TDX_NON_ORDERED_RESERVED_IN_TDMR, i, j, 0);
    if (!IS_ALIGNED(r->offset, PAGE_SIZE) || !IS_ALIGNED(r->size, PAGE_SIZE) ||
        r->offset + r->size > t->size)
        return err_info(TDX_INVALID_RESERVED_IN_TDMR, i, j, 0);
    return TDX_SUCCESS;
}

/* Sorted, aligned, inside the TDMR; a zero size ends the list. */
static uint64_t check_rsvd(unsigned i)
{
    struct tdxemu_tdmr *t = &tdxemu.tdmr[i];
    uint64_t st;

    t->nrsvd = 0;
    for (unsigned j = 0; j < TDXEMU_MAX_RSVD; j++) {
        if (!t->rsvd[j].size) {
            if (j + 1 < TDXEMU_MAX_RSVD && t->rsvd[j + 1].size)
                return err_info(TDX_NON_ORDERED_RESERVED_IN_TDMR, i, j, 0);
            continue;
        }
        st = check_one_rsvd(t, i, j);
        if (st != TDX_SUCCESS)
            return st;
        t->nrsvd = j + 1;
    }
    return TDX_SUCCESS;
}

static bool pamt_geometry_ok(const struct tdxemu_tdmr *t, unsigned l)
{
    static const uint64_t page[3] = {PAGE_SIZE, MiB(2), GiB(1)};
    uint64_t base = t->pamt_base[l], size = t->pamt_size[l];

    if (base + size < base || !size || !IS_ALIGNED(base, PAGE_SIZE) ||
        !IS_ALIGNED(size, PAGE_SIZE) || !pa_ok(base) || !pa_ok(base + size - 1))
        return false;
    return size >= t->size / page[l] * TDXEMU_PAMT_ENTRY_SIZE;
}

static uint64_t check_pamt_geometry(unsigned i)
{
    static const unsigned order[3] = {PAMT_1G, PAMT_2M, PAMT_4K};

    for (unsigned k = 0; k < 3; k++)
        if (!pamt_geometry_ok(&tdxemu.tdmr[i], order[k]))
            return err_info(TDX_INVALID_PAMT, i, order[k], 0);
    return TDX_SUCCESS;
}

static int pamt_hits_pamts(const struct tdxemu_tdmr *t, uint64_t base, uint64_t size)
{
    for (unsigned l = 0; l < 3; l++)
        if (overlap(base, size, t->pamt_base[l], t->pamt_size[l]))
            return 1;
    return 0;
}

/* No PAMT overlaps another PAMT, of this TDMR or an earlier one. */
static uint64_t check_pamt_overlap(unsigned i)
{
    const struct tdxemu_tdmr *t = &tdxemu.tdmr[i];

    for (unsigned j = 0; j < i; j++)
        for (unsigned l = 0; l < 3; l++)
            if (pamt_hits_pamts(&tdxemu.tdmr[j], t->pamt_base[l], t->pamt_size[l]))
                return err_info(TDX_PAMT_OVERLAP, i, l, j);
    if (overlap(t->pamt_base[PAMT_4K], t->pamt_size[PAMT_4K], t->pamt_base[PAMT_2M],
                t->pamt_size[PAMT_2M]) ||
        overlap(t->pamt_base[PAMT_4K], t->pamt_size[PAMT_4K], t->pamt_base[PAMT_1G],
                t->pamt_size[PAMT_1G]))
        return err_info(TDX_PAMT_OVERLAP, i, PAMT_4K, i);
    if (overlap(t->pamt_base[PAMT_2M], t->pamt_size[PAMT_2M], t->pamt_base[PAMT_1G],
                t->pamt_size[PAMT_1G]))
        return err_info(TDX_PAMT_OVERLAP, i, PAMT_2M, i);
    return TDX_SUCCESS;
}

/* PAMTs may only sit in reserved areas of any TDMR they overlap. */
static uint64_t check_pamt_avail(unsigned i)
{
    const struct tdxemu_tdmr *t = &tdxemu.tdmr[i];

    for (unsigned j = 0; j <= i; j++) {
        for (unsigned l = 0; l < 3; l++) {
            if (pamt_hits_avail(&tdxemu.tdmr[j], t, l))
                return err_info(TDX_PAMT_OVERLAP, i, l, j);
            if (j < i && pamt_hits_avail(t, &tdxemu.tdmr[j], l))
                return err_info(TDX_PAMT_OVERLAP, j, l, i);
        }
    }
    return TDX_SUCCESS;
}

static uint64_t check_pamt_cmr(unsigned i)
{
    static const unsigned order[3] = {PAMT_1G, PAMT_2M, PAMT_4K};
    const struct tdxemu_tdmr *t = &tdxemu.tdmr[i];

    for (unsigned k = 0; k < 3; k++) {
        unsigned l = order[k];

        if (!in_cmr(t->pamt_base[l], t->pamt_base[l] + t->pamt_size[l]))
            return err_info(TDX_PAMT_OUTSIDE_CMRS, i, l, 0);
    }
    return TDX_SUCCESS;
}

static uint64_t check_avail_cmr(unsigned i)
{
    if (any_avail(&tdxemu.tdmr[i], outside_cmr, NULL))
        return err_info(TDX_TDMR_OUTSIDE_CMRS, i, 0, 0);
    return TDX_SUCCESS;
}

static uint64_t (*const tdmr_checks[])(unsigned i) = {
    check_order,        check_geometry,   check_rsvd,     check_pamt_geometry,
    check_pamt_overlap, check_pamt_avail, check_pamt_cmr, check_avail_cmr,
};

static void copy_tdmr(struct tdxemu_tdmr *t, const struct tdmr_info *ti)
{
    t->base = ti->base;
    t->size = ti->size;
    t->pamt_base[PAMT_4K] = ti->pamt_4k_base;
    t->pamt_size[PAMT_4K] = ti->pamt_4k_size;
    t->pamt_base[PAMT_2M] = ti->pamt_2m_base;
    t->pamt_size[PAMT_2M] = ti->pamt_2m_size;
    t->pamt_base[PAMT_1G] = ti->pamt_1g_base;
    t->pamt_size[PAMT_1G] = ti->pamt_1g_size;
    t->next_init = ti->base;
    for (unsigned j = 0; j < TDXEMU_MAX_RSVD; j++) {
        t->rsvd[j].offset = ti->rsvd[j].offset;
        t->rsvd[j].size = ti->rsvd[j].size;
    }
}

/* The TDMR_INFO PA array (RCX) and its length (RDX). */
uint64_t tdxemu_tdmr_array(uint64_t pa, uint64_t count, const uint64_t **array)
{
    void *va;
    uint64_t st = tdxemu_shared_check(pa, TDMR_INFO_ALIGN, TDX_OPERAND_ID_RCX, &va);

    if (st != TDX_SUCCESS)
        return st;
    if (count < 1 || count > TDXEMU_MAX_TDMRS)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RDX);
    *array = va;
    return TDX_SUCCESS;
}

static uint64_t config_one(uint64_t info_pa, unsigned i)
{
    void *va;
    uint64_t st = tdxemu_shared_check(info_pa, TDMR_INFO_ALIGN, TDX_OPERAND_ID_RCX, &va);

    if (st != TDX_SUCCESS)
        return st;
    copy_tdmr(&tdxemu.tdmr[i], va);
    tdxemu.ntdmr = i + 1; /* earlier TDMRs are visible to the overlap checks */
    for (unsigned k = 0; k < ARRAY_SIZE(tdmr_checks); k++) {
        st = tdmr_checks[k](i);
        if (st != TDX_SUCCESS)
            return st;
    }
    return TDX_SUCCESS;
}

/* Validates and records every TDMR; on failure the caller drops them. */
uint64_t tdxemu_tdmr_config(const uint64_t *array, uint64_t count)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t st = config_one(array[i], i);

        if (st != TDX_SUCCESS)
            return st;
    }
    return TDX_SUCCESS;
}

static struct tdxemu_tdmr *tdmr_by_base(uint64_t base)
{
    for (unsigned i = 0; i < tdxemu.ntdmr; i++)
        if (tdxemu.tdmr[i].base == base)
            return &tdxemu.tdmr[i];
    return NULL;
}

/*
 * TDH.SYS.TDMR.INIT: RCX = TDMR base (tdh_sys_tdmr_init.c). Initializes
 * the PAMT of the next TDXEMU_TDMR_INIT_CHUNK (1024 4K entries: 4 MiB) of the
 * TDMR; RDX = the next address to initialize rounded down to 1 GiB, so it
 * only moves when a whole 1 GiB block is done (and its pages usable, see
 * tdxemu_pamt_get), and equals the TDMR end after the last call.
 */
uint64_t tdxemu_sys_tdmr_init(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdmr *t;
    uint64_t st;

    a->rdx = 0;
    if (!IS_ALIGNED(a->rcx, TDMR_ALIGN) || !pa_ok(a->rcx) || !(t = tdmr_by_base(a->rcx)))
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    st = tdxemu_stress_busy(TDX_OPERAND_ID_RCX); /* the TDMR's mutex */
    if (st != TDX_SUCCESS)
        return st;
    if (t->next_init >= t->base + t->size)
        return TDX_TDMR_ALREADY_INITIALIZED;
    tdxemu_pamt_init_range(t, t->next_init, TDXEMU_TDMR_INIT_CHUNK);
    t->next_init += TDXEMU_TDMR_INIT_CHUNK;
    a->rdx = ALIGN_DOWN(t->next_init, TDMR_ALIGN);
    return TDX_SUCCESS;
}
