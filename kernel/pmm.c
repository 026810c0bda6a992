/* SPDX-License-Identifier: MIT */
/* Bitmap page allocator: pure code, unit-tested on the host. */
#include "kernel/pmm.h"
#include "lib/errno.h"
#include "lib/string.h"

static bool test_bit(const struct pmm *p, uint64_t pg)
{
    return p->bitmap[pg / 64] & (1ULL << (pg % 64));
}

static void set_bit(struct pmm *p, uint64_t pg)
{
    p->bitmap[pg / 64] |= 1ULL << (pg % 64);
}

static void clear_bit(struct pmm *p, uint64_t pg)
{
    p->bitmap[pg / 64] &= ~(1ULL << (pg % 64));
}

static bool is_managed(const struct pmm *p, uint64_t pg)
{
    return p->managed[pg / 64] & (1ULL << (pg % 64));
}

static void set_managed(struct pmm *p, uint64_t pg, bool on)
{
    if (on)
        p->managed[pg / 64] |= 1ULL << (pg % 64);
    else
        p->managed[pg / 64] &= ~(1ULL << (pg % 64));
}

static uint64_t one_map_bytes(uint64_t max_phys)
{
    uint64_t pages = (max_phys + PAGE_SIZE - 1) / PAGE_SIZE;

    return (pages + 63) / 64 * 8;
}

/* Two maps: "not available" for allocation, and "managed" to tell allocated pages from holes. */
uint64_t pmm_bitmap_bytes(uint64_t max_phys)
{
    return 2 * one_map_bytes(max_phys);
}

void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t max_phys)
{
    p->bitmap = bitmap;
    p->managed = bitmap + one_map_bytes(max_phys) / 8;
    p->npages = (max_phys + PAGE_SIZE - 1) / PAGE_SIZE;
    p->total = p->free = 0;
    p->hint = p->npages;
    memset(p->bitmap, 0xff, one_map_bytes(max_phys));
    memset(p->managed, 0, one_map_bytes(max_phys));
}

void pmm_add_range(struct pmm *p, uint64_t base, uint64_t end)
{
    uint64_t first = (base + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t last = MIN(end / PAGE_SIZE, p->npages);

    for (uint64_t pg = first; pg < last; pg++) {
        if (is_managed(p, pg))
            continue;
        set_managed(p, pg, true);
        clear_bit(p, pg);
        p->total++;
        p->free++;
    }
    if (first < last && first < p->hint)
        p->hint = first;
}

void pmm_remove_range(struct pmm *p, uint64_t base, uint64_t end)
{
    uint64_t first = base / PAGE_SIZE;
    uint64_t last = MIN((end + PAGE_SIZE - 1) / PAGE_SIZE, p->npages);

    for (uint64_t pg = first; pg < last; pg++) {
        if (!is_managed(p, pg) || test_bit(p, pg))
            continue;
        set_managed(p, pg, false);
        set_bit(p, pg);
        p->total--;
        p->free--;
    }
}

/* Index of the first free page at or after pg, or npages. */
static uint64_t next_free(const struct pmm *p, uint64_t pg)
{
    while (pg < p->npages) {
        uint64_t word = ~p->bitmap[pg / 64] >> (pg % 64);
        if (word)
            return MIN(pg + (uint64_t)__builtin_ctzll(word), p->npages);
        pg = (pg / 64 + 1) * 64;
    }
    return p->npages;
}

/* Length of the free run starting at pg, capped at want. */
static uint64_t run_length(const struct pmm *p, uint64_t pg, uint64_t want)
{
    uint64_t n = 0;

    while (n < want && pg + n < p->npages && !test_bit(p, pg + n))
        n++;
    return n;
}

uint64_t pmm_alloc(struct pmm *p, uint64_t npages, uint64_t align)
{
    uint64_t pg = p->hint;

    if (!npages || !align || (align & (align - 1)) || npages > p->free)
        return 0;
    while ((pg = next_free(p, pg)) < p->npages) {
        uint64_t start = ALIGN_UP(pg, align), run;
        if (start != pg) {
            pg = start;
            continue;
        }
        run = run_length(p, start, npages);
        if (run == npages)
            break;
        pg = start + run + 1;
    }
    if (pg >= p->npages)
        return 0;
    for (uint64_t i = 0; i < npages; i++)
        set_bit(p, pg + i);
    p->free -= npages;
    if (pg == p->hint && npages)
        p->hint = next_free(p, pg + npages);
    return pg * PAGE_SIZE;
}

int pmm_free(struct pmm *p, uint64_t phys, uint64_t npages)
{
    uint64_t pg = phys / PAGE_SIZE;

    if (phys % PAGE_SIZE || !npages || pg >= p->npages || npages > p->npages - pg)
        return -EINVAL;
    for (uint64_t i = 0; i < npages; i++)
        if (!test_bit(p, pg + i) || !is_managed(p, pg + i))
            return -EINVAL;
    for (uint64_t i = 0; i < npages; i++)
        clear_bit(p, pg + i);
    p->free += npages;
    if (pg < p->hint)
        p->hint = pg;
    return 0;
}
