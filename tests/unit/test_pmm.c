/* SPDX-License-Identifier: MIT */
/* unit-srcs: kernel/pmm.c lib/string.c */
/*
 * Bitmap page allocator tests. The bitmap is malloc'ed at exactly
 * pmm_bitmap_bytes() so AddressSanitizer catches any access past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "lib/errno.h"
#include "kernel/pmm.h"

#define PG(n) ((uint64_t)(n)*PAGE_SIZE)

static struct pmm p;
static uint64_t *bitmap;

static void init(uint64_t max_phys)
{
    free(bitmap);
    bitmap = malloc(pmm_bitmap_bytes(max_phys) ? pmm_bitmap_bytes(max_phys) : 1);
    assert_non_null(bitmap);
    pmm_init(&p, bitmap, max_phys);
}

static int teardown(void **state)
{
    free(bitmap);
    bitmap = NULL;
    return 0;
}

static void assert_counts(uint64_t total, uint64_t free_pages)
{
    assert_int_equal(p.total, total);
    assert_int_equal(p.free, free_pages);
}

/* ------------------------------------------------------------ setup and ranges */

static void test_bitmap_bytes(void **state)
{
    /* two bits per page: availability and "managed" */
    assert_int_equal(pmm_bitmap_bytes(0), 0);
    assert_int_equal(pmm_bitmap_bytes(1), 16);
    assert_int_equal(pmm_bitmap_bytes(PG(64)), 16);
    assert_int_equal(pmm_bitmap_bytes(PG(64) + 1), 32);
    assert_int_equal(pmm_bitmap_bytes(PG(65)), 32);
    assert_int_equal(pmm_bitmap_bytes(GiB(4)), KiB(256));
}

static void test_init_has_nothing(void **state)
{
    init(MiB(4));
    assert_int_equal(p.npages, 1024);
    assert_counts(0, 0);
    assert_int_equal(pmm_alloc(&p, 1, 1), 0);
}

static void test_add_range_counts(void **state)
{
    init(MiB(4));
    pmm_add_range(&p, MiB(1), MiB(2));
    assert_counts(256, 256);
    pmm_add_range(&p, MiB(3), MiB(4));
    assert_counts(512, 512);
}

static void test_add_range_twice_counts_once(void **state)
{
    init(MiB(4));
    pmm_add_range(&p, MiB(1), MiB(2));
    pmm_add_range(&p, MiB(1) + PG(128), MiB(3));
    assert_counts(512, 512);
}

static void test_add_range_unaligned_shrinks(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(1) + 1, PG(4) + 1); /* whole pages 2 and 3 only */
    assert_counts(2, 2);
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(2));
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(3));
    assert_int_equal(pmm_alloc(&p, 1, 1), 0);
}

static void test_add_range_capped_at_max_phys(void **state)
{
    init(PG(100));
    pmm_add_range(&p, PG(90), MiB(64));
    assert_counts(10, 10);
    pmm_add_range(&p, PG(200), PG(300));
    assert_counts(10, 10);
}

static void test_odd_page_count(void **state)
{
    /* 70 pages: the bitmap's last word is partly beyond the end. */
    init(PG(70));
    pmm_add_range(&p, PG(1), PG(70));
    assert_counts(69, 69);
    assert_int_equal(pmm_alloc(&p, 69, 1), PG(1));
    assert_int_equal(pmm_alloc(&p, 1, 1), 0);
    assert_int_equal(pmm_free(&p, PG(69), 1), 0);
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(69));
}

/* ------------------------------------------------------------ allocation */

static void test_alloc_single_lowest_first(void **state)
{
    init(MiB(4));
    pmm_add_range(&p, MiB(2), MiB(3));
    pmm_add_range(&p, MiB(1), MiB(1) + PG(2));
    assert_int_equal(pmm_alloc(&p, 1, 1), MiB(1));
    assert_int_equal(pmm_alloc(&p, 1, 1), MiB(1) + PG(1));
    assert_int_equal(pmm_alloc(&p, 1, 1), MiB(2));
    assert_int_equal(pmm_alloc(&p, 1, 1), MiB(2) + PG(1));
    assert_counts(258, 254);
}

