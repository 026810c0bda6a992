/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/vmx/ept.c */
/*
 * EPT builder tests. Table pages come from a fake allocator: each is a
 * separate 4 KiB aligned_alloc block (so AddressSanitizer catches overruns)
 * named by a fake host-physical address above 4 GiB. The fake checks every
 * virt() and free_page() call, so use-after-free and double frees fail the
 * test, and the raw entries are checked by walking the fake memory directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/vmx/ept.h"

#define FAKE_BASE 0x100000000ULL
#define MAX_PAGES 4096
#define ADDR_MASK 0x000FFFFFFFFFF000ULL
#define MT_WB (6ULL << 3)
#define MT_MASK (7ULL << 3)
#define LARGE (1ULL << 7)
#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define SZ_512G (512 * SZ_1G)

/* ---- fake page allocator ---- */

struct fake_mm {
    void *page[MAX_PAGES];
    bool live[MAX_PAGES];
    unsigned used;        /* pages handed out so far (indices 0..used-1) */
    unsigned outstanding; /* handed out and not freed */
    unsigned frees;
    long allocs_left; /* < 0: unlimited; else fail once this reaches 0 */
};

static struct fake_mm fm;

static uint64_t fake_alloc(void *ctx)
{
    struct fake_mm *f = ctx;
    void *p;

    if (f->allocs_left == 0 || f->used == MAX_PAGES)
        return 0;
    if (f->allocs_left > 0)
        f->allocs_left--;
    p = aligned_alloc(4096, 4096);
    assert_non_null(p);
    memset(p, 0, 4096);
    f->page[f->used] = p;
    f->live[f->used] = true;
    f->outstanding++;
    return FAKE_BASE + (uint64_t)f->used++ * 4096;
}

static unsigned fake_index(const struct fake_mm *f, uint64_t hpa)
{
    assert_true(hpa >= FAKE_BASE);
    assert_int_equal(hpa & 0xfff, 0);
    assert_true((hpa - FAKE_BASE) / 4096 < f->used);
    return (unsigned)((hpa - FAKE_BASE) / 4096);
}

static void fake_free(void *ctx, uint64_t hpa)
{
    struct fake_mm *f = ctx;
    unsigned i = fake_index(f, hpa);

    assert_true(f->live[i]); /* double free or never allocated */
    f->live[i] = false;
    f->outstanding--;
    f->frees++;
}

static void *fake_virt(void *ctx, uint64_t hpa)
{
    struct fake_mm *f = ctx;
    unsigned i = fake_index(f, hpa);

    assert_true(f->live[i]); /* use after free */
    return f->page[i];
}

static const struct ept_mm mm = {fake_alloc, fake_free, fake_virt, &fm};

static int setup(void **state)
{
    memset(&fm, 0, sizeof(fm));
    fm.allocs_left = -1;
    return 0;
}

static int teardown(void **state)
{
    for (unsigned i = 0; i < fm.used; i++)
        free(fm.page[i]);
    memset(&fm, 0, sizeof(fm));
    return 0;
}

static uint64_t *tbl(uint64_t pa)
{
    return fake_virt(&fm, pa & ADDR_MASK);
}

static uint64_t lsize(int lvl)
{
    return 1ULL << (12 + 9 * lvl);
}

/* ---- raw walk of the fake memory ---- */

/*
 * The entry that decides gpa: a present leaf (its level in *lvl) or the
 * first absent entry on the way down.
 */
static uint64_t raw_entry(const struct ept *e, uint64_t gpa, int *lvl)
{
    uint64_t *t = tbl(e->pml4);

    for (int l = 3; l >= 0; l--) {
        uint64_t ent = t[(gpa >> (12 + 9 * l)) & 511];
        *lvl = l;
        if (!(ent & EPT_RWX) || l == 0 || (l < 3 && (ent & LARGE)))
            return ent;
        t = tbl(ent);
    }
    return 0;
}

/* Checks one leaf's raw bits. */
static void check_leaf(uint64_t ent, int lvl)
{
    assert_int_equal(ent & MT_MASK, MT_WB);
    assert_int_equal(!!(ent & LARGE), lvl > 0);
    assert_int_equal(ent & 0xf40, 0); /* ignore-PAT, accessed, dirty, ignored */
    assert_int_equal(ent & ~ADDR_MASK & ~0xfffULL, 0);
    assert_int_equal(ent & ADDR_MASK & (lsize(lvl) - 1), 0); /* reserved low address bits */
    assert_int_not_equal(ent & EPT_RWX, 0);
}

struct walk {
    unsigned tables;
    uint64_t mapped;       /* bytes */
    uint64_t leaves[3];    /* per level */
    const uint64_t *model; /* per 4 KiB page: hpa | prot, 0 = unmapped */
    uint64_t model_pages;  /* pages the model covers */
    bool seen[MAX_PAGES];
};

static struct walk w;

