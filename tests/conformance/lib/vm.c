/* SPDX-License-Identifier: MIT */
#include "vm.h"
#include "percpu.h"
#include "libc.h"
#include "report.h"

#define POOL_PAGES 128

extern u64 pml4[], pd[];
extern u8 __user_start[], __user_end[];
static u8 pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static int pool_used;
static struct spinlock pool_lock, vm_lock;

void *alloc_page(void)
{
    spin_lock(&pool_lock);
    if (pool_used >= POOL_PAGES) {
        spin_unlock(&pool_lock);
        report_abort("alloc_page: pool of %d pages exhausted", POOL_PAGES);
    }
    void *p = pool[pool_used++];
    spin_unlock(&pool_lock);
    memset(p, 0, 4096);
    return p;
}

u64 vm_root(void)
{
    return (u64)(uintptr_t)pml4;
}

void flush_tlb(void)
{
    write_cr3(read_cr3());
}

u64 *vm_pte(u64 va)
{
    if (va >= (1ULL << 32))
        report_abort("vm_pte: %#lx is above 4 GiB", va);
    u64 *pde = &pd[va >> 21];
    spin_lock(&vm_lock);
    if (*pde & PT_PAGE_SIZE) {
        u64 *pt = alloc_page();
        u64 base = *pde & 0xffe00000ULL;
        u64 flags = *pde & (PT_PRESENT | PT_WRITABLE | PT_USER | PT_PWT | PT_PCD | PT_GLOBAL);
        for (int i = 0; i < 512; i++)
            pt[i] = (base + i * 4096ULL) | flags;
        *pde = (u64)(uintptr_t)pt | PT_PRESENT | PT_WRITABLE | PT_USER;
        flush_tlb();
    }
    spin_unlock(&vm_lock);
    u64 *pt = (u64 *)(uintptr_t)(*pde & PT_ADDR_MASK);
    return &pt[(va >> 12) & 511];
}

void vm_update(u64 va, u64 len, u64 set, u64 clear)
{
    for (u64 a = va & ~0xfffULL; a < va + len; a += 4096) {
        u64 *pte = vm_pte(a);
        *pte = (*pte & ~clear) | set;
        invlpg((void *)(uintptr_t)a);
    }
}

void vm_init(void)
{
    vm_update((u64)(uintptr_t)__user_start, (u64)(__user_end - __user_start), PT_USER, 0);
}
