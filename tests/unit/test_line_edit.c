/* SPDX-License-Identifier: MIT */
/* unit-srcs: lib/line_edit.c lib/string.c */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/line_edit.h"

/* Everything the editor echoes, so tests can assert on exact bytes. */
static char echo[65536];
static size_t echo_len;
static struct line_edit le;

static void capture(const char *s, size_t n, void *ctx)
{
    assert_ptr_equal(ctx, &echo);
    assert_true(n > 0);
    assert_true(echo_len + n <= sizeof(echo));
    memcpy(echo + echo_len, s, n);
    echo_len += n;
}

static void clear_echo(void)
{
    echo_len = 0;
}

static int setup(void **state)
{
    line_edit_init(&le, capture, &echo);
    clear_echo();
    return 0;
}

static void assert_echo(const char *want)
{
    size_t n = strlen(want);

    assert_int_equal(echo_len, n);
    assert_memory_equal(echo, want, n);
}

static size_t count_echo(char c)
{
    size_t n = 0;

    for (size_t i = 0; i < echo_len; i++)
        n += echo[i] == c;
    return n;
}

/* Feeds s; returns the status of the last byte and counts completed lines. */
static enum line_status feed_n(const char *s, size_t n, int *done)
{
    enum line_status st = LINE_PENDING;

    for (size_t i = 0; i < n; i++) {
        st = line_edit_feed(&le, s[i]);
        if (done && st == LINE_DONE)
            (*done)++;
    }
    return st;
}

static enum line_status feed(const char *s)
{
    return feed_n(s, strlen(s), NULL);
}

static void enter_line(const char *s)
{
    feed(s);
    assert_int_equal(feed("\r"), LINE_DONE);
    assert_string_equal(le.line, s);
}

static void test_init(void **state)
{
    assert_int_equal(le.len, 0);
    assert_string_equal(le.buf, "");
    assert_int_equal(le.hist_pos, -1);
    assert_int_equal(le.hist_count, 0);
    assert_int_equal(echo_len, 0);
}

static void test_printable_echo(void **state)
{
    assert_int_equal(feed("ls -l ~/x"), LINE_PENDING);
    assert_string_equal(le.buf, "ls -l ~/x");
    assert_int_equal(le.len, 9);
    assert_echo("ls -l ~/x");
}

static void test_enter_cr(void **state)
{
    feed("help");
    clear_echo();
    assert_int_equal(feed("\r"), LINE_DONE);
    assert_string_equal(le.line, "help");
    assert_string_equal(le.buf, "");
    assert_int_equal(le.len, 0);
    assert_echo("\r\n");
}

static void test_enter_lf(void **state)
{
    feed("vm list");
    assert_int_equal(feed("\n"), LINE_DONE);
    assert_string_equal(le.line, "vm list");
    assert_echo("vm list\r\n");
}

static void test_crlf_is_one_enter(void **state)
{
    int done = 0;

    assert_int_equal(line_edit_feed(&le, 'a'), LINE_PENDING);
    assert_int_equal(line_edit_feed(&le, '\r'), LINE_DONE);
    assert_string_equal(le.line, "a");
    /* The LF of the CRLF pair is swallowed, not a second (empty) Enter. */
    assert_int_equal(line_edit_feed(&le, '\n'), LINE_PENDING);
    assert_string_equal(le.line, "a");
    assert_echo("a\r\n");

    feed_n("b\r\nc\r\n\r\n", 9, &done);
    assert_int_equal(done, 3);
    assert_string_equal(le.line, "");
}

static void test_lone_cr_then_lf_later(void **state)
{
    int done = 0;

    /* Only the LF immediately after CR is swallowed. */
    feed_n("a\rb\n", 4, &done);
    assert_int_equal(done, 2);
    assert_string_equal(le.line, "b");
    /* LF CR is two Enters. */
    done = 0;
    feed_n("\n\r", 2, &done);
    assert_int_equal(done, 2);
}

static void test_cr_then_text(void **state)
{
    feed("\r");
    clear_echo();
    feed("x");
    assert_string_equal(le.buf, "x");
    assert_echo("x");
}

static void test_backspace(void **state)
{
    feed("abc");
    clear_echo();
    feed("\b");
    assert_string_equal(le.buf, "ab");
    feed("\x7f");
    assert_string_equal(le.buf, "a");
    assert_int_equal(le.len, 1);
    assert_echo("\b \b\b \b");
}

static void test_backspace_empty(void **state)
{
    feed("\b\x7f\b");
    assert_int_equal(le.len, 0);
    assert_string_equal(le.buf, "");
    assert_int_equal(echo_len, 0);
    feed("a\b\b");
    assert_echo("a\b \b");
}

static void test_ctrl_u(void **state)
{
    feed("abc");
    clear_echo();
    assert_int_equal(feed("\x15"), LINE_PENDING);
    assert_int_equal(le.len, 0);
    assert_string_equal(le.buf, "");
    assert_echo("\b \b\b \b\b \b");
    clear_echo();
    feed("\x15");
    assert_int_equal(echo_len, 0);
    feed("z\r");
    assert_string_equal(le.line, "z");
}

