/* SPDX-License-Identifier: MIT */
/*
 * Shell command-line parsing. Words are split in place so the shell needs no
 * allocator; unquoting only ever shrinks a word, so the write cursor can
 * never overtake the read cursor.
 */
#include "lib/shell_parse.h"
#include "lib/compiler.h"
/*
 * No lib/string.h: under HOST_TEST it pulls in libc <string.h>, whose
 * strerror() clashes with the one lib/errno.h declares.
 */
#include "lib/errno.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void set_err(const char **err, const char *msg)
{
    if (err)
        *err = msg;
}

/*
 * Unquotes the word at *rp in place and advances *rp past it and its
 * terminating blank. Backslash only escapes inside quotes so that paths and
 * other arguments typed bare keep their backslashes.
 */
static int split_word(char **rp)
{
    char *r = *rp, *w = r;
    bool quoted = false, more;

    for (; *r; r++) {
        if (!quoted && is_blank(*r))
            break;
        if (*r == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted && *r == '\\' && (r[1] == '"' || r[1] == '\\'))
            r++;
        *w++ = *r;
    }
    if (quoted)
        return -EINVAL;
    /* Read the terminator before the NUL below may overwrite it. */
    more = *r != 0;
    *w = 0;
    *rp = more ? r + 1 : r;
    return 0;
}

int shell_split(char *line, char **argv, int max_args, const char **err)
{
    char *r = line;
    int argc = 0;

    set_err(err, NULL);
    for (;;) {
        while (is_blank(*r))
            r++;
        if (!*r)
            return argc;
        if (argc >= max_args) {
            set_err(err, "too many arguments");
            return -E2BIG;
        }
        argv[argc++] = r;
        if (split_word(&r) < 0) {
            set_err(err, "unterminated quote");
            return -EINVAL;
        }
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Parses the leading number of *sp and leaves *sp after its last digit.
 * Digits past an overflow are still consumed so callers can tell trailing
 * junk (-EINVAL) apart from a merely too-large value (-ERANGE).
 */
static int scan_number(const char **sp, uint64_t *out)
{
    const char *s = *sp, *start;
    unsigned base = 10;
    uint64_t v = 0;
    bool overflow = false;
    int d;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (start = s; (d = digit_value(*s)) >= 0 && (unsigned)d < base; s++) {
        if (v > (UINT64_MAX - (unsigned)d) / base)
            overflow = true;
        else
            v = v * base + (unsigned)d;
    }
    *sp = s;
    if (s == start)
        return -EINVAL;
    *out = v;
    return overflow ? -ERANGE : 0;
}

int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v;
    int ret;

    if (!s)
        return -EINVAL;
    ret = scan_number(&s, &v);
    if (ret == -EINVAL || *s)
        return -EINVAL;
    if (ret)
        return ret;
    *out = v;
    return 0;
}

static char to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Returns the shift for a K/M/G/T[B|iB] or bare B suffix, or -EINVAL. */
static int suffix_shift(const char *s)
{
    static const char units[] = "KMGT";
    int shift = 0;

    for (unsigned i = 0; i < sizeof(units) - 1; i++) {
        if (to_upper(*s) == units[i]) {
            shift = 10 * (int)(i + 1);
            s++;
            break;
        }
    }
    if (shift && to_upper(s[0]) == 'I' && to_upper(s[1]) == 'B')
        s += 2;
    else if (to_upper(*s) == 'B')
        s++;
    return *s ? -EINVAL : shift;
}

int parse_size(const char *s, uint64_t *out)
{
    uint64_t v;
    int ret, shift;

    if (!s)
        return -EINVAL;
    ret = scan_number(&s, &v);
    if (ret == -EINVAL)
        return ret;
    shift = suffix_shift(s);
    if (shift < 0)
        return shift;
    if (ret)
        return ret;
    if (v > (UINT64_MAX >> shift))
        return -ERANGE;
    *out = v << shift;
    return 0;
}

const char *arg_value(const char *arg, const char *key)
{
    if (!arg || !key)
        return NULL;
    while (*key && *arg == *key) {
        arg++;
        key++;
    }
    return (!*key && *arg == '=') ? arg + 1 : NULL;
}
