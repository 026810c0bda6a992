/* SPDX-License-Identifier: MIT */
/* unit-srcs: lib/ring.c lib/string.c */
/* Tests for the VM console history ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/ring.h"

static char store[16];
static struct ring r;

static void reset(void)
{
    memset(store, '#', sizeof(store));
    ring_init(&r, store, sizeof(store));
}

static void expect(const char *want)
{
    char out[64] = {0};
    size_t n = ring_read(&r, 0, out, sizeof(out));

    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
}

static void test_empty(void **state)
{
    char out[4];

    reset();
    assert_int_equal(ring_used(&r), 0);
    assert_int_equal(ring_read(&r, 0, out, sizeof(out)), 0);
}

static void test_put_and_read_in_order(void **state)
{
    reset();
    ring_put(&r, "hello", 5);
    ring_put(&r, " world", 6);
    expect("hello world");
    assert_int_equal(r.total, 11);
}

static void test_wraps_keeping_newest(void **state)
{
    reset();
    ring_put(&r, "0123456789", 10);
    ring_put(&r, "abcdefghij", 10);
    assert_int_equal(ring_used(&r), 16);
    expect("456789abcdefghij");
    assert_int_equal(r.total, 20);
}

static void test_write_larger_than_ring(void **state)
{
    reset();
    ring_put(&r, "xy", 2);
    ring_put(&r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26);
    expect("KLMNOPQRSTUVWXYZ");
    assert_int_equal(r.total, 28);
}

static void test_read_with_offset_and_short_buffer(void **state)
{
    char out[4];

    reset();
    ring_put(&r, "0123456789abcdefXYZ", 19); /* holds 3456789abcdefXYZ */
    assert_int_equal(ring_read(&r, 10, out, sizeof(out)), 4);
    assert_memory_equal(out, "defX", 4);
    assert_int_equal(ring_read(&r, 14, out, sizeof(out)), 2);
    assert_memory_equal(out, "YZ", 2);
    assert_int_equal(ring_read(&r, 16, out, sizeof(out)), 0);
}

static void test_exact_fill(void **state)
{
    reset();
    ring_put(&r, "0123456789abcdef", 16);
    assert_int_equal(r.head, 0);
    expect("0123456789abcdef");
    ring_put(&r, "!", 1);
    expect("123456789abcdef!");
}

static void test_zero_size_ring_ignores_writes(void **state)
{
    struct ring z;
    char out[2];

    ring_init(&z, NULL, 0);
    ring_put(&z, "abc", 3);
    assert_int_equal(ring_used(&z), 0);
    assert_int_equal(ring_read(&z, 0, out, 2), 0);
}

static void test_many_small_writes(void **state)
{
    reset();
    for (int i = 0; i < 1000; i++) {
        char c = (char)('a' + i % 26);
        ring_put(&r, &c, 1);
    }
    /* the last 16 of 1000: i = 984..999 */
    char want[17];
    for (int i = 0; i < 16; i++)
        want[i] = (char)('a' + (984 + i) % 26);
    want[16] = 0;
    expect(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_put_and_read_in_order),
        cmocka_unit_test(test_wraps_keeping_newest),
        cmocka_unit_test(test_write_larger_than_ring),
        cmocka_unit_test(test_read_with_offset_and_short_buffer),
        cmocka_unit_test(test_exact_fill),
        cmocka_unit_test(test_zero_size_ring_ignores_writes),
        cmocka_unit_test(test_many_small_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