static void test_alloc_contiguous(void **state)
{
    init(MiB(4));
    pmm_add_range(&p, MiB(1), MiB(2));
    assert_int_equal(pmm_alloc(&p, 3, 1), MiB(1));
    assert_int_equal(pmm_alloc(&p, 5, 1), MiB(1) + PG(3));
    assert_int_equal(pmm_alloc(&p, 1, 1), MiB(1) + PG(8));
    assert_counts(256, 256 - 9);
}

static void test_alloc_aligned_2mib(void **state)
{
    init(MiB(8));
    pmm_add_range(&p, MiB(1) + PG(1), MiB(8));
    assert_int_equal(pmm_alloc(&p, 512, 512), MiB(2));
    assert_int_equal(pmm_alloc(&p, 512, 512), MiB(4));
    assert_int_equal(pmm_alloc(&p, 512, 512), MiB(6));
    assert_int_equal(pmm_alloc(&p, 512, 512), 0);
    /* The unaligned head is still there for small allocations. */
    assert_int_equal(pmm_alloc(&p, 1, 1), MiB(1) + PG(1));
    assert_counts(1791, 1791 - 3 * 512 - 1);
}

static void test_alloc_aligned_skips_unaligned_start(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(3), PG(40));
    assert_int_equal(pmm_alloc(&p, 2, 8), PG(8));
    assert_int_equal(pmm_alloc(&p, 1, 4), PG(4));
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(3));
    assert_int_equal(pmm_alloc(&p, 8, 8), PG(16));
}

static void test_alloc_bad_arguments(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(16), PG(64));
    assert_int_equal(pmm_alloc(&p, 0, 1), 0);
    assert_int_equal(pmm_alloc(&p, 1, 0), 0);
    assert_int_equal(pmm_alloc(&p, 1, 3), 0);
    assert_int_equal(pmm_alloc(&p, 1, 12), 0);
    assert_counts(48, 48);
}

static void test_alloc_exhaustion(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(10), PG(14));
    for (int i = 0; i < 4; i++)
        assert_int_equal(pmm_alloc(&p, 1, 1), PG(10 + i));
    assert_counts(4, 0);
    assert_int_equal(pmm_alloc(&p, 1, 1), 0);
    assert_counts(4, 0);
}

static void test_alloc_too_big_leaves_counts(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(10), PG(14));
    assert_int_equal(pmm_alloc(&p, 5, 1), 0);
    assert_int_equal(pmm_alloc(&p, 4, 8), 0); /* 4 fit, but not aligned to 8 */
    assert_counts(4, 4);
    assert_int_equal(pmm_alloc(&p, 4, 2), PG(10));
}

static void test_run_crossing_hole_not_returned(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(16), PG(24));
    pmm_add_range(&p, PG(25), PG(40)); /* page 24 is a hole */
    assert_int_equal(pmm_alloc(&p, 10, 1), PG(25));
    assert_int_equal(pmm_alloc(&p, 9, 1), 0);
    assert_int_equal(pmm_alloc(&p, 8, 1), PG(16));
    assert_counts(23, 5);
}

static void test_fragmentation(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(32), PG(48));
    for (int i = 0; i < 16; i++)
        assert_int_equal(pmm_alloc(&p, 1, 1), PG(32 + i));
    for (int i = 1; i < 16; i += 2)
        assert_int_equal(pmm_free(&p, PG(32 + i), 1), 0);
    assert_counts(16, 8);
    assert_int_equal(pmm_alloc(&p, 2, 1), 0); /* 8 free pages, no two adjacent */
    assert_counts(16, 8);
    assert_int_equal(pmm_free(&p, PG(32 + 6), 1), 0); /* joins 37..39 */
    assert_int_equal(pmm_alloc(&p, 3, 1), PG(37));
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(33));
}

