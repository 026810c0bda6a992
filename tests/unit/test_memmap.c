/* SPDX-License-Identifier: MIT */
/* unit-srcs: kernel/memmap.c */
/* Firmware memory map → usable page ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "kernel/memmap.h"

#define USABLE(b, e) ((struct mem_range){(b), (e), MEM_USABLE})
#define RESERVED(b, e) ((struct mem_range){(b), (e), MEM_RESERVED})
#define RANGE(b, e, t) ((struct mem_range){(b), (e), (t)})

static struct mem_range out[16];

static int usable(const struct mem_range *map, unsigned n, const struct mem_range *resv,
                  unsigned nresv)
{
    for (unsigned i = 0; i < ARRAY_SIZE(out); i++)
        out[i] = RANGE(0xdead, 0xbeef, 99);
    return memmap_usable(map, n, resv, nresv, out, ARRAY_SIZE(out));
}

static void assert_out(unsigned i, uint64_t base, uint64_t end)
{
    assert_int_equal(out[i].base, base);
    assert_int_equal(out[i].end, end);
    assert_int_equal(out[i].type, MEM_USABLE);
}

static void test_single_usable(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(16))};

    assert_int_equal(usable(map, 1, NULL, 0), 1);
    assert_out(0, MiB(1), MiB(16));
}

static void test_non_usable_types_are_dropped(void **state)
{
    struct mem_range map[] = {
        RANGE(MiB(1), MiB(2), MEM_RESERVED),   RANGE(MiB(2), MiB(3), MEM_ACPI),
        RANGE(MiB(3), MiB(4), MEM_NVS),        RANGE(MiB(4), MiB(5), MEM_BAD),
        RANGE(MiB(5), MiB(6), MEM_PERSISTENT), USABLE(MiB(8), MiB(9)),
    };

    assert_int_equal(usable(map, ARRAY_SIZE(map), NULL, 0), 1);
    assert_out(0, MiB(8), MiB(9));
}

static void test_reserved_split(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(16))};
    struct mem_range resv[] = {{MiB(2), MiB(3), 0}};

    assert_int_equal(usable(map, 1, resv, 1), 2);
    assert_out(0, MiB(1), MiB(2));
    assert_out(1, MiB(3), MiB(16));
}

static void test_kernel_modules_and_first_mib(void **state)
{
    struct mem_range map[] = {USABLE(0, KiB(639)), USABLE(MiB(1), MiB(64))};
    struct mem_range resv[] = {
        {MiB(2), MiB(4), 0},   /* kernel image */
        {MiB(8), MiB(9), 0},   /* module 1 */
        {MiB(20), MiB(21), 0}, /* module 2 */
        {0, MiB(1), 0},        /* real-mode area */
    };

    assert_int_equal(usable(map, 2, resv, 4), 4);
    assert_out(0, MiB(1), MiB(2));
    assert_out(1, MiB(4), MiB(8));
    assert_out(2, MiB(9), MiB(20));
    assert_out(3, MiB(21), MiB(64));
}

static void test_unaligned_reserved_grows_to_pages(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(2))};
    struct mem_range resv[] = {{0x101800, 0x102001, 0}};

    assert_int_equal(usable(map, 1, resv, 1), 2);
    assert_out(0, 0x100000, 0x101000);
    assert_out(1, 0x103000, MiB(2));
}

static void test_reserved_at_edges(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(8))};
    struct mem_range resv[] = {{0, MiB(2), 0}, {MiB(7), MiB(10), 0}};

    assert_int_equal(usable(map, 1, resv, 2), 1);
    assert_out(0, MiB(2), MiB(7));
}

static void test_reserved_covers_everything(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(2)), USABLE(MiB(4), MiB(5))};
    struct mem_range resv[] = {{0, MiB(16), 0}};

    assert_int_equal(usable(map, 2, resv, 1), 0);
}

