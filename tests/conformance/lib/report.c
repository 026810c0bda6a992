/* SPDX-License-Identifier: MIT */
#include "report.h"
#include "libc.h"

static volatile int tests, failures, skipped;
static struct spinlock report_lock;
static char prefix[128];
static int prefix_len[4], prefix_depth;

void report_prefix_push(const char *p)
{
    if (prefix_depth >= 4)
        return;
    size_t len = strlen(prefix);
    prefix_len[prefix_depth++] = (int)len;
    snprintf(prefix + len, sizeof(prefix) - len, "%s: ", p);
}

void report_prefix_pop(void)
{
    if (prefix_depth > 0)
        prefix[prefix_len[--prefix_depth]] = 0;
}

static void vreport(const char *kind, const char *why, const char *fmt, va_list ap)
{
    char what[256];
    vsnprintf(what, sizeof(what), fmt, ap);
    if (why)
        printf("%s: %s%s (%s)\n", kind, prefix, what, why);
    else
        printf("%s: %s%s\n", kind, prefix, what);
}

bool report(bool pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    spin_lock(&report_lock);
    tests++;
    if (!pass)
        failures++;
    spin_unlock(&report_lock);
    vreport(pass ? "PASS" : "FAIL", NULL, fmt, ap);
    va_end(ap);
    return pass;
}

void report_pass(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    atomic_inc(&tests);
    vreport("PASS", NULL, fmt, ap);
    va_end(ap);
}

void report_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    spin_lock(&report_lock);
    tests++;
    failures++;
    spin_unlock(&report_lock);
    vreport("FAIL", NULL, fmt, ap);
    va_end(ap);
}

void report_skip(const char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    spin_lock(&report_lock);
    tests++;
    skipped++;
    spin_unlock(&report_lock);
    vreport("SKIP", why, fmt, ap);
    va_end(ap);
}

const char *cpu_brand(void)
{
    static char brand[49];
    if (!brand[0] && cpuid(0x80000000).a >= 0x80000004) {
        for (u32 i = 0; i < 3; i++) {
            struct cpuid c = cpuid(0x80000002 + i);
            memcpy(brand + 16 * i, &c, 16);
        }
    }
    return brand;
}

bool cpu_is_qemu_tcg(void)
{
    return !strncmp(cpu_brand(), "QEMU TCG CPU", 12);
}

bool report_tcg_quirk(bool pass, const char *tcg_why, const char *fmt, ...)
{
    char what[256], why[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (!pass && cpu_is_qemu_tcg()) {
        snprintf(why, sizeof(why), "QEMU TCG: %s", tcg_why);
        report_skip(why, "%s", what);
        return false;
    }
    return report(pass, "%s", what);
}

void report_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("INFO", NULL, fmt, ap);
    va_end(ap);
}

void report_abort(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    spin_lock(&report_lock);
    tests++;
    failures++;
    spin_unlock(&report_lock);
    vreport("FAIL", NULL, fmt, ap);
    va_end(ap);
    exit(report_summary());
}

int report_failures(void)
{
    return failures;
}

int report_summary(void)
{
    printf("SUMMARY: %d tests, %d failures, %d skipped\n", tests, failures, skipped);
    return failures ? 1 : 0;
}
