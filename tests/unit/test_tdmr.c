/* SPDX-License-Identifier: MIT */
/* unit-srcs: tdx/module/tdmr.c lib/string.c */
/* TDMR + PAMT builder: layouts, limits, CMR checks, rollback, TDMR_INFO bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "lib/errno.h"
#include "tdx/module/tdmr.h"
#include "tests/unit/host_stubs.h"

#define R(b, e) ((struct tdx_tdmr_range){(b), (e)})
#define PAMT_1G_16B (MiB(4) + KiB(8) + KiB(4)) /* 1 GiB TDMR, 16-byte entries */

/* Fake PAMT allocator: bumps through a pool and records every allocation. */
struct fake {
    uint64_t next, end;
    unsigned fail_at; /* 1-based attempt that fails; 0 = never */
    uint64_t force_pa;
    unsigned attempts, allocs, frees;
    uint64_t live;
    struct {
        uint64_t pa, bytes;
        bool live;
    } rec[TDX_TDMR_MAX];
};

static struct fake F;
static struct tdx_tdmr_set S;
static struct tdx_tdmr_limits L;

static uint64_t fake_alloc(void *ctx, uint64_t bytes, uint64_t align)
{
    struct fake *f = ctx;
    uint64_t pa = f->force_pa ? f->force_pa : ALIGN_UP(f->next, align);

    assert_int_equal(align, PAGE_SIZE);
    assert_true(bytes && IS_ALIGNED(bytes, PAGE_SIZE));
    if (++f->attempts == f->fail_at || pa + bytes > f->end)
        return 0;
    if (!f->force_pa)
        f->next = pa + bytes;
    assert_true(f->allocs < TDX_TDMR_MAX);
    f->rec[f->allocs].pa = pa;
    f->rec[f->allocs].bytes = bytes;
    f->rec[f->allocs++].live = true;
    f->live += bytes;
    return pa;
}

static void fake_free(void *ctx, uint64_t pa, uint64_t bytes)
{
    struct fake *f = ctx;

    for (unsigned i = 0; i < f->allocs; i++)
        if (f->rec[i].live && f->rec[i].pa == pa && f->rec[i].bytes == bytes) {
            f->rec[i].live = false;
            f->frees++;
            f->live -= bytes;
            return;
        }
    fail_msg("free of unknown PAMT %#llx + %#llx", (unsigned long long)pa,
             (unsigned long long)bytes);
}

static const struct tdx_tdmr_alloc A = {fake_alloc, fake_free, &F};

static void pool(uint64_t base, uint64_t end)
{
    F.next = base;
    F.end = end;
}

static int setup(void **state)
{
    memset(&F, 0, sizeof(F));
    memset(&S, 0xa5, sizeof(S)); /* tdx_tdmr_build must not rely on a zeroed set */
    L = (struct tdx_tdmr_limits){64, 16, 16, 16, 16};
    pool(MiB(192), MiB(256));
    host_log_clear();
    return 0;
}

/* ---- independent checker of every module rule (doc section 4.4) ---- */

static int cmp_range(const void *a, const void *b)
{
    const struct tdx_tdmr_range *x = a, *y = b;

    return x->base < y->base ? -1 : x->base > y->base;
}

/* True if [a, b) lies inside the union of r[0..n) (sorted and merged here). */
static bool in_union(const struct tdx_tdmr_range *r, unsigned n, uint64_t a, uint64_t b)
{
    struct tdx_tdmr_range m[256];
    unsigned k = 0;

    assert_true(n <= ARRAY_SIZE(m));
    memcpy(m, r, n * sizeof(*r));
    qsort(m, n, sizeof(*m), cmp_range);
    for (unsigned i = 0; i < n; i++) {
        if (m[i].base >= m[i].end)
            continue;
        if (k && m[k - 1].end >= m[i].base)
            m[k - 1].end = MAX(m[k - 1].end, m[i].end);
        else
            m[k++] = m[i];
    }
    for (unsigned i = 0; i < k; i++)
        if (m[i].base <= a && b <= m[i].end)
            return true;
    return false;
}

