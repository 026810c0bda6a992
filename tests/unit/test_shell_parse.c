/* SPDX-License-Identifier: MIT */
/* unit-srcs: lib/shell_parse.c lib/string.c */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "lib/errno.h"
#include "lib/shell_parse.h"

static char line[256];
static char *argv[SHELL_MAX_ARGS];
static const char *err;

/* Splits a writable copy of s, as the shell does with its line buffer. */
static int split(const char *s, int max)
{
    /* No <string.h>: it conflicts with lib/errno.h's strerror on the host. */
    assert_true(snprintf(line, sizeof(line), "%s", s) < (int)sizeof(line));
    for (int i = 0; i < SHELL_MAX_ARGS; i++)
        argv[i] = NULL;
    err = "unset";
    return shell_split(line, argv, max, &err);
}

static void test_split_simple(void **state)
{
    assert_int_equal(split("vm create  name\tfoo", SHELL_MAX_ARGS), 4);
    assert_string_equal(argv[0], "vm");
    assert_string_equal(argv[1], "create");
    assert_string_equal(argv[2], "name");
    assert_string_equal(argv[3], "foo");
    assert_null(argv[4]);
    assert_null(err);
}

static void test_split_surrounding_blanks(void **state)
{
    assert_int_equal(split(" \t help \t ", SHELL_MAX_ARGS), 1);
    assert_string_equal(argv[0], "help");
}

static void test_split_empty(void **state)
{
    assert_int_equal(split("", SHELL_MAX_ARGS), 0);
    assert_null(argv[0]);
    assert_null(err);
    assert_int_equal(split("   \t\t  ", SHELL_MAX_ARGS), 0);
    assert_null(argv[0]);
}

static void test_split_quote_mid_word(void **state)
{
    assert_int_equal(split("boot cmdline=\"console=ttyS0 quiet\" mem=1G", SHELL_MAX_ARGS), 3);
    assert_string_equal(argv[0], "boot");
    assert_string_equal(argv[1], "cmdline=console=ttyS0 quiet");
    assert_string_equal(argv[2], "mem=1G");
}

static void test_split_quoted_words(void **state)
{
    assert_int_equal(split("\"a b\" \"a\"b\"c\" x\"\"y", SHELL_MAX_ARGS), 3);
    assert_string_equal(argv[0], "a b");
    assert_string_equal(argv[1], "abc");
    assert_string_equal(argv[2], "xy");
}

static void test_split_empty_quotes(void **state)
{
    assert_int_equal(split("set name \"\" end", SHELL_MAX_ARGS), 4);
    assert_string_equal(argv[2], "");
    assert_string_equal(argv[3], "end");
    assert_int_equal(split("\"\"", SHELL_MAX_ARGS), 1);
    assert_string_equal(argv[0], "");
}

static void test_split_escapes(void **state)
{
    assert_int_equal(split("echo \"say \\\"hi\\\" \\\\ \\n\"", SHELL_MAX_ARGS), 2);
    /* Only \" and \\ are escapes; other backslashes stay literal. */
    assert_string_equal(argv[1], "say \"hi\" \\ \\n");
}

static void test_split_backslash_outside_quotes(void **state)
{
    assert_int_equal(split("a\\b c\\\"", SHELL_MAX_ARGS), -EINVAL);
    assert_string_equal(err, "unterminated quote");
    assert_int_equal(split("a\\b c\\\\", SHELL_MAX_ARGS), 2);
    assert_string_equal(argv[0], "a\\b");
    assert_string_equal(argv[1], "c\\\\");
}

static void test_split_unterminated(void **state)
{
    assert_int_equal(split("echo \"abc", SHELL_MAX_ARGS), -EINVAL);
    assert_string_equal(err, "unterminated quote");
    /* The closing quote is escaped, so the quote is still open. */
    assert_int_equal(split("echo \"abc\\\"", SHELL_MAX_ARGS), -EINVAL);
    assert_string_equal(err, "unterminated quote");
    assert_int_equal(split("\"", SHELL_MAX_ARGS), -EINVAL);
}

