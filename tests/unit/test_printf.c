/* SPDX-License-Identifier: MIT */
/* unit-srcs: lib/printf.c lib/string.c */
/*
 * kvsnprintf tests. Where C99 defines the output, the result is compared
 * with the host's vsnprintf (text and return value); the rest is checked
 * against literal expectations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/printf.h"

static char kbuf[512];
static int klen;

/* Formats with the kernel and with libc; both must agree. */
static void vcheck(int line, const char *fmt, va_list ap)
{
    char want[512];
    va_list aq;
    int wlen;

    va_copy(aq, ap);
    memset(kbuf, 0x5a, sizeof(kbuf));
    klen = kvsnprintf(kbuf, sizeof(kbuf), fmt, ap);
    wlen = vsnprintf(want, sizeof(want), fmt, aq);
    va_end(aq);
    if (klen != wlen || strcmp(kbuf, want)) {
        print_error("line %d: format \"%s\": kernel \"%s\" (%d), libc \"%s\" (%d)\n", line, fmt,
                    kbuf, klen, want, wlen);
        fail();
    }
}

static void __printf(2, 3) check_line(int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcheck(line, fmt, ap);
    va_end(ap);
}

/* Same, for flag combinations gcc's format check warns about (C still defines them). */
static void check_line_raw(int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcheck(line, fmt, ap);
    va_end(ap);
}
#define CHECK(...) check_line(__LINE__, __VA_ARGS__)
#define CHECK_RAW(...) check_line_raw(__LINE__, __VA_ARGS__)

/* Kernel only, no format checking (for cases gcc would warn about). */
static const char *kfmt(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    klen = kvsnprintf(kbuf, sizeof(kbuf), fmt, ap);
    va_end(ap);
    return kbuf;
}

static void test_plain_text(void **state)
{
    CHECK("hello, world");
    CHECK("%s", "");
    assert_int_equal(klen, 0);
    assert_string_equal(kbuf, "");
}

static void test_percent_literal(void **state)
{
    CHECK("100%%");
    CHECK("%%d %d%%", 5);
    assert_string_equal(kbuf, "%d 5%");
}

static void test_signed_decimal(void **state)
{
    CHECK("%d %d %d", 0, 42, -42);
    assert_string_equal(kbuf, "0 42 -42");
    CHECK("%i %i", 2147483647, (int)-2147483647 - 1);
}

static void test_signed_flags(void **state)
{
    CHECK("[%+d] [%+d] [%+d]", 5, -5, 0);
    assert_string_equal(kbuf, "[+5] [-5] [+0]");
    CHECK("[% d] [% d]", 5, -5);
    CHECK_RAW("[%+ d]", 7);
}

static void test_width_and_left(void **state)
{
    CHECK("[%5d] [%-5d] [%1d]", 42, 42, 12345);
    assert_string_equal(kbuf, "[   42] [42   ] [12345]");
    CHECK("[%+5d] [%-+5d] [% 5d]", 42, 42, -42);
}

static void test_zero_pad(void **state)
{
    CHECK_RAW("[%05d] [%05d] [%-05d]", 42, -42, 42);
    assert_string_equal(kbuf, "[00042] [-0042] [42   ]");
    CHECK("[%+06d] [% 06d]", 42, 42);
}

static void test_precision_integers(void **state)
{
    CHECK("[%.3d] [%.3d] [%8.3d] [%-8.3d]", 7, -7, 7, 7);
    assert_string_equal(kbuf, "[007] [-007] [     007] [007     ]");
    CHECK("[%.0d] [%5.0d] [%+.0d]", 0, 0, 0);
    CHECK_RAW("[%08.3d]", 7); /* '0' ignored with a precision */
}

static void test_unsigned(void **state)
{
    CHECK("%u %u", 0u, 4294967295u);
    assert_string_equal(kbuf, "0 4294967295");
    CHECK("[%10u] [%-10u] [%010u]", 123u, 123u, 123u);
}

static void test_sign_flags_ignored_for_unsigned(void **state)
{
    CHECK_RAW("[%+u] [% u] [%+x] [% X] [%+o] [%+5u]", 5u, 5u, 255u, 255u, 8u, 5u);
    assert_string_equal(kbuf, "[5] [5] [ff] [FF] [10] [    5]");
}

static void test_hex(void **state)
{
    CHECK("%x %X %x", 0xdeadbeefu, 0xdeadbeefu, 0u);
    assert_string_equal(kbuf, "deadbeef DEADBEEF 0");
    CHECK("[%8x] [%-8X] [%08x] [%.6x]", 0xabcu, 0xabcu, 0xabcu, 0xabcu);
}

static void test_hex_alternate(void **state)
{
    CHECK("%#x %#X %#x", 255u, 255u, 0u);
    assert_string_equal(kbuf, "0xff 0XFF 0");
    CHECK("[%#8x] [%#-8x] [%#08x] [%#.4x]", 255u, 255u, 255u, 255u);
}

static void test_octal(void **state)
{
    CHECK("%o %o %o", 0u, 8u, 0777u);
    assert_string_equal(kbuf, "0 10 777");
    CHECK("[%#o] [%#o] [%#5o] [%#05o] [%#.3o] [%#.2o]", 8u, 0u, 8u, 8u, 8u, 8u);
}

static void test_pointer(void **state)
{
    void *p = (void *)(uintptr_t)0xffff800000001000ull;

    CHECK("%p", p);
    assert_string_equal(kbuf, "0xffff800000001000");
    CHECK("[%20p] [%-20p]", p, p);
}