static void walk_table(uint64_t pa, int lvl, uint64_t base)
{
    uint64_t *t = tbl(pa);
    unsigned i = fake_index(&fm, pa & ADDR_MASK);

    assert_false(w.seen[i]); /* a table linked twice */
    w.seen[i] = true;
    w.tables++;
    for (unsigned n = 0; n < 512; n++) {
        uint64_t ent = t[n], gpa = base + n * lsize(lvl);
        if (!(ent & EPT_RWX)) {
            assert_int_equal(ent, 0); /* absent entries are all zero */
            continue;
        }
        if (lvl == 0 || (lvl < 3 && (ent & LARGE))) {
            check_leaf(ent, lvl);
            w.mapped += lsize(lvl);
            w.leaves[lvl]++;
            if (w.model) {
                assert_true((gpa >> 12) + (lsize(lvl) >> 12) <= w.model_pages);
                for (uint64_t off = 0; off < lsize(lvl); off += SZ_4K)
                    if (w.model[(gpa + off) >> 12] != (((ent & ADDR_MASK) + off) | (ent & EPT_RWX)))
                        fail_msg("gpa %#llx: model %#llx, leaf %#llx at level %d",
                                 (unsigned long long)(gpa + off),
                                 (unsigned long long)w.model[(gpa + off) >> 12],
                                 (unsigned long long)ent, lvl);
            }
            continue;
        }
        /* A non-leaf: full permissions, no large bit, nothing else set. */
        assert_int_equal(ent & ~ADDR_MASK, EPT_RWX);
        walk_table(ent, lvl - 1, gpa);
    }
}

/* Walks the whole tree: consistent, and every table page is reachable once. */
static void check_tree(const struct ept *e)
{
    memset(&w.seen, 0, sizeof(w.seen));
    w.tables = 0;
    w.mapped = 0;
    memset(w.leaves, 0, sizeof(w.leaves));
    walk_table(e->pml4, 3, 0);
    assert_int_equal(w.tables, e->tables);
    assert_int_equal(fm.outstanding, e->tables);
}

static void init(struct ept *e, bool use_2m, bool use_1g)
{
    assert_int_equal(ept_init(e, &mm, use_2m, use_1g), 0);
}

static void expect_map(const struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t prot,
                       unsigned level)
{
    uint64_t h = 0, p = 0;
    unsigned l = 99;

    assert_int_equal(ept_translate(e, gpa, &h, &p, &l), 0);
    assert_int_equal(h, hpa);
    assert_int_equal(p, prot);
    assert_int_equal(l, level);
}

static void expect_unmapped(const struct ept *e, uint64_t gpa)
{
    uint64_t h = 0, p = 0;
    unsigned l = 0;

    assert_int_equal(ept_translate(e, gpa, &h, &p, &l), -ENOENT);
}

/* ---- tests ---- */

static void test_init_one_table(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(e.tables, 1);
    assert_int_equal(fm.outstanding, 1);
    assert_int_equal(e.pml4, FAKE_BASE);
    for (unsigned i = 0; i < 512; i++)
        assert_int_equal(tbl(e.pml4)[i], 0);
    assert_true(e.use_2m);
    assert_true(e.use_1g);
    expect_unmapped(&e, 0);
    expect_unmapped(&e, 0x123456000);
    expect_unmapped(&e, (1ULL << 48) - SZ_4K);
    check_tree(&e);
    ept_destroy(&e);
    assert_int_equal(fm.outstanding, 0);
}

static void test_init_alloc_fails(void **state)
{
    struct ept e;

    fm.allocs_left = 0;
    assert_int_equal(ept_init(&e, &mm, true, true), -ENOMEM);
    assert_int_equal(e.pml4, 0);
    assert_int_equal(e.tables, 0);
    ept_destroy(&e); /* harmless */
    assert_int_equal(fm.frees, 0);
}

static void test_2m_leaf(void **state)
{
    struct ept e;
    int lvl;
    uint64_t ent;

    init(&e, true, false);
    assert_int_equal(ept_map(&e, 0x40200000, 0x7fe00000, SZ_2M, EPT_RWX), 0);
    assert_int_equal(e.tables, 3); /* PML4, PDPT, PD */
    expect_map(&e, 0x40200000, 0x7fe00000, EPT_RWX, 1);
    expect_map(&e, 0x40200000 + SZ_2M - SZ_4K, 0x7fe00000 + SZ_2M - SZ_4K, EPT_RWX, 1);
    expect_unmapped(&e, 0x40200000 - SZ_4K);
    expect_unmapped(&e, 0x40200000 + SZ_2M);
    ent = raw_entry(&e, 0x40200000, &lvl);
    assert_int_equal(lvl, 1);
    assert_int_equal(ent, 0x7fe00000 | EPT_RWX | MT_WB | LARGE);
    check_tree(&e);
    assert_int_equal(w.leaves[1], 1);
    assert_int_equal(w.mapped, SZ_2M);
    ept_destroy(&e);
}

static void test_no_2m_uses_4k(void **state)
{
    struct ept e;
    int lvl;

    init(&e, false, false);
    assert_int_equal(ept_map(&e, 0x200000, 0x400000, SZ_2M, EPT_RWX), 0);
    assert_int_equal(e.tables, 4); /* PML4, PDPT, PD, PT */
    for (uint64_t off = 0; off < SZ_2M; off += 0x7000)
        expect_map(&e, 0x200000 + off, 0x400000 + off, EPT_RWX, 0);
    assert_int_equal(raw_entry(&e, 0x3ff000, &lvl), 0x5ff000 | EPT_RWX | MT_WB);
    assert_int_equal(lvl, 0);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 512);
    assert_int_equal(w.leaves[1], 0);
    ept_destroy(&e);
}

static void test_1g_leaf(void **state)
{
    struct ept e;
    int lvl;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, SZ_1G, 3 * SZ_1G, SZ_1G, EPT_RWX), 0);
    assert_int_equal(e.tables, 2); /* PML4, PDPT */
    expect_map(&e, SZ_1G, 3 * SZ_1G, EPT_RWX, 2);
    assert_int_equal(raw_entry(&e, SZ_1G, &lvl), 3 * SZ_1G | EPT_RWX | MT_WB | LARGE);
    assert_int_equal(lvl, 2);
    expect_unmapped(&e, 0);
    expect_unmapped(&e, 2 * SZ_1G);
    check_tree(&e);
    assert_int_equal(w.leaves[2], 1);
    ept_destroy(&e);
}