static void test_firmware_overlap_reserved_wins(void **state)
{
    /* A reserved hole inside, and ACPI data straddling the end of, a usable entry. */
    struct mem_range map[] = {
        USABLE(MiB(1), MiB(32)),
        RESERVED(MiB(4), MiB(5)),
        RANGE(MiB(30), MiB(40), MEM_ACPI),
    };

    assert_int_equal(usable(map, ARRAY_SIZE(map), NULL, 0), 2);
    assert_out(0, MiB(1), MiB(4));
    assert_out(1, MiB(5), MiB(30));
}

static void test_firmware_overlap_order_does_not_matter(void **state)
{
    struct mem_range map[] = {
        RANGE(0x7000, 0x9800, MEM_NVS), /* listed first, unaligned end */
        USABLE(0x1000, 0x20000),
    };

    assert_int_equal(usable(map, 2, NULL, 0), 2);
    assert_out(0, 0x1000, 0x7000);
    assert_out(1, 0xa000, 0x20000);
}

static void test_unaligned_usable_shrinks(void **state)
{
    struct mem_range map[] = {USABLE(0x100001, 0x104fff)};

    assert_int_equal(usable(map, 1, NULL, 0), 1);
    assert_out(0, 0x101000, 0x104000);
}

static void test_usable_smaller_than_page_vanishes(void **state)
{
    struct mem_range map[] = {USABLE(0x100001, 0x101fff), USABLE(0x200800, 0x201000)};

    assert_int_equal(usable(map, 2, NULL, 0), 0);
}

static void test_empty_and_inverted_entries_ignored(void **state)
{
    struct mem_range map[] = {USABLE(MiB(3), MiB(3)), USABLE(MiB(5), MiB(4)),
                              USABLE(MiB(1), MiB(2))};

    assert_int_equal(usable(map, 3, NULL, 0), 1);
    assert_out(0, MiB(1), MiB(2));
}

static void test_unsorted_sorted_and_merged(void **state)
{
    struct mem_range map[] = {
        USABLE(MiB(8), MiB(9)), USABLE(MiB(3), MiB(4)),
        USABLE(MiB(2), MiB(3)),                         /* adjacent to [3, 4) */
        USABLE(MiB(6), MiB(7)), USABLE(MiB(1), MiB(2)), /* adjacent to [2, 3) */
    };

    assert_int_equal(usable(map, ARRAY_SIZE(map), NULL, 0), 3);
    assert_out(0, MiB(1), MiB(4));
    assert_out(1, MiB(6), MiB(7));
    assert_out(2, MiB(8), MiB(9));
}

static void test_overlapping_usable_merged(void **state)
{
    struct mem_range map[] = {USABLE(MiB(2), MiB(6)), USABLE(MiB(1), MiB(3)),
                              USABLE(MiB(4), MiB(5))};

    assert_int_equal(usable(map, 3, NULL, 0), 1);
    assert_out(0, MiB(1), MiB(6));
}

static void test_empty_input(void **state)
{
    struct mem_range resv[] = {{0, MiB(1), 0}};

    assert_int_equal(usable(NULL, 0, NULL, 0), 0);
    assert_int_equal(usable(NULL, 0, resv, 1), 0);
}

static void test_capacity_exhausted_by_entries(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(2)), USABLE(MiB(3), MiB(4))};

    assert_int_equal(memmap_usable(map, 2, NULL, 0, out, 1), -ENOSPC);
    assert_int_equal(memmap_usable(map, 2, NULL, 0, out, 2), 2);
}

static void test_capacity_exhausted_by_split(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(4))};
    struct mem_range resv[] = {{MiB(2), MiB(3), 0}};

    assert_int_equal(memmap_usable(map, 1, resv, 1, out, 1), -ENOSPC);
    assert_int_equal(memmap_usable(map, 1, resv, 1, out, 2), 2);
}

static void test_capacity_zero(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), MiB(2))};

    assert_int_equal(memmap_usable(map, 1, NULL, 0, out, 0), -ENOSPC);
    assert_int_equal(memmap_usable(NULL, 0, NULL, 0, out, 0), 0);
}

