/* SPDX-License-Identifier: MIT */
/* Kernel log: "[cpu] [level: ]subsystem: message", one atomic line each. */
#include "kernel/log.h"
#include "kernel/console.h"
#include "lib/printf.h"

static enum log_level threshold = LOG_INFO;
static bool percpu_ready;

void log_set_level(enum log_level lvl)
{
    threshold = lvl;
}

void log_percpu_ready(void);
void log_percpu_ready(void)
{
    percpu_ready = true;
}

static unsigned log_cpu(void)
{
    uint32_t id = 0;

    if (percpu_ready)
        __asm__ volatile("movl %%gs:8, %0" : "=r"(id));
    return id;
}

void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
{
    static const char *const tags[] = {"error: ", "warning: ", "", "debug: "};
    char line[320];
    int n;

    if (lvl > threshold)
        return;
    n = ksnprintf(line, sizeof(line), "[%u] %s", log_cpu(), tags[lvl]);
    n += kvsnprintf(line + n, sizeof(line) - n, fmt, ap);
    if ((size_t)n >= sizeof(line) - 1)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    console_write_async(line, (size_t)n);
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vprintf(lvl, fmt, ap);
    va_end(ap);
}