/* ------------------------------------------------------------ freeing */

static void test_free_then_realloc_same_pages(void **state)
{
    uint64_t a, b;

    init(MiB(4));
    pmm_add_range(&p, MiB(1), MiB(4));
    a = pmm_alloc(&p, 4, 1);
    b = pmm_alloc(&p, 4, 1);
    assert_int_equal(b, a + PG(4));
    assert_int_equal(pmm_free(&p, a, 4), 0);
    assert_counts(768, 764);
    assert_int_equal(pmm_alloc(&p, 4, 1), a);
    assert_int_equal(pmm_free(&p, b, 4), 0);
    assert_int_equal(pmm_alloc(&p, 2, 2), b);
}

static void test_free_lowers_hint(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    assert_int_equal(pmm_alloc(&p, 8, 1), PG(8));
    assert_int_equal(pmm_free(&p, PG(12), 1), 0);
    assert_int_equal(pmm_free(&p, PG(9), 1), 0);
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(9));
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(12));
}

static void test_double_free(void **state)
{
    uint64_t a;

    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    a = pmm_alloc(&p, 2, 1);
    assert_int_equal(pmm_free(&p, a, 2), 0);
    assert_int_equal(pmm_free(&p, a, 2), -EINVAL);
    assert_int_equal(pmm_free(&p, a + PG(1), 1), -EINVAL);
    assert_counts(8, 8);
}

static void test_free_never_allocated(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    assert_int_equal(pmm_free(&p, PG(10), 1), -EINVAL);
    assert_counts(8, 8);
}

static void test_free_hole_page_refused(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    pmm_add_range(&p, PG(32), PG(40));
    assert_int_equal(pmm_free(&p, PG(20), 1), -EINVAL); /* never handed to the allocator */
    assert_int_equal(pmm_free(&p, PG(0), 1), -EINVAL);
    assert_counts(16, 16);
}

static void test_free_removed_page_refused(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    pmm_remove_range(&p, PG(8), PG(10));
    assert_int_equal(pmm_free(&p, PG(8), 1), -EINVAL);
    assert_counts(6, 6);
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(10));
}

static void test_free_partly_allocated_frees_nothing(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    assert_int_equal(pmm_alloc(&p, 2, 1), PG(8));
    assert_int_equal(pmm_free(&p, PG(8), 3), -EINVAL); /* page 10 is free */
    assert_counts(8, 6);
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(10)); /* 8 and 9 stayed allocated */
}

static void test_free_misaligned(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(8));
    assert_int_equal(pmm_free(&p, PG(8) + 0x10, 1), -EINVAL);
    assert_int_equal(pmm_free(&p, PG(8) + PAGE_SIZE / 2, 1), -EINVAL);
    assert_counts(8, 7);
    assert_int_equal(pmm_free(&p, PG(8), 1), 0);
}

static void test_free_bad_ranges(void **state)
{
    init(PG(64));
    pmm_add_range(&p, PG(8), PG(64));
    assert_int_equal(pmm_alloc(&p, 56, 1), PG(8));
    assert_int_equal(pmm_free(&p, PG(8), 0), -EINVAL);
    assert_int_equal(pmm_free(&p, PG(64), 1), -EINVAL);
    assert_int_equal(pmm_free(&p, PG(60), 5), -EINVAL);
    assert_int_equal(pmm_free(&p, PG(60), UINT64_MAX), -EINVAL);
    assert_counts(56, 0);
}

/* ------------------------------------------------------------ pmm_remove_range */

static void test_remove_range(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(24));
    pmm_remove_range(&p, PG(8), PG(12));
    assert_counts(12, 12);
    assert_int_equal(pmm_alloc(&p, 12, 1), PG(12));
    assert_int_equal(pmm_alloc(&p, 1, 1), 0);
    assert_counts(12, 0);
}