static void test_ctrl_c(void **state)
{
    enter_line("old");
    feed("abc");
    clear_echo();
    assert_int_equal(feed("\x03"), LINE_CANCELLED);
    assert_echo("^C\r\n");
    assert_string_equal(le.buf, "");
    assert_int_equal(le.len, 0);
    assert_string_equal(le.line, "");
    /* A cancelled line never reaches the history. */
    assert_int_equal(le.hist_count, 1);
    feed("\x1b[A");
    assert_string_equal(le.buf, "old");
}

static void test_history_up_down(void **state)
{
    enter_line("one");
    enter_line("two");
    enter_line("three");
    assert_int_equal(le.hist_count, 3);

    feed("x");
    clear_echo();
    feed("\x1b[A");
    assert_string_equal(le.buf, "three");
    assert_int_equal(le.len, 5);
    assert_echo("\b \bthree");

    clear_echo();
    feed("\x1b[A");
    assert_string_equal(le.buf, "two");
    assert_echo("\b \b\b \b\b \b\b \b\b \btwo");

    feed("\x1b[A");
    assert_string_equal(le.buf, "one");
    /* Past the oldest entry: nothing changes, nothing is echoed. */
    clear_echo();
    feed("\x1b[A\x1b[A");
    assert_string_equal(le.buf, "one");
    assert_int_equal(echo_len, 0);

    feed("\x1b[B");
    assert_string_equal(le.buf, "two");
    feed("\x1b[B");
    assert_string_equal(le.buf, "three");
    clear_echo();
    feed("\x1b[B");
    /* Past the newest: back to an empty fresh line. */
    assert_string_equal(le.buf, "");
    assert_int_equal(le.len, 0);
    assert_int_equal(le.hist_pos, -1);
    assert_echo("\b \b\b \b\b \b\b \b\b \b");
    clear_echo();
    feed("\x1b[B");
    assert_int_equal(echo_len, 0);
    assert_string_equal(le.buf, "");
}

static void test_history_ss3(void **state)
{
    enter_line("alpha");
    enter_line("beta");
    feed("\x1bOA");
    assert_string_equal(le.buf, "beta");
    feed("\x1bOA");
    assert_string_equal(le.buf, "alpha");
    feed("\x1bOB");
    assert_string_equal(le.buf, "beta");
}

static void test_history_empty(void **state)
{
    feed("q");
    clear_echo();
    feed("\x1b[A\x1b[B");
    assert_string_equal(le.buf, "q");
    assert_int_equal(echo_len, 0);
}

static void test_history_recall_and_enter(void **state)
{
    enter_line("vm start 1");
    feed("\x1b[A");
    assert_int_equal(feed("\r"), LINE_DONE);
    assert_string_equal(le.line, "vm start 1");
    /* Identical to the most recent entry: not stored twice. */
    assert_int_equal(le.hist_count, 1);
    assert_int_equal(le.hist_pos, -1);

    enter_line("a");
    enter_line("vm start 1");
    assert_int_equal(le.hist_count, 3);
}

static void test_history_edit_recalled(void **state)
{
    enter_line("vm stop 1");
    feed("\x1b[A\b2\r");
    assert_string_equal(le.line, "vm stop 2");
    assert_int_equal(le.hist_count, 2);
    feed("\x1b[A");
    assert_string_equal(le.buf, "vm stop 2");
}

static void test_history_skips_empty(void **state)
{
    feed("\r\r\n\r");
    assert_int_equal(le.hist_count, 0);
}

static void test_history_ring_wraps(void **state)
{
    char s[16];
    int i;

    for (i = 0; i < LINE_EDIT_HISTORY + 3; i++) {
        snprintf(s, sizeof(s), "cmd%d", i);
        enter_line(s);
    }
    assert_int_equal(le.hist_count, LINE_EDIT_HISTORY);
    for (i = 0; i < LINE_EDIT_HISTORY + 5; i++)
        feed("\x1b[A");
    /* The three oldest entries were overwritten. */
    assert_string_equal(le.buf, "cmd3");
    for (i = 0; i < LINE_EDIT_HISTORY - 1; i++)
        feed("\x1b[B");
    snprintf(s, sizeof(s), "cmd%d", LINE_EDIT_HISTORY + 2);
    assert_string_equal(le.buf, s);
    feed("\x1b[B");
    assert_string_equal(le.buf, "");
}

static void test_escape_ignored(void **state)
{
    feed("a\x1b[3~b\x1b[1;5Cc\x1b[C\x1b[D\x1bOP\x1b[15~\x1b[?25h");
    assert_string_equal(le.buf, "abc");
    assert_echo("abc");
}

static void test_modified_arrow_not_history(void **state)
{
    enter_line("hist");
    feed("x");
    clear_echo();
    feed("\x1b[1;5A\x1b[1;2B");
    assert_string_equal(le.buf, "x");
    assert_int_equal(echo_len, 0);
}

