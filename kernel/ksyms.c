/* SPDX-License-Identifier: MIT */
/* Address-to-name lookup over the sorted table the build appends to the kernel. */
#include "kernel/ksyms.h"
#include "lib/string.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

static const char *nth_name(uint64_t n)
{
    const char *p = ksyms_names;

    while (n--)
        p += strlen(p) + 1;
    return p;
}

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    uint64_t lo = 0, hi = ksyms_count;

    if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || !hi)
        return NULL;
    /* Binary search for the last symbol at or below addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_addrs[lo] > addr)
        return NULL;
    *offset = addr - ksyms_addrs[lo];
    return nth_name(lo);
}
