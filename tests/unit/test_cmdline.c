/* SPDX-License-Identifier: MIT */
/* unit-srcs: lib/cmdline.c lib/string.c */
/* Kernel command-line lookup and unknown-key checking. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/cmdline.h"

static char val[64];

/* cmdline_find into val, which is first filled with junk. */
static bool find(const char *cl, const char *key)
{
    memset(val, '#', sizeof(val));
    val[sizeof(val) - 1] = 0;
    return cmdline_find(cl, key, val, sizeof(val));
}

/* ------------------------------------------------------------ cmdline_find */

static void test_key_value(void **state)
{
    assert_true(find("console=com1 loglevel=3", "console"));
    assert_string_equal(val, "com1");
    assert_true(find("console=com1 loglevel=3", "loglevel"));
    assert_string_equal(val, "3");
}

static void test_missing_key(void **state)
{
    assert_false(find("console=com1 loglevel=3", "smp"));
    assert_false(find("console=com1", "com1")); /* values are not keys */
}

static void test_bare_flag(void **state)
{
    assert_true(find("x2apic console=com1", "x2apic"));
    assert_string_equal(val, "");
    assert_true(find("console=com1 x2apic", "x2apic"));
    assert_string_equal(val, "");
}

static void test_empty_value(void **state)
{
    assert_true(find("panic= smp=2", "panic"));
    assert_string_equal(val, "");
}

static void test_last_occurrence_wins(void **state)
{
    assert_true(find("loglevel=1 smp=4 loglevel=7", "loglevel"));
    assert_string_equal(val, "7");
    assert_true(find("smp=longervalue smp=2", "smp"));
    assert_string_equal(val, "2");
    assert_true(find("tdx=on tdx", "tdx")); /* a later bare flag clears the value */
    assert_string_equal(val, "");
}

static void test_quoted_value(void **state)
{
    assert_true(find("panic=\"reboot after 5\" smp=2", "panic"));
    assert_string_equal(val, "reboot after 5");
    assert_true(find("panic=\"reboot after 5\" smp=2", "smp"));
    assert_string_equal(val, "2");
}

static void test_quoted_spaces_do_not_split_words(void **state)
{
    /* "smp=8" inside the quotes belongs to the panic value. */
    assert_false(find("panic=\"x smp=8\"", "smp"));
    assert_true(find("panic=\"x smp=8\"", "panic"));
    assert_string_equal(val, "x smp=8");
}

static void test_unterminated_quote(void **state)
{
    assert_true(find("console=\"com1 smp=2", "console"));
    assert_string_equal(val, "com1 smp=2");
    assert_false(find("console=\"com1 smp=2", "smp"));
}

static void test_whitespace(void **state)
{
    assert_true(find("  \tconsole=vga\t\tsmp=1   ", "console"));
    assert_string_equal(val, "vga");
    assert_true(find("  \tconsole=vga\t\tsmp=1   ", "smp"));
    assert_string_equal(val, "1");
}

static void test_key_prefix_of_other_key(void **state)
{
    assert_true(find("consolex=a console=b", "console"));
    assert_string_equal(val, "b");
    assert_true(find("console=b consolex=a", "console"));
    assert_string_equal(val, "b");
    assert_true(find("console=b consolex=a", "consolex"));
    assert_string_equal(val, "a");
    assert_false(find("consolex=a", "console"));
    assert_false(find("console=b", "consolex"));
    assert_false(find("cons=b", "console"));
}

static void test_value_containing_equals(void **state)
{
    assert_true(find("acpi.ignore=a=b", "acpi.ignore"));
    assert_string_equal(val, "a=b");
}

static void test_truncation(void **state)
{
    char buf[5];

    memset(buf, '#', sizeof(buf));
    assert_true(cmdline_find("console=serial,115200", "console", buf, sizeof(buf)));
    assert_string_equal(buf, "seri");
}

static void test_truncation_skips_quotes(void **state)
{
    char buf[4];

    assert_true(cmdline_find("panic=\"a b c\"", "panic", buf, sizeof(buf)));
    assert_string_equal(buf, "a b");
}