static void test_1g_needs_hpa_alignment(void **state)
{
    struct ept e;

    init(&e, true, true);
    /* gpa is 1 GiB aligned, hpa only 2 MiB: 512 x 2 MiB. */
    assert_int_equal(ept_map(&e, SZ_1G, 3 * SZ_1G + SZ_2M, SZ_1G, EPT_RWX), 0);
    assert_int_equal(e.tables, 3);
    expect_map(&e, SZ_1G, 3 * SZ_1G + SZ_2M, EPT_RWX, 1);
    expect_map(&e, 2 * SZ_1G - SZ_4K, 4 * SZ_1G + SZ_2M - SZ_4K, EPT_RWX, 1);
    check_tree(&e);
    assert_int_equal(w.leaves[1], 512);
    assert_int_equal(w.leaves[2], 0);
    ept_destroy(&e);
}

static void test_1g_off_uses_2m(void **state)
{
    struct ept e;

    init(&e, true, false);
    assert_int_equal(ept_map(&e, 0, 0, SZ_1G, EPT_RWX), 0);
    assert_int_equal(e.tables, 3);
    expect_map(&e, 0x12345000, 0x12345000, EPT_RWX, 1);
    check_tree(&e);
    assert_int_equal(w.leaves[1], 512);
    ept_destroy(&e);
}

static void test_1g_without_2m_uses_4k(void **state)
{
    struct ept e;

    init(&e, false, true);
    assert_false(e.use_1g); /* 1 GiB pages only with 2 MiB pages */
    assert_int_equal(ept_map(&e, 0, 0, SZ_1G, EPT_RWX), 0);
    assert_int_equal(e.tables, 3 + 512);
    expect_map(&e, 0x12345000, 0x12345000, EPT_RWX, 0);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 512 * 512);
    ept_destroy(&e);
    assert_int_equal(fm.outstanding, 0);
    assert_int_equal(fm.frees, 3 + 512);
}

static void test_unaligned_range_mixed_levels(void **state)
{
    struct ept e;
    const uint64_t start = SZ_1G - SZ_2M - SZ_4K, end = 2 * SZ_1G + SZ_2M + 2 * SZ_4K;
    const uint64_t delta = 0x500000000ULL; /* keeps 1 GiB relative alignment */

    init(&e, true, true);
    assert_int_equal(ept_map(&e, start, start + delta, end - start, EPT_R | EPT_W), 0);
    /* PML4, PDPT, PD(GiB 0), PT(4 KiB head), PD(GiB 2), PT(4 KiB tail) */
    assert_int_equal(e.tables, 6);
    expect_unmapped(&e, start - SZ_4K);
    expect_map(&e, start, start + delta, EPT_R | EPT_W, 0);
    expect_map(&e, SZ_1G - SZ_2M, SZ_1G - SZ_2M + delta, EPT_R | EPT_W, 1);
    expect_map(&e, SZ_1G - SZ_4K, SZ_1G - SZ_4K + delta, EPT_R | EPT_W, 1);
    expect_map(&e, SZ_1G, SZ_1G + delta, EPT_R | EPT_W, 2);
    expect_map(&e, 0x6789a000, 0x6789a000 + delta, EPT_R | EPT_W, 2);
    expect_map(&e, 2 * SZ_1G, 2 * SZ_1G + delta, EPT_R | EPT_W, 1);
    expect_map(&e, 2 * SZ_1G + SZ_2M, 2 * SZ_1G + SZ_2M + delta, EPT_R | EPT_W, 0);
    expect_map(&e, end - SZ_4K, end - SZ_4K + delta, EPT_R | EPT_W, 0);
    expect_unmapped(&e, end);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 3);
    assert_int_equal(w.leaves[1], 2);
    assert_int_equal(w.leaves[2], 1);
    assert_int_equal(w.mapped, end - start);
    ept_destroy(&e);
}

static void test_unaligned_range_2m_only(void **state)
{
    struct ept e;
    const uint64_t start = 0x1ff000, size = 3 * SZ_2M;

    init(&e, true, false);
    assert_int_equal(ept_map(&e, start, start, size, EPT_RWX), 0);
    /* 4 KiB head to 0x200000, 2 MiB at 0x200000 and 0x400000, 511 x 4 KiB tail */
    assert_int_equal(e.tables, 5); /* PML4, PDPT, PD, two PTs */
    expect_map(&e, 0x1ff000, 0x1ff000, EPT_RWX, 0);
    expect_map(&e, 0x200000, 0x200000, EPT_RWX, 1);
    expect_map(&e, 0x5ff000, 0x5ff000, EPT_RWX, 1);
    expect_map(&e, 0x600000, 0x600000, EPT_RWX, 0);
    expect_map(&e, 0x7fe000, 0x7fe000, EPT_RWX, 0);
    expect_unmapped(&e, 0x7ff000);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 1 + 511);
    assert_int_equal(w.leaves[1], 2);
    ept_destroy(&e);
}

static void test_hpa_misaligned_relative_to_gpa(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, 0, SZ_2M + SZ_4K, 2 * SZ_2M, EPT_RWX), 0);
    expect_map(&e, 0, SZ_2M + SZ_4K, EPT_RWX, 0);
    expect_map(&e, 3 * SZ_2M / 2, 5 * SZ_2M / 2 + SZ_4K, EPT_RWX, 0);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 1024);
    assert_int_equal(w.leaves[1] + w.leaves[2], 0);
    ept_destroy(&e);
}