static bool overlaps(struct tdx_tdmr_range x, uint64_t a, uint64_t b)
{
    return x.base < b && a < x.end;
}

static uint64_t part(uint64_t size, unsigned shift, unsigned entry)
{
    return ALIGN_UP((size >> shift) * entry, PAGE_SIZE);
}

/* Geometry of TDMR i: 1 GiB aligned, sorted, reserved areas sorted/merged/4K/inside. */
static void check_geometry(unsigned i)
{
    const struct tdx_tdmr *t = &S.t[i];
    uint64_t prev = 0;

    assert_true(t->size && IS_ALIGNED(t->base, GiB(1)) && IS_ALIGNED(t->size, GiB(1)));
    if (i)
        assert_true(t->base >= S.t[i - 1].base + S.t[i - 1].size);
    assert_true(t->nr_rsvd <= MIN(L.max_reserved, TDX_TDMR_RSVD_MAX));
    for (unsigned j = 0; j < t->nr_rsvd; j++) {
        const struct tdx_tdmr_rsvd *r = &t->rsvd[j];

        assert_true(r->size && IS_ALIGNED(r->offset, PAGE_SIZE) && IS_ALIGNED(r->size, PAGE_SIZE));
        assert_true(j == 0 || r->offset > prev); /* sorted, disjoint, not even touching */
        assert_true(r->offset + r->size <= t->size);
        prev = r->offset + r->size;
    }
    assert_int_equal(t->pamt_4k_size, part(t->size, 12, L.pamt_4k_entry));
    assert_int_equal(t->pamt_2m_size, part(t->size, 21, L.pamt_2m_entry));
    assert_int_equal(t->pamt_1g_size, part(t->size, 30, L.pamt_1g_entry));
    assert_int_equal(t->pamt_size, t->pamt_4k_size + t->pamt_2m_size + t->pamt_1g_size);
    assert_true(t->pamt_base && IS_ALIGNED(t->pamt_base, PAGE_SIZE));
}

struct layout {
    struct tdx_tdmr_range ram[256], cmr[64], pamt[TDX_TDMR_MAX], tdmr[TDX_TDMR_MAX];
    unsigned nram, ncmr;
};

/* A non-reserved segment must be CMR, usable RAM, and no PAMT. */
static void check_free(const struct layout *l, uint64_t a, uint64_t b)
{
    if (a >= b)
        return;
    assert_true(in_union(l->cmr, l->ncmr, a, b));
    assert_true(in_union(l->ram, l->nram, a, b));
    for (unsigned i = 0; i < S.n; i++)
        assert_false(overlaps(l->pamt[i], a, b));
}

/* Reserved RAM is allowed only where a PAMT sits. */
static void check_reserved(const struct layout *l, uint64_t a, uint64_t b)
{
    for (unsigned i = 0; i < l->nram; i++) {
        uint64_t x = MAX(a, l->ram[i].base), y = MIN(b, l->ram[i].end);

        if (x < y)
            assert_true(in_union(l->pamt, S.n, x, y));
    }
}

static void check_tdmr_bytes(const struct layout *l, const struct tdx_tdmr *t)
{
    uint64_t pos = t->base;

    for (unsigned j = 0; j < t->nr_rsvd; j++) {
        uint64_t rb = t->base + t->rsvd[j].offset;

        check_free(l, pos, rb);
        check_reserved(l, rb, rb + t->rsvd[j].size);
        pos = rb + t->rsvd[j].size;
    }
    check_free(l, pos, t->base + t->size);
}

