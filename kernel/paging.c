/* SPDX-License-Identifier: MIT */
/* Page-table construction (Intel SDM Vol. 3A 4.5, 4-level paging). */
#include "kernel/paging.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"
#include "kernel/x86/regs.h"

#define LVL_4K 0
#define LVL_2M 1
#define LVL_1G 2
#define KERNEL_RW (PTE_P | PTE_W | PTE_NX)
#define KERNEL_RX (PTE_P)
#define KERNEL_RO (PTE_P | PTE_NX)
#define KERNEL_MMIO (PTE_P | PTE_W | PTE_NX | PTE_PCD | PTE_PWT)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

static uint64_t *pml4;
static uint64_t pml4_phys;
static bool have_1g;
static spinlock_t pt_lock = SPINLOCK_INIT;

static uint64_t level_size(int lvl)
{
    return 1ULL << (12 + 9 * lvl);
}

static unsigned index_at(uint64_t va, int depth) /* depth 3 = PML4 ... 0 = PT */
{
    return (va >> (12 + 9 * depth)) & 511;
}

static uint64_t *table_virt(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDR_MASK);
}

/* Replaces a large leaf by a table of 512 smaller leaves with the same attributes. */
static int split_large(uint64_t *entry, int depth)
{
    uint64_t pa = page_alloc(1), base = *entry & PTE_ADDR_MASK & ~(level_size(depth) - 1);
    uint64_t flags = *entry & ~PTE_ADDR_MASK & ~PTE_PS, *t;

    if (!pa)
        return -ENOMEM;
    t = phys_to_virt(pa);
    for (unsigned i = 0; i < 512; i++)
        t[i] = (base + i * level_size(depth - 1)) | flags | (depth - 1 > 0 ? PTE_PS : 0);
    *entry = pa | PTE_P | PTE_W;
    return 0;
}

/* Next-level table under entry, allocating or splitting as needed. */
static uint64_t *descend(uint64_t *entry, int depth)
{
    uint64_t pa;

    if (*entry & PTE_P) {
        if ((*entry & PTE_PS) && split_large(entry, depth))
            return NULL;
        return table_virt(*entry);
    }
    pa = page_alloc(1);
    if (!pa)
        return NULL;
    *entry = pa | PTE_P | PTE_W; /* permissions are decided at the leaf */
    return phys_to_virt(pa);
}

static int map_leaf(uint64_t va, uint64_t pa, int lvl, uint64_t flags)
{
    uint64_t *t = pml4;

    for (int depth = 3; depth > lvl; depth--) {
        t = descend(&t[index_at(va, depth)], depth);
        if (!t)
            return -ENOMEM;
    }
    if (lvl > LVL_4K && (t[index_at(va, lvl)] & (PTE_P | PTE_PS)) == PTE_P)
        return -EEXIST; /* a finer table is already there: caller maps smaller pages */
    t[index_at(va, lvl)] = pa | flags | (lvl > LVL_4K ? PTE_PS : 0);
    return 0;
}

static int pick_level(uint64_t va, uint64_t pa, uint64_t left, bool large)
{
    for (int lvl = large ? (have_1g ? LVL_1G : LVL_2M) : LVL_4K; lvl > LVL_4K; lvl--) {
        uint64_t sz = level_size(lvl);
        if (!(va & (sz - 1)) && !(pa & (sz - 1)) && left >= sz)
            return lvl;
    }
    return LVL_4K;
}

static int map_range(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, bool large)
{
    while (size) {
        int lvl = pick_level(va, pa, size, large), err;
        while ((err = map_leaf(va, pa, lvl, flags)) == -EEXIST)
            lvl--;
        if (err)
            return err;
        if (pml4_phys == read_cr3())
            invlpg(va);
        va += level_size(lvl);
        pa += level_size(lvl);
        size -= level_size(lvl);
    }
    return 0;
}

static int map_kernel_section(const char *start, const char *end, uint64_t flags)
{
    uint64_t va = (uint64_t)start;

    return map_range(va, va - KERNEL_VMA, ALIGN_UP((uint64_t)end, PAGE_SIZE) - va, flags, false);
}

static int map_ram(const struct mem_range *map, unsigned n)
{
    int err = map_range(DMAP_BASE, 0, MiB(1), KERNEL_RW, false);

    for (unsigned i = 0; i < n && !err; i++) {
        uint64_t b = ALIGN_DOWN(map[i].base, PAGE_SIZE), e = ALIGN_UP(map[i].end, PAGE_SIZE);
        if (map[i].type != MEM_USABLE && map[i].type != MEM_ACPI && map[i].type != MEM_NVS)
            continue;
        err = map_range(DMAP_BASE + b, b, e - b, KERNEL_RW, true);
    }
    return err;
}

int paging_init(const struct mem_range *map, unsigned n)
{
    struct cpuid_regs r;
    int err;

    cpuid(0x80000001, 0, &r);
    have_1g = r.edx & CPUID80000001_EDX_PDPE1GB;
    pml4_phys = page_alloc(1);
    if (!pml4_phys || pml4_phys >= GiB(4))
        return -ENOMEM;
    pml4 = phys_to_virt(pml4_phys);
    err = map_kernel_section(__text_start, __text_end, KERNEL_RX);
    err = err ?: map_kernel_section(__rodata_start, __rodata_end, KERNEL_RO);
    err = err ?: map_kernel_section(__data_start, __data_end, KERNEL_RW);
    err = err ?: map_ram(map, n);
    if (err)
        return err;
    write_cr4(read_cr4() | CR4_PGE);
    write_cr3(pml4_phys);
    return 0;
}