static void test_translate_inside_large_pages(void **state)
{
    struct ept e;
    uint64_t h, p;
    unsigned l;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, SZ_1G, 7 * SZ_1G, SZ_1G, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, 0x600000, 0xabc00000, SZ_2M, EPT_R), 0);
    expect_map(&e, SZ_1G + 0x12345000, 7 * SZ_1G + 0x12345000, EPT_RWX, 2);
    expect_map(&e, 2 * SZ_1G - SZ_4K, 8 * SZ_1G - SZ_4K, EPT_RWX, 2);
    expect_map(&e, 0x6a7000, 0xabca7000, EPT_R, 1);
    /* Sub-page offsets in gpa pass through. */
    assert_int_equal(ept_translate(&e, SZ_1G + 0x12345678, &h, &p, &l), 0);
    assert_int_equal(h, 7 * SZ_1G + 0x12345678);
    assert_int_equal(ept_translate(&e, 0x7fffff, &h, &p, &l), 0);
    assert_int_equal(h, 0xabdfffff);
    assert_int_equal(l, 1);
    ept_destroy(&e);
}

static void test_prot_bits(void **state)
{
    static const uint64_t prots[] = {EPT_R, EPT_R | EPT_W, EPT_R | EPT_X, EPT_X, EPT_RWX};
    struct ept e;
    int lvl;

    init(&e, true, true);
    for (unsigned i = 0; i < ARRAY_SIZE(prots); i++) {
        uint64_t g4 = 0x1000 * (i + 1), g2 = SZ_2M * (i + 1), g1 = SZ_1G * (i + 1);
        assert_int_equal(ept_map(&e, g4, 0x9000000 + g4, SZ_4K, prots[i]), 0);
        assert_int_equal(ept_map(&e, g2, 0x9000000 + g2, SZ_2M, prots[i]), 0);
        assert_int_equal(ept_map(&e, g1, 0x40000000 + g1, SZ_1G, prots[i]), 0);
        expect_map(&e, g4, 0x9000000 + g4, prots[i], 0);
        expect_map(&e, g2 + 0x3000, 0x9000000 + g2 + 0x3000, prots[i], 1);
        expect_map(&e, g1 + SZ_2M, 0x40000000 + g1 + SZ_2M, prots[i], 2);
        assert_int_equal(raw_entry(&e, g4, &lvl) & 0xfff, prots[i] | MT_WB);
        assert_int_equal(raw_entry(&e, g2, &lvl) & 0xfff, prots[i] | MT_WB | LARGE);
        assert_int_equal(raw_entry(&e, g1, &lvl) & 0xfff, prots[i] | MT_WB | LARGE);
    }
    check_tree(&e);
    ept_destroy(&e);
}

static void test_remap_changes_prot_and_hpa(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, 0x5000, 0x10000, SZ_4K, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, 0x5000, 0x20000, SZ_4K, EPT_R), 0);
    expect_map(&e, 0x5000, 0x20000, EPT_R, 0);
    assert_int_equal(ept_map(&e, SZ_2M, SZ_2M, SZ_2M, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, SZ_2M, 4 * SZ_2M, SZ_2M, EPT_R | EPT_X), 0);
    expect_map(&e, SZ_2M + SZ_4K, 4 * SZ_2M + SZ_4K, EPT_R | EPT_X, 1);
    assert_int_equal(e.tables, 4);
    check_tree(&e);
    ept_destroy(&e);
}

/* A 2 MiB map where a page table already exists falls back to 4 KiB leaves. */
static void test_map_over_finer_table_2m(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, SZ_2M + 0x5000, 0x77000, SZ_4K, EPT_R), 0);
    assert_int_equal(e.tables, 4);
    assert_int_equal(ept_map(&e, SZ_2M, 0x40000000, 2 * SZ_2M, EPT_RWX), 0);
    /* First 2 MiB through the existing PT, second as one 2 MiB leaf. */
    assert_int_equal(e.tables, 4);
    for (uint64_t off = 0; off < SZ_2M; off += SZ_4K)
        expect_map(&e, SZ_2M + off, 0x40000000 + off, EPT_RWX, 0);
    expect_map(&e, 2 * SZ_2M, 0x40000000 + SZ_2M, EPT_RWX, 1);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 512);
    assert_int_equal(w.leaves[1], 1);
    ept_destroy(&e);
}

/* A 1 GiB map over a GiB that has a page directory falls back to 2 MiB, then 4 KiB. */
static void test_map_over_finer_table_1g(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, SZ_1G + 5 * SZ_2M + 0x3000, 0x3000, SZ_4K, EPT_R), 0);
    assert_int_equal(e.tables, 4); /* PML4, PDPT, PD, PT */
    assert_int_equal(ept_map(&e, SZ_1G, 4 * SZ_1G, SZ_1G, EPT_RWX), 0);
    assert_int_equal(e.tables, 4);
    expect_map(&e, SZ_1G, 4 * SZ_1G, EPT_RWX, 1);
    expect_map(&e, SZ_1G + 4 * SZ_2M + 0x1000, 4 * SZ_1G + 4 * SZ_2M + 0x1000, EPT_RWX, 1);
    expect_map(&e, SZ_1G + 5 * SZ_2M, 4 * SZ_1G + 5 * SZ_2M, EPT_RWX, 0);
    expect_map(&e, SZ_1G + 5 * SZ_2M + 0x3000, 4 * SZ_1G + 5 * SZ_2M + 0x3000, EPT_RWX, 0);
    expect_map(&e, SZ_1G + 6 * SZ_2M, 4 * SZ_1G + 6 * SZ_2M, EPT_RWX, 1);
    expect_map(&e, 2 * SZ_1G - SZ_4K, 5 * SZ_1G - SZ_4K, EPT_RWX, 1);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 512);
    assert_int_equal(w.leaves[1], 511);
    assert_int_equal(w.leaves[2], 0);
    assert_int_equal(w.mapped, SZ_1G);
    ept_destroy(&e);
}