static void test_capacity_reuses_emptied_ranges(void **state)
{
    /* [1, 2) is wholly reserved; its slot must serve the split of [4, 8). */
    struct mem_range map[] = {USABLE(MiB(1), MiB(2)), USABLE(MiB(4), MiB(8))};
    struct mem_range resv[] = {{0, MiB(2), 0}, {MiB(5), MiB(6), 0}};

    assert_int_equal(memmap_usable(map, 2, resv, 2, out, 2), 2);
    assert_out(0, MiB(4), MiB(5));
    assert_out(1, MiB(6), MiB(8));
}

static void test_reserved_up_to_top_of_address_space(void **state)
{
    struct mem_range map[] = {USABLE(MiB(1), GiB(8))};
    struct mem_range resv[] = {{GiB(4), UINT64_MAX, 0}};

    assert_int_equal(usable(map, 1, resv, 1), 1);
    assert_out(0, MiB(1), GiB(4));
}

static void test_usable_at_top_of_address_space(void **state)
{
    /* Rounding the base up must not wrap to 0 and make everything usable. */
    struct mem_range map[] = {USABLE(UINT64_MAX - 0x7ff, UINT64_MAX), USABLE(MiB(1), MiB(2))};

    assert_int_equal(usable(map, 2, NULL, 0), 1);
    assert_out(0, MiB(1), MiB(2));
}

static void test_memmap_bytes(void **state)
{
    struct mem_range r[] = {USABLE(MiB(1), MiB(4)), USABLE(GiB(4), GiB(6)), USABLE(0x1000, 0x2000)};

    assert_int_equal(memmap_bytes(r, 3), MiB(3) + GiB(2) + 0x1000);
    assert_int_equal(memmap_bytes(r, 1), MiB(3));
    assert_int_equal(memmap_bytes(r, 0), 0);
}

static void test_mem_type_name(void **state)
{
    assert_string_equal(mem_type_name(MEM_USABLE), "usable");
    assert_string_equal(mem_type_name(MEM_RESERVED), "reserved");
    assert_string_equal(mem_type_name(MEM_ACPI), "ACPI data");
    assert_string_equal(mem_type_name(MEM_NVS), "ACPI NVS");
    assert_string_equal(mem_type_name(MEM_BAD), "bad");
    assert_string_equal(mem_type_name(MEM_PERSISTENT), "persistent");
    assert_string_equal(mem_type_name(6), "reserved");
    assert_string_equal(mem_type_name(0xffffffff), "reserved");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_usable),
        cmocka_unit_test(test_non_usable_types_are_dropped),
        cmocka_unit_test(test_reserved_split),
        cmocka_unit_test(test_kernel_modules_and_first_mib),
        cmocka_unit_test(test_unaligned_reserved_grows_to_pages),
        cmocka_unit_test(test_reserved_at_edges),
        cmocka_unit_test(test_reserved_covers_everything),
        cmocka_unit_test(test_firmware_overlap_reserved_wins),
        cmocka_unit_test(test_firmware_overlap_order_does_not_matter),
        cmocka_unit_test(test_unaligned_usable_shrinks),
        cmocka_unit_test(test_usable_smaller_than_page_vanishes),
        cmocka_unit_test(test_empty_and_inverted_entries_ignored),
        cmocka_unit_test(test_unsorted_sorted_and_merged),
        cmocka_unit_test(test_overlapping_usable_merged),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_capacity_exhausted_by_entries),
        cmocka_unit_test(test_capacity_exhausted_by_split),
        cmocka_unit_test(test_capacity_zero),
        cmocka_unit_test(test_capacity_reuses_emptied_ranges),
        cmocka_unit_test(test_reserved_up_to_top_of_address_space),
        cmocka_unit_test(test_usable_at_top_of_address_space),
        cmocka_unit_test(test_memmap_bytes),
        cmocka_unit_test(test_mem_type_name),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