static void test_remove_range_unaligned_grows(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(24));
    pmm_remove_range(&p, PG(10) + 1, PG(12) - 1); /* touches pages 10 and 11 */
    assert_counts(14, 14);
    assert_int_equal(pmm_alloc(&p, 3, 1), PG(12));
    assert_int_equal(pmm_alloc(&p, 2, 1), PG(8));
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(15));
}

static void test_remove_range_skips_allocated(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(8), PG(16));
    assert_int_equal(pmm_alloc(&p, 2, 1), PG(8));
    pmm_remove_range(&p, PG(8), PG(12)); /* 8, 9 are in use: only 10, 11 go */
    assert_counts(6, 4);
    assert_int_equal(pmm_alloc(&p, 1, 1), PG(12));
}

static void test_remove_range_beyond_end(void **state)
{
    init(PG(32));
    pmm_add_range(&p, PG(8), PG(32));
    pmm_remove_range(&p, PG(30), MiB(16));
    pmm_remove_range(&p, MiB(8), MiB(16));
    assert_counts(22, 22);
}

static void test_remove_then_run_avoids_hole(void **state)
{
    init(MiB(1));
    pmm_add_range(&p, PG(16), PG(48));
    pmm_remove_range(&p, PG(20), PG(21));
    assert_int_equal(pmm_alloc(&p, 8, 1), PG(21));
    assert_int_equal(pmm_alloc(&p, 4, 1), PG(16));
}

/* ------------------------------------------------------------ randomized */

#define STRESS_PAGES 2048
#define STRESS_OPS 20000
#define MAX_LIVE 256

/* Reference model: what the allocator should do, page by page. */
static bool managed[STRESS_PAGES]; /* added and not removed */
static bool used[STRESS_PAGES];
static struct {
    uint64_t pg, n;
} live[MAX_LIVE];
static unsigned nlive;

static uint32_t rng = 12345;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8) % n;
}

/* Lowest aligned run of n available pages in the model, or 0. */
static uint64_t model_alloc(uint64_t n, uint64_t align)
{
    for (uint64_t s = 0; s + n <= STRESS_PAGES; s += align) {
        uint64_t i = 0;
        while (i < n && managed[s + i] && !used[s + i])
            i++;
        if (i == n)
            return s;
    }
    return 0;
}

static void model_counts(uint64_t *total, uint64_t *nfree)
{
    *total = *nfree = 0;
    for (unsigned i = 0; i < STRESS_PAGES; i++) {
        *total += managed[i];
        *nfree += managed[i] && !used[i];
    }
}

static void stress_setup(void)
{
    init(PG(STRESS_PAGES));
    for (unsigned i = 0; i < STRESS_PAGES; i++)
        managed[i] = used[i] = false;
    nlive = 0;
    /* Several ranges with holes; page 0 never (0 means failure). */
    for (unsigned r = 0; r < 12; r++) {
        uint64_t b = 1 + rnd(STRESS_PAGES - 1), e = b + 1 + rnd(300);
        e = e > STRESS_PAGES ? STRESS_PAGES : e;
        pmm_add_range(&p, PG(b), PG(e));
        for (uint64_t i = b; i < e; i++)
            managed[i] = true;
    }
}

static void model_mark(uint64_t pg, uint64_t n, bool val)
{
    for (uint64_t i = 0; i < n; i++) {
        assert_true(managed[pg + i]);
        assert_int_not_equal(used[pg + i], val); /* never handed out twice */
        used[pg + i] = val;
    }
}

