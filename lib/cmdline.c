/* SPDX-License-Identifier: MIT */
/* Kernel command-line lookup: pure code, unit-tested on the host. */
#include "lib/cmdline.h"
#include "lib/string.h"

static const char *const known_keys[] = {
    "console",     "loglevel", "x2apic",   "panic",      "maxcpus",
    "acpi.ignore", "tdx",      "tdx.fail", "tdx.stress", "run",
};

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Returns the end of the word at p (a quoted part may hold spaces). */
static const char *word_end(const char *p)
{
    bool quoted = false;

    for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++)
        if (*p == '"')
            quoted = !quoted;
    return p;
}

static size_t key_len(const char *w, const char *end)
{
    const char *eq = w;

    while (eq < end && *eq != '=')
        eq++;
    return (size_t)(eq - w);
}

static void copy_value(const char *v, const char *end, char *buf, size_t len)
{
    size_t n = 0;

    for (; v < end && n + 1 < len; v++)
        if (*v != '"')
            buf[n++] = *v;
    if (len)
        buf[n] = 0;
}

bool cmdline_find(const char *cmdline, const char *key, char *buf, size_t len)
{
    size_t klen = strlen(key);
    bool found = false;

    for (const char *p = skip_spaces(cmdline); *p; p = skip_spaces(p)) {
        const char *end = word_end(p);
        size_t kl = key_len(p, end);
        if (kl == klen && !strncmp(p, key, klen)) {
            copy_value(p + kl + (p + kl < end ? 1 : 0), end, buf, len);
            found = true;
        }
        p = end;
    }
    return found;
}

bool cmdline_key_known(const char *key, size_t keylen)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
        if (strlen(known_keys[i]) == keylen && !strncmp(known_keys[i], key, keylen))
            return true;
    return false;
}

int cmdline_check(const char *cmdline, void (*warn)(const char *word, size_t len))
{
    int unknown = 0;

    for (const char *p = skip_spaces(cmdline); *p; p = skip_spaces(p)) {
        const char *end = word_end(p);
        if (!cmdline_key_known(p, key_len(p, end))) {
            warn(p, (size_t)(end - p));
            unknown++;
        }
        p = end;
    }
    return unknown;
}
