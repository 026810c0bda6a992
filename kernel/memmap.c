/* SPDX-License-Identifier: MIT */
/* Memory-map arithmetic: pure code, unit-tested on the host. */
#include "kernel/memmap.h"
#include "lib/errno.h"

#define PAGE 4096ULL

struct rlist {
    struct mem_range *r;
    unsigned n, max;
};

static int push(struct rlist *l, uint64_t base, uint64_t end)
{
    if (base >= end)
        return 0;
    for (unsigned i = 0; i < l->n; i++) /* reuse a range subtract() emptied */
        if (l->r[i].base >= l->r[i].end) {
            l->r[i] = (struct mem_range){base, end, MEM_USABLE};
            return 0;
        }
    if (l->n == l->max)
        return -ENOSPC;
    l->r[l->n++] = (struct mem_range){base, end, MEM_USABLE};
    return 0;
}

/* Removes [base, end) from every range in the list, splitting where needed. */
static int subtract(struct rlist *l, uint64_t base, uint64_t end)
{
    base &= ~(PAGE - 1);
    end = end > UINT64_MAX - PAGE ? UINT64_MAX & ~(PAGE - 1) : (end + PAGE - 1) & ~(PAGE - 1);
    for (unsigned i = 0; i < l->n; i++) {
        struct mem_range *r = &l->r[i];
        if (end <= r->base || base >= r->end)
            continue;
        if (base > r->base && end < r->end) {
            uint64_t tail = r->end;
            r->end = base;
            if (push(l, end, tail))
                return -ENOSPC;
        } else if (base > r->base) {
            r->end = base;
        } else {
            r->base = MIN(end, r->end);
        }
    }
    return 0;
}

static void sort_and_merge(struct rlist *l)
{
    unsigned out = 0;

    for (unsigned i = 1; i < l->n; i++) /* insertion sort: lists are short */
        for (unsigned j = i; j > 0 && l->r[j].base < l->r[j - 1].base; j--) {
            struct mem_range t = l->r[j];
            l->r[j] = l->r[j - 1];
            l->r[j - 1] = t;
        }
    for (unsigned i = 0; i < l->n; i++) {
        if (l->r[i].base >= l->r[i].end)
            continue;
        if (out && l->r[out - 1].end >= l->r[i].base)
            l->r[out - 1].end = MAX(l->r[out - 1].end, l->r[i].end);
        else
            l->r[out++] = l->r[i];
    }
    l->n = out;
}

int memmap_usable(const struct mem_range *map, unsigned n, const struct mem_range *resv,
                  unsigned nresv, struct mem_range *out, unsigned max_out)
{
    struct rlist l = {out, 0, max_out};

    for (unsigned i = 0; i < n; i++) {
        if (map[i].type != MEM_USABLE || map[i].end <= map[i].base ||
            map[i].base > UINT64_MAX - PAGE + 1)
            continue; /* empty, or rounding the base up would wrap */
        if (push(&l, ALIGN_UP(map[i].base, PAGE), ALIGN_DOWN(map[i].end, PAGE)))
            return -ENOSPC;
    }
    for (unsigned i = 0; i < n; i++)
        if (map[i].type != MEM_USABLE && subtract(&l, map[i].base, map[i].end))
            return -ENOSPC;
    for (unsigned i = 0; i < nresv; i++)
        if (subtract(&l, resv[i].base, resv[i].end))
            return -ENOSPC;
    sort_and_merge(&l);
    return (int)l.n;
}

uint64_t memmap_bytes(const struct mem_range *r, unsigned n)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++)
        sum += r[i].end - r[i].base;
    return sum;
}

const char *mem_type_name(uint32_t type)
{
    switch (type) {
    case MEM_USABLE:
        return "usable";
    case MEM_ACPI:
        return "ACPI data";
    case MEM_NVS:
        return "ACPI NVS";
    case MEM_BAD:
        return "bad";
    case MEM_PERSISTENT:
        return "persistent";
    default:
        return "reserved";
    }
}