/* Mapping 4 KiB inside a 2 MiB leaf splits it, keeping the rest. */
static void test_map_4k_inside_2m_splits(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, 0x800000, 0x1000000, SZ_2M, EPT_R | EPT_X), 0);
    assert_int_equal(ept_map(&e, 0x842000, 0x5555000, SZ_4K, EPT_RWX), 0);
    assert_int_equal(e.tables, 4);
    expect_map(&e, 0x842000, 0x5555000, EPT_RWX, 0);
    expect_map(&e, 0x841000, 0x1041000, EPT_R | EPT_X, 0);
    expect_map(&e, 0x843000, 0x1043000, EPT_R | EPT_X, 0);
    expect_map(&e, 0x800000, 0x1000000, EPT_R | EPT_X, 0);
    expect_map(&e, 0x9ff000, 0x11ff000, EPT_R | EPT_X, 0);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 512);
    assert_int_equal(w.mapped, SZ_2M);
    ept_destroy(&e);
}

/* Mapping 2 MiB inside a 1 GiB leaf splits it into 2 MiB leaves. */
static void test_map_2m_inside_1g_splits(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, 0, 2 * SZ_1G, SZ_1G, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, 3 * SZ_2M, 0x7fe00000, SZ_2M, EPT_R), 0);
    assert_int_equal(e.tables, 3);
    expect_map(&e, 3 * SZ_2M + SZ_4K, 0x7fe00000 + SZ_4K, EPT_R, 1);
    expect_map(&e, 2 * SZ_2M, 2 * SZ_1G + 2 * SZ_2M, EPT_RWX, 1);
    expect_map(&e, 4 * SZ_2M, 2 * SZ_1G + 4 * SZ_2M, EPT_RWX, 1);
    expect_map(&e, SZ_1G - SZ_4K, 3 * SZ_1G - SZ_4K, EPT_RWX, 1);
    check_tree(&e);
    assert_int_equal(w.leaves[1], 512);
    ept_destroy(&e);
}

static void test_unmap_whole_large_pages(void **state)
{
    struct ept e;
    int lvl;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, SZ_1G, SZ_1G, SZ_1G, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, 0x400000, 0x400000, 2 * SZ_2M, EPT_RWX), 0);
    assert_int_equal(e.tables, 3);
    assert_int_equal(ept_unmap(&e, SZ_1G, SZ_1G), 0);
    expect_unmapped(&e, SZ_1G);
    expect_unmapped(&e, 2 * SZ_1G - SZ_4K);
    assert_int_equal(raw_entry(&e, SZ_1G, &lvl), 0);
    assert_int_equal(lvl, 2);
    assert_int_equal(ept_unmap(&e, 0x400000, SZ_2M), 0);
    expect_unmapped(&e, 0x400000);
    expect_unmapped(&e, 0x5ff000);
    assert_int_equal(raw_entry(&e, 0x400000, &lvl), 0);
    assert_int_equal(lvl, 1);
    expect_map(&e, 0x600000, 0x600000, EPT_RWX, 1);
    assert_int_equal(e.tables, 3); /* no split happened */
    check_tree(&e);
    assert_int_equal(w.mapped, SZ_2M);
    ept_destroy(&e);
}

static void test_unmap_part_of_2m_splits(void **state)
{
    struct ept e;
    const uint64_t g = 0x600000, h = 0x3400000;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, g, h, SZ_2M, EPT_R | EPT_W), 0);
    assert_int_equal(ept_unmap(&e, g + 0x10000, 3 * SZ_4K), 0);
    assert_int_equal(e.tables, 4);
    for (uint64_t off = 0; off < SZ_2M; off += SZ_4K) {
        if (off >= 0x10000 && off < 0x13000)
            expect_unmapped(&e, g + off);
        else
            expect_map(&e, g + off, h + off, EPT_R | EPT_W, 0);
    }
    check_tree(&e);
    assert_int_equal(w.leaves[0], 509);
    assert_int_equal(w.mapped, SZ_2M - 3 * SZ_4K);
    ept_destroy(&e);
}

