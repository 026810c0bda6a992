/* SPDX-License-Identifier: MIT */
/*
 * TDMR + PAMT builder: pure code, unit-tested on the host (tests/unit/test_tdmr.c).
 * "Section" refers to ../shared/reference/tdx-host-abi.md.
 */
#include "tdx/module/tdmr.h"
#include "lib/errno.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "tdx/module/tdx_abi.h"

#define ULL(x) ((unsigned long long)(x))

struct cmrs {
    const struct tdx_tdmr_range *r;
    unsigned n;
};

static uint64_t tdmr_end(const struct tdx_tdmr *t)
{
    return t->base + t->size;
}

/* True if every byte of [base, end) lies in some CMR; CMRs may come in any order. */
static bool cmr_covers(const struct cmrs *c, uint64_t base, uint64_t end)
{
    while (base < end) {
        unsigned i;

        for (i = 0; i < c->n; i++)
            if (c->r[i].base <= base && base < c->r[i].end)
                break;
        if (i == c->n)
            return false;
        base = c->r[i].end;
    }
    return true;
}

static void sort_ranges(struct tdx_tdmr_range *r, unsigned n)
{
    for (unsigned i = 1; i < n; i++) /* insertion sort: lists are short */
        for (unsigned j = i; j > 0 && r[j].base < r[j - 1].base; j--) {
            struct tdx_tdmr_range tmp = r[j];
            r[j] = r[j - 1];
            r[j - 1] = tmp;
        }
}

/* Merges overlapping and touching ranges of a sorted list; returns the new count. */
static unsigned merge_ranges(struct tdx_tdmr_range *r, unsigned n)
{
    unsigned out = 0;

    for (unsigned i = 0; i < n; i++) {
        if (out && r[out - 1].end >= r[i].base)
            r[out - 1].end = MAX(r[out - 1].end, r[i].end);
        else
            r[out++] = r[i];
    }
    return out;
}

/*
 * Copies the usable RAM shrunk to whole pages and clipped to >= 1 MiB:
 * the first MiB is never a CMR, so Linux leaves it out of the TDX memory
 * list (section 4.2 step 6) and it ends up reserved.
 */
static int load_ram(struct tdx_tdmr_set *s, const struct tdx_tdmr_range *ram, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t base, end;

        if (ram[i].base >= ram[i].end)
            continue;
        if (ram[i].end > TDX_TDMR_PA_LIMIT) {
            pr_err("tdx: RAM at %#llx is above MAXPA", ULL(ram[i].base));
            return -EINVAL;
        }
        base = MAX(ALIGN_UP(ram[i].base, PAGE_SIZE), MiB(1));
        end = ALIGN_DOWN(ram[i].end, PAGE_SIZE);
        if (base >= end)
            continue;
        if (s->nram == TDX_TDMR_RAM_MAX) {
            pr_err("tdx: more than %u RAM ranges for TDMRs", TDX_TDMR_RAM_MAX);
            return -ENOSPC;
        }
        s->ram[s->nram++] = (struct tdx_tdmr_range){base, end};
    }
    sort_ranges(s->ram, s->nram);
    s->nram = merge_ranges(s->ram, s->nram);
    return 0;
}

/* TDMR count must be >= 1 and PAMT entry sizes are 16-bit metadata fields (section 4.3). */
static int check_limits(const struct tdx_tdmr_limits *lim, const struct tdx_tdmr_alloc *a)
{
    bool ok = lim->max_tdmrs && lim->pamt_4k_entry && lim->pamt_2m_entry && lim->pamt_1g_entry &&
              lim->pamt_4k_entry <= 0xffff && lim->pamt_2m_entry <= 0xffff &&
              lim->pamt_1g_entry <= 0xffff && a->alloc && a->free;

    if (!ok)
        pr_err("tdx: bad TDMR limits or allocator");
    return ok ? 0 : -EINVAL;
}