uint64_t paging_kernel_cr3(void)
{
    return pml4_phys;
}

static void *map_locked(uint64_t phys, uint64_t size, uint64_t flags)
{
    uint64_t b = ALIGN_DOWN(phys, PAGE_SIZE), e = ALIGN_UP(phys + size, PAGE_SIZE);
    uint64_t f;
    int err;

    if (!size || phys + size < phys || e > (1ULL << 46))
        return NULL;
    f = spin_lock_irqsave(&pt_lock);
    err = map_range(DMAP_BASE + b, b, e - b, flags, false);
    spin_unlock_irqrestore(&pt_lock, f);
    return err ? NULL : phys_to_virt(phys);
}

void *mmio_map(uint64_t phys, uint64_t size)
{
    return map_locked(phys, size, KERNEL_MMIO);
}

/* Reports whether the whole range is already mapped, so RAM keeps its large pages. */
static bool is_mapped(uint64_t va, uint64_t end)
{
    while (va < end) {
        uint64_t *t = pml4, e = 0;
        int depth;
        for (depth = 3; depth >= 0; depth--) {
            e = t[index_at(va, depth)];
            if (!(e & PTE_P))
                return false;
            if (depth == 0 || (e & PTE_PS))
                break;
            t = table_virt(e);
        }
        va = ALIGN_DOWN(va, level_size(depth < 0 ? 0 : depth)) + level_size(depth < 0 ? 0 : depth);
    }
    return true;
}

void *phys_map(uint64_t phys, uint64_t size)
{
    if (size && phys + size > phys && is_mapped(DMAP_BASE + phys, DMAP_BASE + phys + size))
        return phys_to_virt(phys);
    return map_locked(phys, size, KERNEL_RW);
}

uint64_t paging_trampoline_cr3(void)
{
    uint64_t pa = page_alloc(1), pdpt = page_alloc(1), pd = page_alloc(1);
    uint64_t *t;

    if (!pa || !pdpt || !pd || pa >= GiB(4))
        return 0;
    t = phys_to_virt(pa);
    memcpy(t + 256, pml4 + 256, 256 * sizeof(uint64_t));
    t[0] = pdpt | PTE_P | PTE_W;
    ((uint64_t *)phys_to_virt(pdpt))[0] = pd | PTE_P | PTE_W;
    ((uint64_t *)phys_to_virt(pd))[0] = 0 | PTE_P | PTE_W | PTE_PS; /* low 2 MiB, executable */
    return pa;
}

void *paging_alias_map(uint64_t va_base, uint64_t phys, uint64_t size)
{
    uint64_t b = ALIGN_DOWN(phys, PAGE_SIZE), e = ALIGN_UP(phys + size, PAGE_SIZE), f;
    int err;

    f = spin_lock_irqsave(&pt_lock);
    err = map_range(va_base + b, b, e - b, KERNEL_RW, true);
    spin_unlock_irqrestore(&pt_lock, f);
    return err ? NULL : (void *)(uintptr_t)(va_base + phys);
}

/* The page-table entry of 4 KiB page va, splitting large pages on the way; NULL if unmapped. */
static uint64_t *leaf_4k(uint64_t va)
{
    uint64_t *t = pml4;

    for (int depth = 3; depth > 0; depth--) {
        uint64_t *e = &t[index_at(va, depth)];
        if (!(*e & PTE_P) || !(t = descend(e, depth)))
            return NULL;
    }
    return &t[index_at(va, 0)];
}

int paging_dmap_split(uint64_t phys, uint64_t size)
{
    uint64_t end = phys + size, f;
    int err = 0;

    f = spin_lock_irqsave(&pt_lock);
    for (uint64_t pa = ALIGN_DOWN(phys, MiB(2)); pa < end && !err; pa += MiB(2))
        if (!leaf_4k(DMAP_BASE + MAX(pa, ALIGN_DOWN(phys, PAGE_SIZE))))
            err = -ENOMEM;
    spin_unlock_irqrestore(&pt_lock, f);
    if (!err)
        write_cr3(read_cr3()); /* the large-page translations are gone */
    return err;
}

int paging_dmap_set_present(uint64_t phys, bool present)
{
    uint64_t va = DMAP_BASE + phys, *t = pml4, *e, f;
    int depth = 3, err = -EINVAL;

    f = spin_lock_irqsave(&pt_lock);
    for (e = &t[index_at(va, depth)]; depth > 0; e = &t[index_at(va, --depth)]) {
        if (!(*e & PTE_P) || (*e & PTE_PS))
            break; /* not split to 4 KiB: paging_dmap_split first */
        t = table_virt(*e);
    }
    if (depth == 0 && (*e & PTE_ADDR_MASK) == ALIGN_DOWN(phys, PAGE_SIZE)) {
        *e = present ? *e | PTE_P : *e & ~(uint64_t)PTE_P;
        invlpg(va);
        err = 0;
    }
    spin_unlock_irqrestore(&pt_lock, f);
    return err;
}