static void test_split_too_many(void **state)
{
    assert_int_equal(split("a b c", 3), 3);
    assert_string_equal(argv[2], "c");
    assert_int_equal(split("a b c d", 3), -E2BIG);
    assert_string_equal(err, "too many arguments");
    /* argv beyond max_args is never written. */
    assert_null(argv[3]);
    assert_int_equal(split("a b c   ", 3), 3);
    assert_int_equal(split("x", 0), -E2BIG);
    assert_int_equal(split("", 0), 0);
}

static void test_split_max_args(void **state)
{
    char buf[128];
    int i, n = 0;

    for (i = 0; i < SHELL_MAX_ARGS; i++)
        n += snprintf(buf + n, sizeof(buf) - n, "w ");
    assert_int_equal(split(buf, SHELL_MAX_ARGS), SHELL_MAX_ARGS);
    snprintf(buf + n, sizeof(buf) - n, "w");
    assert_int_equal(split(buf, SHELL_MAX_ARGS), -E2BIG);
}

static void test_split_null_err(void **state)
{
    char s[] = "\"open";
    char t[] = "a b";
    char *v[1];

    assert_int_equal(shell_split(s, v, 1, NULL), -EINVAL);
    assert_int_equal(shell_split(t, v, 1, NULL), -E2BIG);
}

static void assert_u64(const char *s, uint64_t want)
{
    uint64_t v = 12345;

    assert_int_equal(parse_u64(s, &v), 0);
    assert_true(v == want);
}

static void assert_u64_err(const char *s, int want)
{
    uint64_t v = 12345;

    assert_int_equal(parse_u64(s, &v), want);
    /* Failure leaves the output untouched. */
    assert_true(v == 12345);
}

static void test_parse_u64_ok(void **state)
{
    assert_u64("0", 0);
    assert_u64("42", 42);
    assert_u64("00012", 12);
    assert_u64("0x1F", 0x1f);
    assert_u64("0XfF", 0xff);
    assert_u64("0x0", 0);
    assert_u64("18446744073709551615", UINT64_MAX);
    assert_u64("0xffffffffffffffff", UINT64_MAX);
    assert_u64("0x00000000000000000001", 1);
}

static void test_parse_u64_range(void **state)
{
    assert_u64_err("18446744073709551616", -ERANGE);
    assert_u64_err("99999999999999999999999", -ERANGE);
    assert_u64_err("0x10000000000000000", -ERANGE);
}

static void test_parse_u64_invalid(void **state)
{
    assert_u64_err("", -EINVAL);
    assert_u64_err("0x", -EINVAL);
    assert_u64_err("0X", -EINVAL);
    assert_u64_err("-1", -EINVAL);
    assert_u64_err("+1", -EINVAL);
    assert_u64_err("12a", -EINVAL);
    assert_u64_err("ff", -EINVAL);
    assert_u64_err(" 1", -EINVAL);
    assert_u64_err("1 ", -EINVAL);
    assert_u64_err("0x1g", -EINVAL);
    assert_u64_err("0xx1", -EINVAL);
    assert_u64_err("1M", -EINVAL);
    /* Junk wins over overflow: the string is not a number at all. */
    assert_u64_err("99999999999999999999x", -EINVAL);
    assert_u64_err(NULL, -EINVAL);
}

static void assert_size(const char *s, uint64_t want)
{
    uint64_t v = 12345;

    assert_int_equal(parse_size(s, &v), 0);
    assert_true(v == want);
}

static void assert_size_err(const char *s, int want)
{
    uint64_t v = 12345;

    assert_int_equal(parse_size(s, &v), want);
    assert_true(v == 12345);
}

static void test_parse_size_plain(void **state)
{
    assert_size("0", 0);
    assert_size("4096", 4096);
    assert_size("4096B", 4096);
    assert_size("4096b", 4096);
    assert_size("0x1000", 4096);
    assert_size("18446744073709551615", UINT64_MAX);
}

static void test_parse_size_suffixes(void **state)
{
    assert_size("4K", 4ULL << 10);
    assert_size("4k", 4ULL << 10);
    assert_size("256M", 256ULL << 20);
    assert_size("256m", 256ULL << 20);
    assert_size("1G", 1ULL << 30);
    assert_size("1g", 1ULL << 30);
    assert_size("2T", 2ULL << 40);
    assert_size("2t", 2ULL << 40);
    assert_size("0K", 0);
    assert_size("0x10M", 16ULL << 20);
}