static void add_tdmr(struct tdx_tdmr_set *s, uint64_t base, uint64_t end)
{
    struct tdx_tdmr *t = &s->t[s->n++];

    memset(t, 0, sizeof(*t));
    t->base = base;
    t->size = end - base;
}

/*
 * One TDMR per RAM range rounded out to 1 GiB; a range that starts inside
 * the previous TDMR only adds what sticks out past its end, so TDMRs stay
 * sorted and disjoint (Linux fill_out_tdmrs, section 4.4).
 */
static int fill_tdmrs(struct tdx_tdmr_set *s, unsigned max)
{
    for (unsigned i = 0; i < s->nram; i++) {
        uint64_t base = ALIGN_DOWN(s->ram[i].base, TDMR_ALIGN);
        uint64_t end = ALIGN_UP(s->ram[i].end, TDMR_ALIGN);

        if (s->n && end <= tdmr_end(&s->t[s->n - 1]))
            continue;
        if (s->n)
            base = MAX(base, tdmr_end(&s->t[s->n - 1]));
        if (s->n == max) {
            pr_err("tdx: RAM needs more than %u TDMRs", max);
            return -ENOSPC;
        }
        add_tdmr(s, base, end);
    }
    /* Linux warns below 4 spare TDMRs: the layout would need to get smarter. */
    if (max - s->n < 4)
        pr_warn("tdx: %u of %u TDMRs used", s->n, max);
    return 0;
}

/* PAGE_ALIGN((tdmr_size >> shift) * entry_size): Linux tdmr_get_pamt_sz (section 4.5). */
static uint64_t pamt_part(uint64_t tdmr_size, unsigned shift, unsigned entry_size)
{
    return ALIGN_UP((tdmr_size >> shift) * entry_size, PAGE_SIZE);
}

/* One contiguous allocation per TDMR holding the 4K, 2M and 1G parts (Linux tdmr_set_up_pamt). */
static int alloc_pamt(struct tdx_tdmr_set *s, struct tdx_tdmr *t, const struct tdx_tdmr_limits *lim)
{
    uint64_t size, pa;

    t->pamt_4k_size = pamt_part(t->size, 12, lim->pamt_4k_entry);
    t->pamt_2m_size = pamt_part(t->size, 21, lim->pamt_2m_entry);
    t->pamt_1g_size = pamt_part(t->size, 30, lim->pamt_1g_entry);
    size = t->pamt_4k_size + t->pamt_2m_size + t->pamt_1g_size;
    pa = s->a.alloc(s->a.ctx, size, PAGE_SIZE);
    if (!pa) {
        pr_err("tdx: cannot allocate %llu KiB PAMT for TDMR %#llx", ULL(size >> 10), ULL(t->base));
        return -ENOMEM;
    }
    t->pamt_base = pa;
    t->pamt_size = size; /* recorded at once so that rollback frees it */
    s->pamt_bytes += size;
    return 0;
}

/*
 * The module wants each PAMT 4K aligned, inside CMRs and disjoint from
 * the other PAMTs (TDX_INVALID_PAMT, _OUTSIDE_CMRS, _OVERLAP; section 4.4).
 * The allocator should guarantee all three: this catches one that does not.
 */
static int check_pamt(const struct tdx_tdmr_set *s, unsigned i, const struct cmrs *c)
{
    uint64_t base = s->t[i].pamt_base, end = base + s->t[i].pamt_size;

    if (!IS_ALIGNED(base, PAGE_SIZE) || base > TDX_TDMR_PA_LIMIT - s->t[i].pamt_size) {
        pr_err("tdx: PAMT at %#llx is misaligned or above MAXPA", ULL(base));
        return -EINVAL;
    }
    if (!cmr_covers(c, base, end)) {
        pr_err("tdx: PAMT [%#llx, %#llx) is in memory outside CMRs", ULL(base), ULL(end));
        return -EINVAL;
    }
    for (unsigned j = 0; j < i; j++)
        if (base < s->t[j].pamt_base + s->t[j].pamt_size && s->t[j].pamt_base < end) {
            pr_err("tdx: PAMTs at %#llx and %#llx overlap", ULL(base), ULL(s->t[j].pamt_base));
            return -EINVAL;
        }
    return 0;
}

