/* fuzz-srcs: lib/shell_parse.c lib/line_edit.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * The serial shell's input path, as kernel/shell.c drives it: every input
 * byte goes through the line editor, and each finished line is split into
 * words, whose numbers and key=value pairs are parsed. The whole input is
 * also split as one line, so long and odd lines reach shell_split directly.
 */
#include <errno.h>
#include <string.h>
#include "lib/line_edit.h"
#include "lib/shell_parse.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

static const char *const keys[] = {"load", "mode", "mem", ""};

/* Emitted bytes are read, so AddressSanitizer checks the range the editor gave. */
static void emit(const char *s, size_t n, void *ctx)
{
    size_t *total = ctx;

    CHECK(n < 4 * LINE_EDIT_MAX);
    for (size_t i = 0; i < n; i++)
        *total += (unsigned char)s[i] != 0xff;
}

/* parse_u64 against strtoull on the same digits (strtoull alone would also take signs, spaces). */
static void check_number(const char *s)
{
    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    uint64_t v = 0, w = 0;
    int ret = parse_u64(s, &v), ret2;
    unsigned long long ref;
    char *end;

    if (ret == 0 || ret == -ERANGE) {
        errno = 0;
        ref = strtoull(s + (hex ? 2 : 0), &end, hex ? 16 : 10);
        CHECK(*end == 0);
        CHECK(ret == 0 ? errno == 0 && ref == v : errno == ERANGE);
    }
    ret2 = parse_size(s, &w);
    /* A bare number is a size with no suffix. */
    if (ret == 0)
        CHECK(ret2 == 0 && w == v);
    if (ret2 == 0 && ret != 0)
        CHECK(strpbrk(s, "kKmMgGtTbB"));
}

static void check_arg(const char *arg)
{
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        const char *v = arg_value(arg, keys[k]);
        size_t klen = strlen(keys[k]);

        if (v)
            CHECK(!strncmp(arg, keys[k], klen) && arg[klen] == '=' && v == arg + klen + 1);
        else
            CHECK(strncmp(arg, keys[k], klen) || arg[klen] != '=');
    }
}

/* Splits line (len bytes plus a NUL, in its own heap block) and checks each word. */
static void split_line(char *line, size_t len)
{
    char *argv[SHELL_MAX_ARGS];
    const char *err = "unset";
    int argc = shell_split(line, argv, SHELL_MAX_ARGS, &err);

    if (argc < 0) {
        CHECK(err && *err);
        return;
    }
    CHECK(argc <= SHELL_MAX_ARGS && err == NULL);
    for (int i = 0; i < argc; i++) {
        /* Words lie in order inside the line, each ending before the next begins. */
        CHECK(argv[i] >= line && argv[i] + strlen(argv[i]) <= line + len);
        CHECK(i == 0 || argv[i] > argv[i - 1] + strlen(argv[i - 1]));
        check_number(argv[i]);
        check_arg(argv[i]);
    }
}

static void split_copy(const char *s, size_t len)
{
    char *line = malloc(len + 1);

    CHECK(line);
    memcpy(line, s, len);
    line[len] = 0;
    split_line(line, strlen(line));
    free(line);
}

static void check_editor(const struct line_edit *le)
{
    CHECK(le->len < LINE_EDIT_MAX && le->buf[le->len] == 0 && strlen(le->buf) == le->len);
    CHECK(memchr(le->line, 0, LINE_EDIT_MAX));
    CHECK(le->hist_count <= LINE_EDIT_HISTORY && le->hist_head < LINE_EDIT_HISTORY);
    CHECK(le->hist_pos >= -1 && le->hist_pos < (int)le->hist_count);
    for (unsigned i = 0; i < LINE_EDIT_HISTORY; i++)
        CHECK(memchr(le->hist[i], 0, LINE_EDIT_MAX));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct line_edit le;
    size_t emitted = 0;

    host_log_clear();
    split_copy((const char *)data, size);
    line_edit_init(&le, emit, &emitted);
    for (size_t i = 0; i < size; i++) {
        enum line_status st = line_edit_feed(&le, (char)data[i]);

        check_editor(&le);
        if (st == LINE_DONE)
            split_copy(le.line, strlen(le.line));
        else if (st == LINE_CANCELLED)
            CHECK(le.line[0] == 0 && le.len == 0);
    }
    line_edit_redraw(&le, "hv> ");
    return 0;
}