static void check_set(const struct tdx_tdmr_range *ram, unsigned nram,
                      const struct tdx_tdmr_range *cmr, unsigned ncmr)
{
    static struct layout l;
    uint64_t total = 0;

    assert_true(S.n >= 1 && S.n <= L.max_tdmrs && nram <= ARRAY_SIZE(l.ram));
    l.nram = nram;
    l.ncmr = ncmr;
    memcpy(l.cmr, cmr, ncmr * sizeof(*cmr));
    for (unsigned i = 0; i < nram; i++) /* what the module may use: whole pages above 1 MiB */
        l.ram[i] =
            R(MAX(ALIGN_UP(ram[i].base, PAGE_SIZE), MiB(1)), ALIGN_DOWN(ram[i].end, PAGE_SIZE));
    for (unsigned i = 0; i < S.n; i++) {
        check_geometry(i);
        l.pamt[i] = R(S.t[i].pamt_base, S.t[i].pamt_base + S.t[i].pamt_size);
        l.tdmr[i] = R(S.t[i].base, S.t[i].base + S.t[i].size);
        assert_true(in_union(cmr, ncmr, l.pamt[i].base, l.pamt[i].end));
        for (unsigned j = 0; j < i; j++)
            assert_false(overlaps(l.pamt[j], l.pamt[i].base, l.pamt[i].end));
        total += S.t[i].pamt_size;
    }
    assert_int_equal(total, S.pamt_bytes);
    assert_int_equal(F.live, S.pamt_bytes);
    for (unsigned i = 0; i < S.n; i++)
        check_tdmr_bytes(&l, &S.t[i]);
    for (unsigned i = 0; i < nram; i++)
        if (l.ram[i].base < l.ram[i].end)
            assert_true(in_union(l.tdmr, S.n, l.ram[i].base, l.ram[i].end));
}

static void build_ok(const struct tdx_tdmr_range *ram, unsigned nram,
                     const struct tdx_tdmr_range *cmr, unsigned ncmr)
{
    assert_int_equal(tdx_tdmr_build(&S, ram, nram, cmr, ncmr, &L, &A), 0);
    check_set(ram, nram, cmr, ncmr);
}

/* A failed build leaves no PAMT behind and logs one line saying why. */
static void build_err(const struct tdx_tdmr_range *ram, unsigned nram,
                      const struct tdx_tdmr_range *cmr, unsigned ncmr, int err, const char *why)
{
    assert_int_equal(tdx_tdmr_build(&S, ram, nram, cmr, ncmr, &L, &A), err);
    assert_int_equal(S.n, 0);
    assert_int_equal(S.pamt_bytes, 0);
    assert_int_equal(F.live, 0);
    assert_int_equal(F.frees, F.allocs);
    assert_true(host_log_contains(why));
}

static void assert_tdmr(unsigned i, uint64_t base, uint64_t size)
{
    assert_int_equal(S.t[i].base, base);
    assert_int_equal(S.t[i].size, size);
}

static void assert_rsvd(unsigned i, unsigned j, uint64_t base, uint64_t end)
{
    assert_true(j < S.t[i].nr_rsvd);
    assert_int_equal(S.t[i].base + S.t[i].rsvd[j].offset, base);
    assert_int_equal(S.t[i].rsvd[j].size, end - base);
}

/* ---- layouts ---- */

/* first MiB + 3 inner holes + PAMT + tail = 6 areas */
static const struct tdx_tdmr_range holey_ram[] = {R(MiB(1), MiB(10)), R(MiB(11), MiB(20)),
                                                  R(MiB(21), MiB(30)), R(MiB(31), MiB(256))};
static const struct tdx_tdmr_range holey_cmr[] = {R(MiB(1), MiB(256))};

/* Bochs/QEMU-like: low RAM, 1 MiB..256 MiB with a hole, CMRs = the RAM above 1 MiB. */
static const struct tdx_tdmr_range bochs_ram[] = {R(0, 0x9f000), R(MiB(1), MiB(128)),
                                                  R(MiB(129), MiB(256))};
static const struct tdx_tdmr_range bochs_cmr[] = {R(MiB(1), MiB(128)), R(MiB(129), MiB(256))};

static void test_bochs_map(void **state)
{
    build_ok(bochs_ram, 3, bochs_cmr, 2);
    assert_int_equal(S.n, 1);
    assert_tdmr(0, 0, GiB(1));
    assert_int_equal(S.t[0].pamt_base, MiB(192));
    assert_int_equal(S.t[0].pamt_4k_size, MiB(4));
    assert_int_equal(S.t[0].pamt_2m_size, KiB(8));
    assert_int_equal(S.t[0].pamt_1g_size, KiB(4));
    assert_int_equal(S.pamt_bytes, PAMT_1G_16B);
    assert_int_equal(S.pamt_bytes >> 10, 4108); /* the boot line's "4108 KiB PAMT" */
    assert_int_equal(S.t[0].nr_rsvd, 4);
    assert_rsvd(0, 0, 0, MiB(1)); /* never a CMR, so always reserved */
    assert_rsvd(0, 1, MiB(128), MiB(129));
    assert_rsvd(0, 2, MiB(192), MiB(192) + PAMT_1G_16B); /* the PAMT inside its own TDMR */
    assert_rsvd(0, 3, MiB(256), GiB(1));
}