static void test_string(void **state)
{
    CHECK("[%s] [%8s] [%-8s] [%.2s] [%8.2s] [%.10s]", "abc", "abc", "abc", "abc", "abc", "abc");
    assert_string_equal(kbuf, "[abc] [     abc] [abc     ] [ab] [      ab] [abc]");
}

static void test_string_null(void **state)
{
    assert_string_equal(kfmt("[%s]", (char *)NULL), "[(null)]");
    assert_int_equal(klen, 8);
    assert_string_equal(kfmt("[%8s]", (char *)NULL), "[  (null)]");
}

static void test_char(void **state)
{
    CHECK("%c%c%c", 'a', 'B', '0');
    assert_string_equal(kbuf, "aB0");
    CHECK("[%-3c]", 'x');
    CHECK("[%3c]", 'x');
}

static void test_star_width_precision(void **state)
{
    CHECK("[%*d] [%-*d] [%.*s] [%*.*d]", 6, 42, 6, 42, 2, "abcdef", 6, 4, 42);
    CHECK("[%*d]", -6, 42);  /* a negative width means '-' */
    CHECK("[%.*d]", -1, 42); /* a negative precision is ignored */
}

static void test_length_long(void **state)
{
    CHECK("%ld %lu %lx", -1234567890123L, 18446744073709551615UL, 0xfedcba9876543210UL);
    CHECK("%lld %llu %llX", -1234567890123LL, 18446744073709551615ULL, 0xfedcba9876543210ULL);
    assert_string_equal(kbuf, "-1234567890123 18446744073709551615 FEDCBA9876543210");
}

static void test_length_size_t(void **state)
{
    CHECK("%zu %zx %zd", (size_t)-1, (size_t)0x1234, (size_t)77);
}

static void test_length_short_char(void **state)
{
    CHECK("%hd %hu %hx", (short)-2, (unsigned short)65535, (unsigned short)0xbeef);
    CHECK("%hhd %hhu %hhx", (signed char)-56, (unsigned char)200, (unsigned char)0xab);
    /* Values wider than the modifier are cut down like libc does. */
    assert_string_equal(kfmt("%hd %hhu %hhd", 70000, 0x1ff, 200), "4464 255 -56");
}

static void test_int64_extremes(void **state)
{
    CHECK("%lld %lld", (long long)INT64_MIN, (long long)INT64_MAX);
    assert_string_equal(kbuf, "-9223372036854775808 9223372036854775807");
    CHECK("%llu %llx %llo", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
          (unsigned long long)UINT64_MAX);
    CHECK("%ld %+ld", (long)INT64_MIN, (long)INT64_MAX);
    CHECK("[%30lld] [%-30lld] [%030lld]", (long long)INT64_MIN, (long long)INT64_MIN,
          (long long)INT64_MIN);
}

static void test_truncation(void **state)
{
    char buf[8];
    int n;

    memset(buf, 'X', sizeof(buf));
    n = ksnprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);
    assert_int_equal(n, 12);
    assert_string_equal(buf, "abcdef-");
}

static void test_truncation_exact_fit(void **state)
{
    char buf[6];

    assert_int_equal(ksnprintf(buf, sizeof(buf), "%05d", 42), 5);
    assert_string_equal(buf, "00042");
    assert_int_equal(ksnprintf(buf, sizeof(buf), "%06d", 42), 6);
    assert_string_equal(buf, "00004");
}

static void test_truncation_size_one(void **state)
{
    char buf[2] = {'X', 'Y'};

    assert_int_equal(ksnprintf(buf, 1, "abc"), 3);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[1], 'Y');
}

static void test_size_zero(void **state)
{
    char buf[4] = {'X', 'X', 'X', 'X'};

    assert_int_equal(ksnprintf(buf, 0, "%d", 123456), 6);
    assert_memory_equal(buf, "XXXX", 4);
    assert_int_equal(ksnprintf(NULL, 0, "%s", "hello"), 5);
}

static void test_does_not_write_past_size(void **state)
{
    char buf[16];

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(ksnprintf(buf, 4, "%#x", 0x12345u), 7);
    assert_string_equal(buf, "0x1");
    for (size_t i = 4; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 'X');
}

static void test_unknown_conversion(void **state)
{
    assert_string_equal(kfmt("a%qb"), "a%qb");
    assert_string_equal(kfmt("trailing %"), "trailing %");
    assert_int_equal(klen, 10);
}

static void test_mixed(void **state)
{
    CHECK("vm %s: %u vcpus, %#llx bytes at %p, exit %d (%c)", "guest0", 4u, 0x40000000ULL,
          (void *)0x1000, -3, 'E');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_percent_literal),
        cmocka_unit_test(test_signed_decimal),
        cmocka_unit_test(test_signed_flags),
        cmocka_unit_test(test_width_and_left),
        cmocka_unit_test(test_zero_pad),
        cmocka_unit_test(test_precision_integers),
        cmocka_unit_test(test_unsigned),
        cmocka_unit_test(test_sign_flags_ignored_for_unsigned),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_hex_alternate),
        cmocka_unit_test(test_octal),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_string_null),
        cmocka_unit_test(test_char),
        cmocka_unit_test(test_star_width_precision),
        cmocka_unit_test(test_length_long),
        cmocka_unit_test(test_length_size_t),
        cmocka_unit_test(test_length_short_char),
        cmocka_unit_test(test_int64_extremes),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_truncation_exact_fit),
        cmocka_unit_test(test_truncation_size_one),
        cmocka_unit_test(test_size_zero),
        cmocka_unit_test(test_does_not_write_past_size),
        cmocka_unit_test(test_unknown_conversion),
        cmocka_unit_test(test_mixed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
