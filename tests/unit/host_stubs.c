/* SPDX-License-Identifier: MIT */
/*
 * Host-side stand-ins for kernel services that pure code calls: the log is
 * captured in a buffer so tests can assert on warnings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "kernel/log.h"
#include "tests/unit/host_stubs.h"

static char log_buf[65536];
static size_t log_len;

void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
{
    static const char *const names[] = {"E", "W", "I", "D"};
    int n;

    n = snprintf(log_buf + log_len, sizeof(log_buf) - log_len, "%s ", names[lvl]);
    if (n > 0 && (size_t)n < sizeof(log_buf) - log_len)
        log_len += n;
    n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
    if (n > 0 && (size_t)n < sizeof(log_buf) - log_len)
        log_len += n;
    if (log_len + 1 < sizeof(log_buf))
        log_buf[log_len++] = '\n';
    log_buf[log_len] = 0;
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vprintf(lvl, fmt, ap);
    va_end(ap);
}

void log_set_level(enum log_level lvl)
{
    (void)lvl;
}

const char *host_log(void)
{
    return log_buf;
}

bool host_log_contains(const char *s)
{
    return strstr(log_buf, s) != NULL;
}

void host_log_clear(void)
{
    log_len = 0;
    log_buf[0] = 0;
}