/* 24 GiB with the PCI hole at 3-4 GiB and ACPI tables just below it. */
static const struct tdx_tdmr_range big_ram[] = {R(0, 0x9fc00), R(MiB(1), GiB(3) - KiB(128)),
                                                R(GiB(4), GiB(25))};
static const struct tdx_tdmr_range big_cmr[] = {R(MiB(1), GiB(3)), R(GiB(4), GiB(25))};

static void test_24g_pci_hole(void **state)
{
    uint64_t p0 = MiB(12) + KiB(24) + KiB(4), p1 = MiB(84) + KiB(168) + KiB(4);

    pool(GiB(24), GiB(25));
    build_ok(big_ram, 3, big_cmr, 2);
    assert_int_equal(S.n, 2);
    assert_tdmr(0, 0, GiB(3));
    assert_tdmr(1, GiB(4), GiB(21));
    assert_int_equal(S.t[0].pamt_size, p0);
    assert_int_equal(S.t[1].pamt_size, p1);
    assert_int_equal(S.pamt_bytes, p0 + p1);
    assert_int_equal(S.t[0].nr_rsvd, 2);
    assert_rsvd(0, 0, 0, MiB(1));
    assert_rsvd(0, 1, GiB(3) - KiB(128), GiB(3));
    /* Both PAMTs sit back to back in TDMR 1: one merged reserved area. */
    assert_int_equal(S.t[1].nr_rsvd, 1);
    assert_rsvd(1, 0, GiB(24), GiB(24) + p0 + p1);
}

static void test_two_ranges_same_gib_merge(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(100)), R(MiB(200), MiB(300))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), GiB(1))};

    pool(MiB(250), MiB(300));
    build_ok(ram, 2, cmr, 1);
    assert_int_equal(S.n, 1);
    assert_tdmr(0, 0, GiB(1));
    assert_int_equal(F.allocs, 1);
    assert_int_equal(S.t[0].nr_rsvd, 4);
    assert_rsvd(0, 1, MiB(100), MiB(200));
    assert_rsvd(0, 2, MiB(250), MiB(250) + PAMT_1G_16B);
    assert_rsvd(0, 3, MiB(300), GiB(1));
}

/* Linux fill_out_tdmrs: a range starting inside a TDMR continues in a new one at its end. */
static void test_range_straddling_tdmr_end(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(512)), R(MiB(768), MiB(1536))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), GiB(2))};

    build_ok(ram, 2, cmr, 1);
    assert_int_equal(S.n, 2);
    assert_tdmr(0, 0, GiB(1));
    assert_tdmr(1, GiB(1), GiB(1));
    assert_int_equal(S.t[1].nr_rsvd, 1);
    assert_rsvd(1, 0, MiB(1536), GiB(2));
}

static void test_adjacent_ram_ranges_leave_no_hole(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(64)), R(MiB(64), MiB(256))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), MiB(256))};

    build_ok(ram, 2, cmr, 1);
    assert_int_equal(S.t[0].nr_rsvd, 3); /* first MiB, PAMT, tail */
}

/* A firmware map may reserve a single page (e.g. a BIOS data page) inside RAM. */
static void test_one_page_hole(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(100)), R(MiB(100) + KiB(4), MiB(256))};

    build_ok(ram, 2, holey_cmr, 1);
    assert_int_equal(S.t[0].nr_rsvd, 4);
    assert_rsvd(0, 1, MiB(100), MiB(100) + KiB(4));
}

