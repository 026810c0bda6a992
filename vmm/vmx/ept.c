/* SPDX-License-Identifier: MIT */
/* EPT builder: pure, unit-tested on the host. */
#include "vmm/vmx/ept.h"
#include "lib/errno.h"

#define EPT_MT_WB (6ULL << 3) /* leaf memory type, SDM 29.3.7 */
#define EPT_LARGE (1ULL << 7)
#define EPT_ADDR 0x000FFFFFFFFFF000ULL
#define EPTP_WB 6ULL
#define EPTP_WALK4 (3ULL << 3)
#define GPA_LIMIT (1ULL << 48)

static uint64_t lvl_size(int lvl) /* 0 = 4 KiB leaf, 1 = 2 MiB, 2 = 1 GiB, 3 = PML4 entry */
{
    return 1ULL << (12 + 9 * lvl);
}

static unsigned idx(uint64_t gpa, int lvl)
{
    return (gpa >> (12 + 9 * lvl)) & 511;
}

static uint64_t *table(const struct ept *e, uint64_t entry)
{
    return e->mm.virt(e->mm.ctx, entry & EPT_ADDR);
}

static uint64_t new_table(struct ept *e)
{
    uint64_t pa = e->mm.alloc_page(e->mm.ctx);

    if (pa)
        e->tables++;
    return pa;
}

int ept_init(struct ept *e, const struct ept_mm *mm, bool use_2m, bool use_1g)
{
    e->mm = *mm;
    e->use_2m = use_2m;
    e->use_1g = use_1g && use_2m;
    e->tables = 0;
    e->pml4 = new_table(e);
    return e->pml4 ? 0 : -ENOMEM;
}

/* Turns a large leaf into a table of 512 smaller leaves with the same attributes. */
static int split(struct ept *e, uint64_t *entry, int lvl)
{
    uint64_t pa = new_table(e), base = *entry & EPT_ADDR, attrs = *entry & ~EPT_ADDR;
    uint64_t *t;

    if (!pa)
        return -ENOMEM;
    t = e->mm.virt(e->mm.ctx, pa);
    if (lvl - 1 == 0)
        attrs &= ~EPT_LARGE;
    for (unsigned i = 0; i < 512; i++)
        t[i] = (base + i * lvl_size(lvl - 1)) | attrs;
    *entry = pa | EPT_RWX;
    return 0;
}

/* The table at level lvl-1 under *entry, creating or splitting it. */
static uint64_t *descend(struct ept *e, uint64_t *entry, int lvl, bool create)
{
    uint64_t pa;

    if (*entry & EPT_RWX) {
        if ((*entry & EPT_LARGE) && (!create || split(e, entry, lvl)))
            return NULL;
        return table(e, *entry);
    }
    if (!create || !(pa = new_table(e)))
        return NULL;
    *entry = pa | EPT_RWX; /* permissions are decided at the leaf */
    return e->mm.virt(e->mm.ctx, pa);
}

static int leaf_level(const struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t left)
{
    for (int lvl = e->use_1g ? 2 : e->use_2m ? 1 : 0; lvl > 0; lvl--)
        if (!((gpa | hpa) & (lvl_size(lvl) - 1)) && left >= lvl_size(lvl))
            return lvl;
    return 0;
}

static int set_leaf(struct ept *e, uint64_t gpa, uint64_t val, int lvl)
{
    uint64_t *t = e->mm.virt(e->mm.ctx, e->pml4);

    for (int l = 3; l > lvl; l--) {
        t = descend(e, &t[idx(gpa, l)], l, true);
        if (!t)
            return -ENOMEM;
    }
    if (lvl > 0 && (t[idx(gpa, lvl)] & EPT_RWX) && !(t[idx(gpa, lvl)] & EPT_LARGE))
        return -EEXIST; /* a finer table is there: map with smaller pages */
    t[idx(gpa, lvl)] = val;
    return 0;
}

static bool range_ok(uint64_t gpa, uint64_t size)
{
    return !((gpa | size) & 0xfff) && size && gpa < GPA_LIMIT && size <= GPA_LIMIT - gpa;
}

int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t prot)
{
    if (!range_ok(gpa, size) || (hpa & 0xfff) || !(prot & EPT_RWX) || (prot & ~EPT_RWX))
        return -EINVAL;
    while (size) {
        int lvl = leaf_level(e, gpa, hpa, size), err;
        while ((err = set_leaf(e, gpa, hpa | prot | EPT_MT_WB | (lvl ? EPT_LARGE : 0), lvl)) ==
               -EEXIST)
            lvl--;
        if (err)
            return err;
        gpa += lvl_size(lvl);
        hpa += lvl_size(lvl);
        size -= lvl_size(lvl);
    }
    return 0;
}

int ept_unmap(struct ept *e, uint64_t gpa, uint64_t size)
{
    if (!range_ok(gpa, size))
        return -EINVAL;
    while (size) {
        uint64_t *t = e->mm.virt(e->mm.ctx, e->pml4), step;
        int lvl = 3;
        /* Walk down, splitting a large leaf only when the range covers part of it. */
        while (lvl > 0 && t) {
            uint64_t *ent = &t[idx(gpa, lvl)];
            if (!(*ent & EPT_RWX))
                break;
            if ((*ent & EPT_LARGE) && !(gpa & (lvl_size(lvl) - 1)) && size >= lvl_size(lvl))
                break;
            t = descend(e, ent, lvl, (*ent & EPT_LARGE) != 0);
            lvl--;
        }
        if (!t)
            return -ENOMEM;
        /* Here the entry is absent, a 4 KiB leaf, or a large leaf the range covers. */
        t[idx(gpa, lvl)] = 0;
        step = MIN(size, lvl_size(lvl) - (gpa & (lvl_size(lvl) - 1)));
        gpa += step;
        size -= step;
    }
    return 0;
}

int ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa, uint64_t *prot, unsigned *level)
{
    const uint64_t *t = e->mm.virt(e->mm.ctx, e->pml4);

    for (int lvl = 3; lvl >= 0; lvl--) {
        uint64_t ent = t[idx(gpa, lvl)];
        if (!(ent & EPT_RWX))
            return -ENOENT;
        if (lvl == 0 || (ent & EPT_LARGE)) {
            *hpa = (ent & EPT_ADDR & ~(lvl_size(lvl) - 1)) + (gpa & (lvl_size(lvl) - 1));
            *prot = ent & EPT_RWX;
            *level = (unsigned)lvl;
            return 0;
        }
        t = table(e, ent);
    }
    return -ENOENT;
}

static void free_level(struct ept *e, uint64_t pa, int lvl)
{
    uint64_t *t = e->mm.virt(e->mm.ctx, pa);

    for (unsigned i = 0; lvl > 0 && i < 512; i++)
        if ((t[i] & EPT_RWX) && !(t[i] & EPT_LARGE))
            free_level(e, t[i] & EPT_ADDR, lvl - 1);
    e->mm.free_page(e->mm.ctx, pa);
    e->tables--;
}

void ept_destroy(struct ept *e)
{
    if (e->pml4)
        free_level(e, e->pml4, 3);
    e->pml4 = 0;
}

uint64_t ept_pointer(const struct ept *e)
{
    return e->pml4 | EPTP_WALK4 | EPTP_WB;
}