static void test_unmap_part_of_1g_splits(void **state)
{
    struct ept e;
    const uint64_t g = 2 * SZ_1G, h = 5 * SZ_1G, hole = g + 7 * SZ_2M + 0x9000;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, g, h, SZ_1G, EPT_RWX), 0);
    assert_int_equal(ept_unmap(&e, hole, SZ_4K), 0);
    assert_int_equal(e.tables, 4); /* PD and PT added, PD shared with nothing */
    expect_unmapped(&e, hole);
    expect_map(&e, hole - SZ_4K, h + (hole - g) - SZ_4K, EPT_RWX, 0);
    expect_map(&e, hole + SZ_4K, h + (hole - g) + SZ_4K, EPT_RWX, 0);
    expect_map(&e, g + 7 * SZ_2M, h + 7 * SZ_2M, EPT_RWX, 0);
    expect_map(&e, g + 6 * SZ_2M + 0x5000, h + 6 * SZ_2M + 0x5000, EPT_RWX, 1);
    expect_map(&e, g + 8 * SZ_2M, h + 8 * SZ_2M, EPT_RWX, 1);
    expect_map(&e, g, h, EPT_RWX, 1);
    expect_map(&e, g + SZ_1G - SZ_4K, h + SZ_1G - SZ_4K, EPT_RWX, 1);
    check_tree(&e);
    assert_int_equal(w.leaves[0], 511);
    assert_int_equal(w.leaves[1], 511);
    assert_int_equal(w.mapped, SZ_1G - SZ_4K);

    /* Unmapping a whole 2 MiB inside the split GiB needs no further split. */
    assert_int_equal(ept_unmap(&e, g + 2 * SZ_2M, SZ_2M), 0);
    assert_int_equal(e.tables, 4);
    expect_unmapped(&e, g + 2 * SZ_2M + 0x1000);
    ept_destroy(&e);
}

/* An unmap straddling a large page's edge splits only the partial ends. */
static void test_unmap_straddling(void **state)
{
    struct ept e;

    init(&e, true, false);
    assert_int_equal(ept_map(&e, 0, 0x10000000, 3 * SZ_2M, EPT_RWX), 0);
    assert_int_equal(ept_unmap(&e, SZ_2M - SZ_4K, SZ_2M + 2 * SZ_4K), 0);
    assert_int_equal(e.tables, 5);
    expect_map(&e, SZ_2M - 2 * SZ_4K, 0x10000000 + SZ_2M - 2 * SZ_4K, EPT_RWX, 0);
    expect_unmapped(&e, SZ_2M - SZ_4K);
    expect_unmapped(&e, SZ_2M);
    expect_unmapped(&e, 2 * SZ_2M);
    expect_map(&e, 2 * SZ_2M + SZ_4K, 0x10000000 + 2 * SZ_2M + SZ_4K, EPT_RWX, 0);
    check_tree(&e);
    assert_int_equal(w.mapped, 3 * SZ_2M - SZ_2M - 2 * SZ_4K);
    ept_destroy(&e);
}

static void test_unmap_unmapped(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_unmap(&e, 0, SZ_4K), 0);
    assert_int_equal(ept_unmap(&e, 0x123000, 5 * SZ_1G), 0);
    assert_int_equal(ept_unmap(&e, 0, 1ULL << 48), 0); /* whole space, empty */
    assert_int_equal(e.tables, 1);
    /* Partly mapped: only the mapped part goes, nothing else is touched. */
    assert_int_equal(ept_map(&e, 0x5000, 0x5000, 2 * SZ_4K, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, 600 * SZ_1G, 0, SZ_1G, EPT_RWX), 0);
    assert_int_equal(ept_unmap(&e, 0x3000, 3 * SZ_4K), 0);
    expect_unmapped(&e, 0x5000);
    expect_map(&e, 0x6000, 0x6000, EPT_RWX, 0);
    assert_int_equal(ept_unmap(&e, 0x6000, SZ_1G), 0);
    expect_unmapped(&e, 0x6000);
    assert_int_equal(ept_unmap(&e, 0, 1ULL << 48), 0);
    expect_unmapped(&e, 600 * SZ_1G);
    check_tree(&e);
    assert_int_equal(w.mapped, 0);
    assert_int_equal(e.tables, 5); /* empty tables stay until destroy */
    ept_destroy(&e);
    assert_int_equal(fm.outstanding, 0);
}

static void test_top_of_gpa_space(void **state)
{
    struct ept e;
    const uint64_t top = 1ULL << 48;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, top - SZ_4K, 0x1000, SZ_4K, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, top - 2 * SZ_1G, 0, SZ_1G, EPT_R), 0);
    expect_map(&e, top - SZ_4K, 0x1000, EPT_RWX, 0);
    expect_map(&e, top - 2 * SZ_1G + SZ_2M, SZ_2M, EPT_R, 2);
    assert_int_equal(ept_unmap(&e, top - SZ_1G, SZ_1G), 0);
    expect_unmapped(&e, top - SZ_4K);
    check_tree(&e);
    ept_destroy(&e);
}