static void test_unsorted_unaligned_input(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(129) - 1, MiB(256) + 123), R(0x100123, MiB(64)),
                                         R(MiB(32), MiB(128) + 0xfff), R(MiB(5), MiB(5))};
    static struct tdx_tdmr ref[1];

    build_ok(bochs_ram, 3, bochs_cmr, 2);
    memcpy(ref, S.t, sizeof(ref));
    tdx_tdmr_free_pamts(&S);
    setup(NULL);
    build_ok(ram, ARRAY_SIZE(ram), bochs_cmr, 2);
    assert_int_equal(S.n, 1);
    /* Partial pages at both ends are reserved: 0x100123 starts the RAM at 0x101000. */
    assert_rsvd(0, 0, 0, 0x101000);
    assert_rsvd(0, 1, MiB(128), MiB(129));
    assert_memory_equal(&ref[0].rsvd[2], &S.t[0].rsvd[2], 2 * sizeof(struct tdx_tdmr_rsvd));
}

static void test_first_mib_reserved_even_if_called_ram(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(0, MiB(256))};
    const struct tdx_tdmr_range cmr[] = {R(0, MiB(256))};

    build_ok(ram, 1, cmr, 1);
    assert_rsvd(0, 0, 0, MiB(1));
}

static void test_pamt_outside_tdmrs_not_reserved(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(512))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), GiB(4))};

    pool(GiB(2), GiB(3)); /* CMR memory the caller keeps out of the TDX pool */
    build_ok(ram, 1, cmr, 1);
    assert_int_equal(S.t[0].nr_rsvd, 2);
    assert_rsvd(0, 0, 0, MiB(1));
    assert_rsvd(0, 1, MiB(512), GiB(1));
}

/* A PAMT filling a whole RAM range joins the holes on both sides into one area. */
static void test_pamt_filling_ram_range_merges_holes(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(64)), R(MiB(100), MiB(100) + PAMT_1G_16B)};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), MiB(200))};

    pool(MiB(100), MiB(200));
    build_ok(ram, 2, cmr, 1);
    assert_int_equal(S.t[0].nr_rsvd, 2);
    assert_rsvd(0, 1, MiB(64), GiB(1));
}

static void test_cmrs_unsorted_and_split(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(256))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(100), MiB(300)), R(MiB(1), MiB(50)),
                                         R(MiB(40), MiB(100))};

    build_ok(ram, 1, cmr, 3);
    assert_int_equal(S.n, 1);
}

/* ---- limits ---- */

static void test_exactly_max_tdmrs_warns(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(256)), R(GiB(2), GiB(2) + MiB(8)),
                                         R(GiB(4), GiB(4) + MiB(8)), R(GiB(6), GiB(6) + MiB(8))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), GiB(8))};

    L.max_tdmrs = 4;
    build_ok(ram, 4, cmr, 1);
    assert_int_equal(S.n, 4);
    assert_true(host_log_contains("4 of 4 TDMRs used"));
}

static void test_too_many_tdmrs(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(256)), R(GiB(2), GiB(2) + MiB(8)),
                                         R(GiB(4), GiB(4) + MiB(8)), R(GiB(6), GiB(6) + MiB(8)),
                                         R(GiB(8), GiB(8) + MiB(8))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), GiB(9))};

    L.max_tdmrs = 4;
    build_err(ram, 5, cmr, 1, -ENOSPC, "more than 4 TDMRs");
    assert_int_equal(F.attempts, 0); /* decided before any PAMT is allocated */
}

static void test_exactly_max_reserved(void **state)
{
    L.max_reserved = 6;
    build_ok(holey_ram, 4, holey_cmr, 1);
    assert_int_equal(S.t[0].nr_rsvd, 6);
}

static void test_too_many_reserved(void **state)
{
    L.max_reserved = 5;
    build_err(holey_ram, 4, holey_cmr, 1, -ENOSPC, "needs more than 5 reserved areas");
    assert_int_equal(F.allocs, 1);
}