static void test_zero_length_buffer(void **state)
{
    char buf[2] = {'#', '#'};

    assert_true(cmdline_find("console=com1", "console", buf, 0));
    assert_int_equal(buf[0], '#');
    assert_true(cmdline_find("console=com1", "console", buf, 1));
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[1], '#');
}

static void test_empty_cmdline(void **state)
{
    assert_false(find("", "console"));
    assert_false(find("   \t ", "console"));
}

static void test_not_found_leaves_buffer(void **state)
{
    char buf[8] = "keep";

    assert_false(cmdline_find("smp=2", "console", buf, sizeof(buf)));
    assert_string_equal(buf, "keep");
}

/* ------------------------------------------------------------ cmdline_key_known */

static void test_known_keys(void **state)
{
    assert_true(cmdline_key_known("console", 7));
    assert_true(cmdline_key_known("acpi.ignore", 11));
    assert_true(cmdline_key_known("run=4", 3)); /* only keylen bytes count */
    assert_false(cmdline_key_known("consolex", 8));
    assert_false(cmdline_key_known("cons", 4));
    assert_false(cmdline_key_known("", 0));
}

/* tdx.fail is its own key: it neither hides nor is hidden by tdx=. */
static void test_tdx_fail_key(void **state)
{
    const char *cl = "tdx=emulate tdx.fail=TDH.SYS.INIT:TDX_SYS_BUSY:2";

    assert_true(cmdline_key_known("tdx.fail", 8));
    assert_true(find(cl, "tdx"));
    assert_string_equal(val, "emulate");
    assert_true(find(cl, "tdx.fail"));
    assert_string_equal(val, "TDH.SYS.INIT:TDX_SYS_BUSY:2");
    assert_false(find("tdx.fail=x", "tdx"));
}

/* ------------------------------------------------------------ cmdline_check */

static char warned[8][64];
static int nwarned;

static void record_warn(const char *word, size_t len)
{
    assert_true(nwarned < 8);
    assert_true(len < sizeof(warned[0]));
    memcpy(warned[nwarned], word, len);
    warned[nwarned][len] = 0;
    nwarned++;
}

static int check(const char *cl)
{
    nwarned = 0;
    memset(warned, 0, sizeof(warned));
    return cmdline_check(cl, record_warn);
}

static void test_check_all_known(void **state)
{
    assert_int_equal(
        check("console=com1 loglevel=3 x2apic panic=reboot acpi.ignore=HPET tdx run=g1"), 0);
    assert_int_equal(nwarned, 0);
}

static void test_check_reports_unknown_words(void **state)
{
    assert_int_equal(check("console=com1 foo=bar x2apic quiet consolex=1"), 3);
    assert_int_equal(nwarned, 3);
    assert_string_equal(warned[0], "foo=bar");
    assert_string_equal(warned[1], "quiet");
    assert_string_equal(warned[2], "consolex=1");
}

static void test_check_quoted_word(void **state)
{
    assert_int_equal(check("bogus=\"a b\" run=g1"), 1);
    assert_string_equal(warned[0], "bogus=\"a b\"");
}

static void test_check_empty(void **state)
{
    assert_int_equal(check(""), 0);
    assert_int_equal(check("   "), 0);
    assert_int_equal(nwarned, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_value),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_bare_flag),
        cmocka_unit_test(test_empty_value),
        cmocka_unit_test(test_last_occurrence_wins),
        cmocka_unit_test(test_quoted_value),
        cmocka_unit_test(test_quoted_spaces_do_not_split_words),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_key_prefix_of_other_key),
        cmocka_unit_test(test_value_containing_equals),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_truncation_skips_quotes),
        cmocka_unit_test(test_zero_length_buffer),
        cmocka_unit_test(test_empty_cmdline),
        cmocka_unit_test(test_not_found_leaves_buffer),
        cmocka_unit_test(test_known_keys),
        cmocka_unit_test(test_tdx_fail_key),
        cmocka_unit_test(test_check_all_known),
        cmocka_unit_test(test_check_reports_unknown_words),
        cmocka_unit_test(test_check_quoted_word),
        cmocka_unit_test(test_check_empty),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