static void stress_alloc(void)
{
    uint64_t n = 1 + rnd(rnd(4) ? 4 : 64), align = 1ull << rnd(7);
    uint64_t want = model_alloc(n, align), got = pmm_alloc(&p, n, align);

    assert_int_equal(got, PG(want));
    if (!got)
        return;
    model_mark(want, n, true);
    if (nlive < MAX_LIVE) {
        live[nlive].pg = want;
        live[nlive++].n = n;
    } else {
        assert_int_equal(pmm_free(&p, got, n), 0);
        model_mark(want, n, false);
    }
}

/* Frees a random live block; sometimes tries a wrong free around it too. */
static void stress_free(void)
{
    unsigned k;
    uint64_t pg, n;

    if (!nlive)
        return;
    k = rnd(nlive);
    pg = live[k].pg;
    n = live[k].n;
    live[k] = live[--nlive];
    if (pg + n < STRESS_PAGES && managed[pg + n] && !used[pg + n])
        assert_int_equal(pmm_free(&p, PG(pg), n + 1), -EINVAL);
    assert_int_equal(pmm_free(&p, PG(pg), n), 0);
    model_mark(pg, n, false);
    if (rnd(4) == 0)
        assert_int_equal(pmm_free(&p, PG(pg), n), -EINVAL);
}

static void test_randomized_against_model(void **state)
{
    uint64_t total, nfree;

    stress_setup();
    for (unsigned op = 0; op < STRESS_OPS; op++) {
        if (rnd(100) < 55)
            stress_alloc();
        else
            stress_free();
        model_counts(&total, &nfree);
        assert_int_equal(p.total, total);
        assert_int_equal(p.free, nfree);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_bitmap_bytes, teardown),
        cmocka_unit_test_teardown(test_init_has_nothing, teardown),
        cmocka_unit_test_teardown(test_add_range_counts, teardown),
        cmocka_unit_test_teardown(test_add_range_twice_counts_once, teardown),
        cmocka_unit_test_teardown(test_add_range_unaligned_shrinks, teardown),
        cmocka_unit_test_teardown(test_add_range_capped_at_max_phys, teardown),
        cmocka_unit_test_teardown(test_odd_page_count, teardown),
        cmocka_unit_test_teardown(test_alloc_single_lowest_first, teardown),
        cmocka_unit_test_teardown(test_alloc_contiguous, teardown),
        cmocka_unit_test_teardown(test_alloc_aligned_2mib, teardown),
        cmocka_unit_test_teardown(test_alloc_aligned_skips_unaligned_start, teardown),
        cmocka_unit_test_teardown(test_alloc_bad_arguments, teardown),
        cmocka_unit_test_teardown(test_alloc_exhaustion, teardown),
        cmocka_unit_test_teardown(test_alloc_too_big_leaves_counts, teardown),
        cmocka_unit_test_teardown(test_run_crossing_hole_not_returned, teardown),
        cmocka_unit_test_teardown(test_fragmentation, teardown),
        cmocka_unit_test_teardown(test_free_then_realloc_same_pages, teardown),
        cmocka_unit_test_teardown(test_free_lowers_hint, teardown),
        cmocka_unit_test_teardown(test_double_free, teardown),
        cmocka_unit_test_teardown(test_free_never_allocated, teardown),
        cmocka_unit_test_teardown(test_free_partly_allocated_frees_nothing, teardown),
        cmocka_unit_test_teardown(test_free_misaligned, teardown),
        cmocka_unit_test_teardown(test_free_bad_ranges, teardown),
        cmocka_unit_test_teardown(test_remove_range, teardown),
        cmocka_unit_test_teardown(test_remove_range_unaligned_grows, teardown),
        cmocka_unit_test_teardown(test_remove_range_skips_allocated, teardown),
        cmocka_unit_test_teardown(test_remove_range_beyond_end, teardown),
        cmocka_unit_test_teardown(test_remove_then_run_avoids_hole, teardown),
        cmocka_unit_test_teardown(test_randomized_against_model, teardown),
        cmocka_unit_test_teardown(test_free_hole_page_refused, teardown),
        cmocka_unit_test_teardown(test_free_removed_page_refused, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