static void test_invalid_args(void **state)
{
    struct ept e;
    const uint64_t top = 1ULL << 48;

    init(&e, true, true);
    /* alignment */
    assert_int_equal(ept_map(&e, 0x800, 0, SZ_4K, EPT_RWX), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x10, SZ_4K, EPT_RWX), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, 0x1800, EPT_RWX), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, 1, EPT_RWX), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, 0, EPT_RWX), -EINVAL);
    /* protections */
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, SZ_4K, 0), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, SZ_4K, 1ULL << 3), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, SZ_4K, EPT_RWX | LARGE), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, SZ_4K, EPT_R | MT_WB), -EINVAL);
    assert_int_equal(ept_map(&e, 0x1000, 0x1000, SZ_4K, EPT_R | (1ULL << 63)), -EINVAL);
    /* range */
    assert_int_equal(ept_map(&e, top, 0, SZ_4K, EPT_RWX), -EINVAL);
    assert_int_equal(ept_map(&e, 1ULL << 52, 0, SZ_4K, EPT_RWX), -EINVAL);
    assert_int_equal(ept_map(&e, top - SZ_4K, 0, 2 * SZ_4K, EPT_RWX), -EINVAL);
    assert_int_equal(ept_map(&e, SZ_4K, 0, ~0xfffULL, EPT_RWX), -EINVAL);     /* wraps */
    assert_int_equal(ept_map(&e, ~0xfffULL, 0, 2 * SZ_4K, EPT_RWX), -EINVAL); /* wraps */
    assert_int_equal(ept_map(&e, 0, 0, top + SZ_4K, EPT_RWX), -EINVAL);

    assert_int_equal(ept_unmap(&e, 0x800, SZ_4K), -EINVAL);
    assert_int_equal(ept_unmap(&e, 0x1000, 0x800), -EINVAL);
    assert_int_equal(ept_unmap(&e, 0x1000, 0), -EINVAL);
    assert_int_equal(ept_unmap(&e, top, SZ_4K), -EINVAL);
    assert_int_equal(ept_unmap(&e, top - SZ_4K, 2 * SZ_4K), -EINVAL);
    assert_int_equal(ept_unmap(&e, SZ_4K, ~0xfffULL), -EINVAL);
    assert_int_equal(ept_unmap(&e, ~0xfffULL, 2 * SZ_4K), -EINVAL);

    /* Nothing was allocated or mapped. */
    assert_int_equal(e.tables, 1);
    assert_int_equal(fm.used, 1);
    expect_unmapped(&e, 0x1000);
    /* Edge that is valid: the whole space. */
    assert_int_equal(ept_unmap(&e, 0, top), 0);
    ept_destroy(&e);
}

/* Every allocation budget: map either works or says -ENOMEM, leaving a sane tree. */
static void test_map_alloc_failure(void **state)
{
    const uint64_t start = SZ_1G - SZ_2M - SZ_4K, end = 2 * SZ_1G + SZ_2M + 2 * SZ_4K;
    bool succeeded = false;

    for (long budget = 0; budget <= 6 && !succeeded; budget++) {
        struct ept e;
        int err;

        init(&e, true, true);
        fm.allocs_left = budget;
        err = ept_map(&e, start, start, end - start, EPT_RWX);
        if (budget < 5) {
            assert_int_equal(err, -ENOMEM);
        } else {
            assert_int_equal(err, 0);
            succeeded = true;
            expect_map(&e, end - SZ_4K, end - SZ_4K, EPT_RWX, 0);
        }
        check_tree(&e);
        ept_destroy(&e);
        assert_int_equal(fm.outstanding, 0);
        assert_int_equal(e.tables, 0);
        teardown(state);
        setup(state);
    }
    assert_true(succeeded);
}

static void test_split_alloc_failure(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, 0, 0x40000000, SZ_2M, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, SZ_1G, 0x80000000, SZ_1G, EPT_RWX), 0);
    fm.allocs_left = 0;
    /* Neither the 4 KiB map nor the partial unmaps can split: the mappings stay. */
    assert_int_equal(ept_map(&e, 0x3000, 0x9000, SZ_4K, EPT_R), -ENOMEM);
    assert_int_equal(ept_unmap(&e, 0x3000, SZ_4K), -ENOMEM);
    assert_int_equal(ept_unmap(&e, SZ_1G + SZ_2M, SZ_2M), -ENOMEM);
    expect_map(&e, 0x3000, 0x40003000, EPT_RWX, 1);
    expect_map(&e, SZ_1G + SZ_2M, 0x80200000, EPT_RWX, 2);
    check_tree(&e);
    assert_int_equal(e.tables, 3);
    /* Whole large pages need no allocation. */
    assert_int_equal(ept_unmap(&e, SZ_1G, SZ_1G), 0);
    expect_unmapped(&e, SZ_1G);
    /* One page: 1 GiB splits into 2 MiB, then the 2 MiB split fails. */
    assert_int_equal(ept_map(&e, 3 * SZ_1G, 0, SZ_1G, EPT_RWX), 0);
    fm.allocs_left = 1;
    assert_int_equal(ept_unmap(&e, 3 * SZ_1G + SZ_4K, SZ_4K), -ENOMEM);
    expect_map(&e, 3 * SZ_1G + SZ_4K, SZ_4K, EPT_RWX, 1);
    expect_map(&e, 3 * SZ_1G + SZ_2M, SZ_2M, EPT_RWX, 1);
    check_tree(&e);
    ept_destroy(&e);
    assert_int_equal(fm.outstanding, 0);
}

static void test_destroy_frees_everything(void **state)
{
    struct ept e;

    init(&e, true, true);
    assert_int_equal(ept_map(&e, 0x1ff000, 0x1ff000, SZ_1G + 5 * SZ_2M, EPT_RWX), 0);
    assert_int_equal(ept_map(&e, 100 * SZ_1G, 0, 2 * SZ_1G, EPT_R), 0);
    assert_int_equal(ept_map(&e, 1000 * SZ_1G + 0x7000, 0x7000, 0x5000, EPT_R), 0);
    assert_int_equal(ept_unmap(&e, 100 * SZ_1G + 0x3000, SZ_4K), 0);
    assert_int_equal(ept_unmap(&e, 0x600000 + 0x3000, SZ_4K), 0);
    check_tree(&e);
    assert_true(e.tables > 8);
    unsigned used = fm.used;
    ept_destroy(&e);
    assert_int_equal(e.tables, 0);
    assert_int_equal(e.pml4, 0);
    assert_int_equal(fm.outstanding, 0);
    assert_int_equal(fm.frees, used);
    for (unsigned i = 0; i < fm.used; i++)
        assert_false(fm.live[i]);
}