static int set_up_pamts(struct tdx_tdmr_set *s, const struct tdx_tdmr_limits *lim,
                        const struct cmrs *c)
{
    for (unsigned i = 0; i < s->n; i++) {
        int err = alloc_pamt(s, &s->t[i], lim);

        if (!err)
            err = check_pamt(s, i, c);
        if (err)
            return err;
    }
    return 0;
}

/* End of the PAMT containing pa, or 0 if none does (a PAMT never ends at 0). */
static uint64_t pamt_end_at(const struct tdx_tdmr_set *s, uint64_t pa)
{
    for (unsigned i = 0; i < s->n; i++)
        if (s->t[i].pamt_base <= pa && pa < s->t[i].pamt_base + s->t[i].pamt_size)
            return s->t[i].pamt_base + s->t[i].pamt_size;
    return 0;
}

/* Lowest PAMT base above pa, or UINT64_MAX. */
static uint64_t pamt_next(const struct tdx_tdmr_set *s, uint64_t pa)
{
    uint64_t next = UINT64_MAX;

    for (unsigned i = 0; i < s->n; i++)
        if (s->t[i].pamt_size && s->t[i].pamt_base > pa)
            next = MIN(next, s->t[i].pamt_base);
    return next;
}

/*
 * Reserved areas are the complement, inside one TDMR, of its non-reserved
 * segments (usable RAM minus every PAMT). Walking those segments in address
 * order yields the areas already sorted, merged and 4K aligned, as the module
 * requires (section 4.4), and checks each segment against the CMRs.
 */
struct rsvd_walk {
    const struct tdx_tdmr_set *s;
    struct tdx_tdmr *t;
    const struct cmrs *c;
    unsigned max;  /* reserved areas allowed per TDMR */
    uint64_t prev; /* end of the last non-reserved segment */
};

static int add_rsvd(struct rsvd_walk *w, uint64_t base, uint64_t end)
{
    struct tdx_tdmr *t = w->t;

    if (t->nr_rsvd == w->max) {
        pr_err("tdx: TDMR [%#llx, %#llx) needs more than %u reserved areas", ULL(t->base),
               ULL(tdmr_end(t)), w->max);
        return -ENOSPC;
    }
    t->rsvd[t->nr_rsvd++] = (struct tdx_tdmr_rsvd){base - t->base, end - base};
    return 0;
}

/* Non-reserved bytes must be in CMRs, else TDH.SYS.CONFIG fails with TDX_TDMR_OUTSIDE_CMRS. */
static int add_free(struct rsvd_walk *w, uint64_t base, uint64_t end)
{
    if (base > w->prev) {
        int err = add_rsvd(w, w->prev, base);

        if (err)
            return err;
    }
    w->prev = end;
    if (cmr_covers(w->c, base, end))
        return 0;
    pr_err("tdx: memory outside CMRs: [%#llx, %#llx)", ULL(base), ULL(end));
    return -EINVAL;
}

/* A PAMT inside any TDMR must be reserved there (Linux tdmr_populate_rsvd_pamts). */
static int walk_ram(struct rsvd_walk *w, uint64_t pos, uint64_t end)
{
    while (pos < end) {
        uint64_t skip = pamt_end_at(w->s, pos), seg;
        int err;

        if (skip) {
            pos = skip;
            continue;
        }
        seg = MIN(end, pamt_next(w->s, pos));
        err = add_free(w, pos, seg);
        if (err)
            return err;
        pos = seg;
    }
    return 0;
}