static void test_parse_size_byte_suffixes(void **state)
{
    assert_size("2KiB", 2ULL << 10);
    assert_size("2kib", 2ULL << 10);
    assert_size("2KB", 2ULL << 10);
    assert_size("3MB", 3ULL << 20);
    assert_size("3mb", 3ULL << 20);
    assert_size("3MiB", 3ULL << 20);
    assert_size("1GiB", 1ULL << 30);
    assert_size("1GB", 1ULL << 30);
    assert_size("5TiB", 5ULL << 40);
    assert_size("5tb", 5ULL << 40);
}

static void test_parse_size_overflow(void **state)
{
    assert_size_err("20000000000T", -ERANGE);
    assert_size_err("16777216T", -ERANGE);
    assert_size("16777215T", 16777215ULL << 40);
    assert_size_err("17179869184G", -ERANGE);
    assert_size_err("18014398509481984K", -ERANGE);
    assert_size("18014398509481983K", 18014398509481983ULL << 10);
    assert_size_err("18446744073709551616", -ERANGE);
    assert_size_err("18446744073709551616K", -ERANGE);
}

static void test_parse_size_malformed(void **state)
{
    assert_size_err("", -EINVAL);
    assert_size_err("M", -EINVAL);
    assert_size_err("KiB", -EINVAL);
    assert_size_err("12Q", -EINVAL);
    assert_size_err("-5", -EINVAL);
    assert_size_err("+5", -EINVAL);
    assert_size_err("1KK", -EINVAL);
    assert_size_err("1iB", -EINVAL);
    assert_size_err("1MBi", -EINVAL);
    assert_size_err("1Mi", -EINVAL);
    assert_size_err("1BB", -EINVAL);
    assert_size_err("1 M", -EINVAL);
    assert_size_err(" 1M", -EINVAL);
    assert_size_err("1M ", -EINVAL);
    assert_size_err("1KiBx", -EINVAL);
    assert_size_err("1.5G", -EINVAL);
    assert_size_err("0x", -EINVAL);
    assert_size_err("0xM", -EINVAL);
    assert_size_err("99999999999999999999Q", -EINVAL);
    assert_size_err(NULL, -EINVAL);
}

static void test_arg_value(void **state)
{
    assert_string_equal(arg_value("name=foo", "name"), "foo");
    assert_string_equal(arg_value("name=", "name"), "");
    assert_string_equal(arg_value("cmdline=a=b c", "cmdline"), "a=b c");
    assert_null(arg_value("names=foo", "name"));
    assert_null(arg_value("nam=foo", "name"));
    assert_null(arg_value("name", "name"));
    assert_null(arg_value("", "name"));
    assert_null(arg_value("mem=1G", "name"));
    assert_null(arg_value(NULL, "name"));
    assert_null(arg_value("name=foo", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_simple),
        cmocka_unit_test(test_split_surrounding_blanks),
        cmocka_unit_test(test_split_empty),
        cmocka_unit_test(test_split_quote_mid_word),
        cmocka_unit_test(test_split_quoted_words),
        cmocka_unit_test(test_split_empty_quotes),
        cmocka_unit_test(test_split_escapes),
        cmocka_unit_test(test_split_backslash_outside_quotes),
        cmocka_unit_test(test_split_unterminated),
        cmocka_unit_test(test_split_too_many),
        cmocka_unit_test(test_split_max_args),
        cmocka_unit_test(test_split_null_err),
        cmocka_unit_test(test_parse_u64_ok),
        cmocka_unit_test(test_parse_u64_range),
        cmocka_unit_test(test_parse_u64_invalid),
        cmocka_unit_test(test_parse_size_plain),
        cmocka_unit_test(test_parse_size_suffixes),
        cmocka_unit_test(test_parse_size_byte_suffixes),
        cmocka_unit_test(test_parse_size_overflow),
        cmocka_unit_test(test_parse_size_malformed),
        cmocka_unit_test(test_arg_value),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