static void test_ept_pointer(void **state)
{
    struct ept e;
    uint64_t eptp;

    fm.allocs_left = -1;
    /* Make the PML4 not the first page, so its address is not trivially the base. */
    assert_int_not_equal(fake_alloc(&fm), 0);
    assert_int_not_equal(fake_alloc(&fm), 0);
    init(&e, true, true);
    eptp = ept_pointer(&e);
    assert_int_equal(e.pml4, FAKE_BASE + 2 * 4096);
    assert_int_equal(eptp & 7, 6);           /* WB */
    assert_int_equal((eptp >> 3) & 7, 3);    /* 4-level walk minus 1 */
    assert_int_equal(eptp & (1ULL << 6), 0); /* no A/D flags */
    assert_int_equal(eptp & 0xf80, 0);       /* reserved */
    assert_int_equal(eptp & ~0xfffULL, e.pml4);
    assert_int_equal(eptp, FAKE_BASE + 2 * 4096 + 0x1e);
    ept_destroy(&e);
    assert_int_equal(fm.outstanding, 2);
}

/* ---- randomized against a flat model ---- */

#define WIN (4 * SZ_1G)
#define WIN_PAGES (WIN >> 12)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A 4 KiB multiple below limit, usually 2 MiB or 1 GiB aligned, sometimes just off. */
static uint64_t rnd_aligned(uint64_t limit)
{
    static const uint64_t al[] = {SZ_4K, SZ_2M, SZ_2M, SZ_1G, SZ_1G};
    uint64_t a = al[rnd() % 5], v = (rnd() % limit) & ~(a - 1);

    if (rnd() % 4 == 0)
        v += ((rnd() % 5) - 2) * SZ_4K;
    return v % limit;
}

/* A size for a range starting below limit: a few 4 KiB, 2 MiB or 1 GiB units, sometimes +-4 KiB. */
static uint64_t rnd_size(uint64_t limit)
{
    static const uint64_t al[] = {SZ_4K, SZ_2M, SZ_2M, SZ_1G, SZ_1G};
    uint64_t v = (1 + rnd() % 3) * al[rnd() % 5];

    if (rnd() % 4 == 0)
        v += ((rnd() % 3) - 1) * SZ_4K;
    v = MIN(v, limit);
    return v ? v : SZ_4K;
}

static void test_random_against_model(void **state)
{
    static const uint64_t prots[] = {EPT_R, EPT_R | EPT_W, EPT_X, EPT_RWX};
    uint64_t *model = calloc(WIN_PAGES, sizeof(*model));
    struct ept e;
    uint64_t pages = 0;

    assert_non_null(model);
    for (int round = 0; round < 10; round++) {
        int cfg = round == 0 ? 0 : round < 4 ? 1 : 2; /* 4 KiB only, + 2 MiB, + 1 GiB */

        init(&e, cfg > 0, cfg > 1);
        memset(model, 0, WIN_PAGES * sizeof(*model));
        pages = 0;
        for (int op = 0; op < 12; op++) {
            uint64_t gpa = rnd_aligned(WIN), size = rnd_size(WIN - gpa);
            if (rnd() % 3) {
                uint64_t hpa = rnd_aligned(64 * SZ_1G), prot = prots[rnd() % 4];
                if (rnd() % 4) /* keep alignment relative to gpa */
                    hpa = (rnd() % 64) * SZ_1G + gpa;
                assert_int_equal(ept_map(&e, gpa, hpa, size, prot), 0);
                for (uint64_t off = 0; off < size; off += SZ_4K) {
                    pages += !model[(gpa + off) >> 12];
                    model[(gpa + off) >> 12] = (hpa + off) | prot;
                }
            } else {
                assert_int_equal(ept_unmap(&e, gpa, size), 0);
                for (uint64_t off = 0; off < size; off += SZ_4K) {
                    pages -= !!model[(gpa + off) >> 12];
                    model[(gpa + off) >> 12] = 0;
                }
            }
            w.model = model;
            w.model_pages = WIN_PAGES;
            check_tree(&e);
            w.model = NULL;
            assert_int_equal(w.mapped, pages << 12);
            if (!cfg)
                assert_int_equal(w.leaves[1] + w.leaves[2], 0);
            if (cfg < 2)
                assert_int_equal(w.leaves[2], 0);
            /* Spot-check translate too. */
            for (int k = 0; k < 64; k++) {
                uint64_t g = (rnd() % WIN) & ~0xfffULL, h, p;
                unsigned l;
                if (model[g >> 12]) {
                    assert_int_equal(ept_translate(&e, g, &h, &p, &l), 0);
                    assert_int_equal(h | p, model[g >> 12]);
                } else {
                    expect_unmapped(&e, g);
                }
            }
        }
        ept_destroy(&e);
        assert_int_equal(fm.outstanding, 0);
        teardown(state);
        setup(state);
    }
    free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_one_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_alloc_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_2m_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_2m_uses_4k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_1g_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_1g_needs_hpa_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_1g_off_uses_2m, setup, teardown),
        cmocka_unit_test_setup_teardown(test_1g_without_2m_uses_4k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unaligned_range_mixed_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unaligned_range_2m_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hpa_misaligned_relative_to_gpa, setup, teardown),
        cmocka_unit_test_setup_teardown(test_translate_inside_large_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prot_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remap_changes_prot_and_hpa, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_over_finer_table_2m, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_over_finer_table_1g, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_4k_inside_2m_splits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_2m_inside_1g_splits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_whole_large_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_part_of_2m_splits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_part_of_1g_splits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_straddling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_unmapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_of_gpa_space, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_alloc_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_alloc_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_frees_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ept_pointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