/* Holes between RAM ranges become reserved (Linux tdmr_populate_rsvd_holes). */
static int populate_rsvd(const struct tdx_tdmr_set *s, struct tdx_tdmr *t, const struct cmrs *c,
                         unsigned max)
{
    struct rsvd_walk w = {s, t, c, max, t->base};
    int err = 0;

    t->nr_rsvd = 0;
    for (unsigned i = 0; i < s->nram && !err; i++) {
        uint64_t base = MAX(s->ram[i].base, t->base), end = MIN(s->ram[i].end, tdmr_end(t));

        if (base < end)
            err = walk_ram(&w, base, end);
    }
    if (!err && w.prev < tdmr_end(t))
        err = add_rsvd(&w, w.prev, tdmr_end(t));
    return err;
}

int tdx_tdmr_build(struct tdx_tdmr_set *s, const struct tdx_tdmr_range *ram, unsigned nram,
                   const struct tdx_tdmr_range *cmr, unsigned ncmr,
                   const struct tdx_tdmr_limits *lim, const struct tdx_tdmr_alloc *a)
{
    struct cmrs c = {cmr, ncmr};
    unsigned max_rsvd = MIN(lim->max_reserved, TDX_TDMR_RSVD_MAX);
    int err;

    memset(s, 0, sizeof(*s));
    err = check_limits(lim, a);
    if (err)
        return err;
    s->a = *a;
    err = load_ram(s, ram, nram);
    if (!err && !s->nram) {
        pr_err("tdx: no usable RAM above 1 MiB for TDMRs");
        err = -EINVAL;
    }
    if (!err)
        err = fill_tdmrs(s, MIN(lim->max_tdmrs, TDX_TDMR_MAX));
    if (!err)
        err = set_up_pamts(s, lim, &c);
    for (unsigned i = 0; i < s->n && !err; i++)
        err = populate_rsvd(s, &s->t[i], &c, max_rsvd);
    if (err) {
        tdx_tdmr_free_pamts(s);
        s->n = 0;
    }
    return err;
}

void tdx_tdmr_free_pamts(struct tdx_tdmr_set *s)
{
    for (unsigned i = 0; i < s->n; i++) {
        struct tdx_tdmr *t = &s->t[i];

        if (t->pamt_size)
            s->a.free(s->a.ctx, t->pamt_base, t->pamt_size);
        t->pamt_base = t->pamt_size = 0;
    }
    s->pamt_bytes = 0;
}

size_t tdx_tdmr_info_size(unsigned max_reserved)
{
    return ALIGN_UP(64 + 16 * (size_t)max_reserved, TDMR_INFO_ALIGN);
}

/* Explicit little-endian stores: buf needs no particular alignment. */
static void put_u64(uint8_t *buf, size_t off, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        buf[off + i] = (uint8_t)(v >> (8 * i));
}

/* TDMR_INFO: base, size, then the PAMT parts in 1G, 2M, 4K order (section 4.4). */
int tdx_tdmr_write_info(const struct tdx_tdmr *t, unsigned max_reserved, void *buf)
{
    uint64_t pamt_2m = t->pamt_base + t->pamt_4k_size, pamt_1g = pamt_2m + t->pamt_2m_size;
    const uint64_t hdr[8] = {t->base, t->size,         pamt_1g,      t->pamt_1g_size,
                             pamt_2m, t->pamt_2m_size, t->pamt_base, t->pamt_4k_size};
    size_t size = tdx_tdmr_info_size(max_reserved);

    if (t->nr_rsvd > max_reserved)
        return -EINVAL;
    memset(buf, 0, size);
    for (unsigned i = 0; i < 8; i++)
        put_u64(buf, 8 * i, hdr[i]);
    for (unsigned i = 0; i < t->nr_rsvd; i++) {
        put_u64(buf, 64 + 16 * i, t->rsvd[i].offset);
        put_u64(buf, 72 + 16 * i, t->rsvd[i].size);
    }
    return (int)size;
}