/* A stray ESC (a lone Esc press, or left over before the prompt) never eats a typed key. */
static void test_stray_escape_keeps_the_next_key(void **state)
{
    feed("a\x1b"
         "xb");
    assert_string_equal(le.buf, "axb");
    assert_echo("axb");
    assert_int_equal(feed("\r"), LINE_DONE);
    feed("\x1b"
         "help");
    assert_string_equal(le.buf, "help");
}

static void test_escape_aborted_by_enter(void **state)
{
    feed("ls");
    /* A truncated sequence must not eat the Enter that follows it. */
    assert_int_equal(feed("\x1b[\r"), LINE_DONE);
    assert_string_equal(le.line, "ls");
    assert_int_equal(feed("\x1b\r"), LINE_DONE);
    assert_int_equal(feed("a\x1bO\r"), LINE_DONE);
    assert_string_equal(le.line, "a");
}

static void test_escape_aborted_by_escape(void **state)
{
    enter_line("h");
    feed("\x1b\x1b[A");
    assert_string_equal(le.buf, "h");
}

static void test_control_and_high_bytes_ignored(void **state)
{
    static const char junk[] = {0x00, 0x01, 0x02,       0x04,       '\t',       0x0b,      0x0c,
                                0x1c, 0x1f, (char)0x80, (char)0x9b, (char)0xc3, (char)0xff};

    feed("a");
    feed_n(junk, sizeof(junk), NULL);
    feed("b");
    assert_int_equal(le.len, 2);
    assert_string_equal(le.buf, "ab");
    assert_echo("ab");
}

static void test_long_paste_truncated(void **state)
{
    static char paste[4096];
    int done = 0;

    memset(paste, 'x', sizeof(paste));
    assert_int_equal(feed_n(paste, sizeof(paste), &done), LINE_PENDING);
    assert_int_equal(le.len, LINE_EDIT_MAX - 1);
    assert_int_equal(le.buf[LINE_EDIT_MAX - 1], 0);
    assert_int_equal(strlen(le.buf), LINE_EDIT_MAX - 1);
    assert_int_equal(count_echo('x'), LINE_EDIT_MAX - 1);
    assert_int_equal(count_echo('\a'), 1);
    assert_int_equal(echo_len, LINE_EDIT_MAX);

    assert_int_equal(feed("\r"), LINE_DONE);
    assert_int_equal(strlen(le.line), LINE_EDIT_MAX - 1);
    assert_int_equal(le.hist_count, 1);

    /* A new overlong line gets its own single BEL. */
    clear_echo();
    feed_n(paste, sizeof(paste), NULL);
    assert_int_equal(count_echo('\a'), 1);
}

static void test_bell_again_after_erase(void **state)
{
    static char paste[LINE_EDIT_MAX + 10];

    memset(paste, 'y', sizeof(paste));
    feed_n(paste, sizeof(paste), NULL);
    feed("\bzz");
    assert_int_equal(le.len, LINE_EDIT_MAX - 1);
    assert_int_equal(le.buf[LINE_EDIT_MAX - 2], 'z');
    assert_int_equal(count_echo('\a'), 2);
}

static void test_redraw(void **state)
{
    feed("vm li");
    clear_echo();
    line_edit_redraw(&le, "hv> ");
    assert_echo("\rhv> vm li");
    assert_string_equal(le.buf, "vm li");

    clear_echo();
    feed("\x15");
    clear_echo();
    line_edit_redraw(&le, "> ");
    assert_echo("\r> ");

    clear_echo();
    feed("q");
    clear_echo();
    line_edit_redraw(&le, NULL);
    assert_echo("\rq");
}

static void test_null_emit(void **state)
{
    static struct line_edit quiet;

    line_edit_init(&quiet, NULL, NULL);
    line_edit_feed(&quiet, 'a');
    line_edit_feed(&quiet, '\b');
    line_edit_feed(&quiet, 'b');
    assert_int_equal(line_edit_feed(&quiet, '\r'), LINE_DONE);
    assert_string_equal(quiet.line, "b");
    line_edit_redraw(&quiet, "> ");
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init),
        T(test_printable_echo),
        T(test_enter_cr),
        T(test_enter_lf),
        T(test_crlf_is_one_enter),
        T(test_lone_cr_then_lf_later),
        T(test_cr_then_text),
        T(test_backspace),
        T(test_backspace_empty),
        T(test_ctrl_u),
        T(test_ctrl_c),
        T(test_history_up_down),
        T(test_history_ss3),
        T(test_history_empty),
        T(test_history_recall_and_enter),
        T(test_history_edit_recalled),
        T(test_history_skips_empty),
        T(test_history_ring_wraps),
        T(test_escape_ignored),
        T(test_modified_arrow_not_history),
        T(test_stray_escape_keeps_the_next_key),
        T(test_escape_aborted_by_enter),
        T(test_escape_aborted_by_escape),
        T(test_control_and_high_bytes_ignored),
        T(test_long_paste_truncated),
        T(test_bell_again_after_erase),
        T(test_redraw),
        T(test_null_emit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