/* Metadata may allow more areas than struct tdx_tdmr holds: the builder's own cap applies. */
static void test_max_reserved_above_array_is_capped(void **state)
{
    static struct tdx_tdmr_range ram[TDX_TDMR_RSVD_MAX + 2];
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), MiB(512))};

    for (unsigned i = 0; i < ARRAY_SIZE(ram); i++)
        ram[i] = R(MiB(2 + 2 * i), MiB(3 + 2 * i));
    L.max_reserved = 1000;
    build_err(ram, ARRAY_SIZE(ram), cmr, 1, -ENOSPC, "reserved areas");
}

static void test_too_many_ram_ranges(void **state)
{
    static struct tdx_tdmr_range ram[TDX_TDMR_RAM_MAX + 1];
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), GiB(1))};

    for (unsigned i = 0; i < ARRAY_SIZE(ram); i++)
        ram[i] = R(MiB(2 + 2 * i), MiB(3 + 2 * i));
    build_err(ram, ARRAY_SIZE(ram), cmr, 1, -ENOSPC, "RAM ranges");
}

static void test_bad_limits(void **state)
{
    L.pamt_2m_entry = 0;
    build_err(bochs_ram, 3, bochs_cmr, 2, -EINVAL, "bad TDMR limits");
    setup(NULL);
    L.max_tdmrs = 0;
    build_err(bochs_ram, 3, bochs_cmr, 2, -EINVAL, "bad TDMR limits");
}

static void test_no_ram(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(0, 0x9f000), R(MiB(8), MiB(8))};

    build_err(ram, 2, bochs_cmr, 2, -EINVAL, "no usable RAM");
}

static void test_ram_above_maxpa(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(256)), R(UINT64_MAX - GiB(1), UINT64_MAX)};

    build_err(ram, 2, bochs_cmr, 2, -EINVAL, "above MAXPA");
}

/* ---- CMRs ---- */

static void test_ram_outside_cmrs(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(300))};

    build_err(ram, 1, holey_cmr, 1, -EINVAL, "memory outside CMRs");
    assert_int_equal(F.allocs, 1); /* the PAMT was allocated, then given back */
}

static void test_ram_in_gap_between_cmrs(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), MiB(256))};

    build_err(ram, 1, bochs_cmr, 2, -EINVAL, "memory outside CMRs: [0x100000, 0xc000000)");
}

static void test_pamt_outside_cmrs(void **state)
{
    pool(GiB(2), GiB(3));
    build_err(bochs_ram, 3, bochs_cmr, 2, -EINVAL, "outside CMRs");
}

/* ---- allocator ---- */

static const struct tdx_tdmr_range three_ram[] = {R(MiB(1), MiB(512)), R(GiB(1), GiB(1) + MiB(512)),
                                                  R(GiB(2), GiB(2) + MiB(512))};
static const struct tdx_tdmr_range three_cmr[] = {R(MiB(1), GiB(3))};

static void test_alloc_failure_rolls_back(void **state)
{
    F.fail_at = 3;
    build_err(three_ram, 3, three_cmr, 1, -ENOMEM, "cannot allocate 4108 KiB PAMT");
    assert_int_equal(F.attempts, 3);
    assert_int_equal(F.allocs, 2);
    assert_int_equal(F.frees, 2);
}

static void test_misaligned_pamt(void **state)
{
    F.force_pa = MiB(200) + 512;
    build_err(bochs_ram, 3, bochs_cmr, 2, -EINVAL, "misaligned");
}

static void test_overlapping_pamts(void **state)
{
    F.force_pa = MiB(200); /* the same address for every TDMR */
    build_err(three_ram, 3, three_cmr, 1, -EINVAL, "overlap");
    assert_int_equal(F.allocs, 2);
}

static void test_free_pamts(void **state)
{
    build_ok(three_ram, 3, three_cmr, 1);
    assert_int_equal(S.n, 3);
    assert_int_equal(F.live, 3 * PAMT_1G_16B);
    tdx_tdmr_free_pamts(&S);
    assert_int_equal(F.frees, 3);
    assert_int_equal(F.live, 0);
    assert_int_equal(S.pamt_bytes, 0);
    tdx_tdmr_free_pamts(&S); /* idempotent: no double free */
    assert_int_equal(F.frees, 3);
}

static void test_pamt_entry_sizes(void **state)
{
    const struct tdx_tdmr_range ram[] = {R(MiB(1), GiB(3) + MiB(1))};
    const struct tdx_tdmr_range cmr[] = {R(MiB(1), GiB(4))};

    L.pamt_4k_entry = 8;
    L.pamt_2m_entry = 24;
    L.pamt_1g_entry = 300;
    pool(GiB(3) + MiB(16), GiB(4));
    build_ok(ram, 1, cmr, 1);
    assert_tdmr(0, 0, GiB(4));
    assert_int_equal(S.t[0].pamt_4k_size, MiB(8));
    assert_int_equal(S.t[0].pamt_2m_size, KiB(48));
    assert_int_equal(S.t[0].pamt_1g_size, KiB(4)); /* 1200 bytes, page aligned */
}

/* ---- TDMR_INFO ---- */

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void test_info_size(void **state)
{
    assert_int_equal(tdx_tdmr_info_size(0), 512);
    assert_int_equal(tdx_tdmr_info_size(16), 512);
    assert_int_equal(tdx_tdmr_info_size(28), 512);
    assert_int_equal(tdx_tdmr_info_size(29), 1024);
    assert_int_equal(tdx_tdmr_info_size(32), 1024);
}

static void test_write_info(void **state)
{
    static uint8_t buf[1024 + 1];
    const uint64_t p = MiB(192);
    const uint64_t hdr[8] = {0, GiB(1), p + MiB(4) + KiB(8), KiB(4), p + MiB(4), KiB(8), p, MiB(4)};
    const uint64_t rsvd[8] = {0, MiB(1), MiB(128), MiB(1), p, PAMT_1G_16B, MiB(256), MiB(768)};

    build_ok(bochs_ram, 3, bochs_cmr, 2);
    memset(buf, 0xee, sizeof(buf));
    assert_int_equal(tdx_tdmr_write_info(&S.t[0], 16, buf + 1), 512); /* no alignment needed */
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(get_u64(buf + 1 + 8 * i), hdr[i]);
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(get_u64(buf + 1 + 64 + 8 * i), rsvd[i]);
    for (unsigned i = 64 + 16 * 4; i < 512; i++)
        assert_int_equal(buf[1 + i], 0);
    assert_int_equal(buf[0], 0xee);
    assert_int_equal(buf[513], 0xee);
    assert_int_equal(buf[1], 0); /* little-endian base 0 ... */
    assert_int_equal(buf[1 + 15], 0x00);
    assert_int_equal(buf[1 + 11], 0x40); /* ... size 1 GiB: 0x40000000 */
}

static void test_write_info_too_many_areas(void **state)
{
    static uint8_t buf[512];

    build_ok(bochs_ram, 3, bochs_cmr, 2);
    assert_int_equal(tdx_tdmr_write_info(&S.t[0], 3, buf), -EINVAL);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_bochs_map),
        T(test_24g_pci_hole),
        T(test_two_ranges_same_gib_merge),
        T(test_range_straddling_tdmr_end),
        T(test_adjacent_ram_ranges_leave_no_hole),
        T(test_one_page_hole),
        T(test_unsorted_unaligned_input),
        T(test_first_mib_reserved_even_if_called_ram),
        T(test_pamt_outside_tdmrs_not_reserved),
        T(test_pamt_filling_ram_range_merges_holes),
        T(test_cmrs_unsorted_and_split),
        T(test_exactly_max_tdmrs_warns),
        T(test_too_many_tdmrs),
        T(test_exactly_max_reserved),
        T(test_too_many_reserved),
        T(test_max_reserved_above_array_is_capped),
        T(test_too_many_ram_ranges),
        T(test_bad_limits),
        T(test_no_ram),
        T(test_ram_above_maxpa),
        T(test_ram_outside_cmrs),
        T(test_ram_in_gap_between_cmrs),
        T(test_pamt_outside_cmrs),
        T(test_alloc_failure_rolls_back),
        T(test_misaligned_pamt),
        T(test_overlapping_pamts),
        T(test_free_pamts),
        T(test_pamt_entry_sizes),
        T(test_info_size),
        T(test_write_info),
        T(test_write_info_too_many_areas),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
