/* SPDX-License-Identifier: MIT */
/*
 * The cache instructions behind tdx_page.c: CLFLUSH before the TDX module
 * gets a page, whole-line MOVDIR64B stores after it gives one back (see
 * tdx_page.h for why). The host unit tests replace this file with recorders.
 */
#include "tdx/module/tdx_page.h"
#include "kernel/layout.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"

#define LINE 64
#define CPUID7_ECX_MOVDIR64B (1U << 28) /* SDM Vol. 2A, CPUID leaf 7 sub-leaf 0 */

static const uint8_t zero_line[LINE] __aligned(LINE);

static bool has_movdir64b(void)
{
    static int known; /* 0 unknown, 1 no, 2 yes: CPUID once */
    struct cpuid_regs r;

    if (!known) {
        cpuid(0, 0, &r);
        if (r.eax >= 7)
            cpuid(7, 0, &r);
        else
            r.ecx = 0;
        known = r.ecx & CPUID7_ECX_MOVDIR64B ? 2 : 1;
    }
    return known == 2;
}

void tdx_page_flush(uint64_t pa, uint64_t npages)
{
    uint8_t *p = phys_to_virt(pa);

    for (uint64_t off = 0; off < npages * PAGE_SIZE; off += LINE)
        __asm__ volatile("clflush %0" : "+m"(p[off]));
    __asm__ volatile("mfence" ::: "memory");
}

/* MOVDIR64B is a 64-byte direct store: the line is replaced, never merged (SDM Vol. 2B). */
static void clear_lines_movdir64b(uint8_t *p, uint64_t bytes)
{
    for (uint64_t off = 0; off < bytes; off += LINE)
        __asm__ volatile("movdir64b (%1), %0" ::"r"(p + off), "r"(zero_line) : "memory");
    __asm__ volatile("sfence" ::: "memory"); /* direct stores are weakly ordered */
}

void tdx_page_clear(uint64_t pa, uint64_t npages)
{
    uint8_t *p = phys_to_virt(pa);
    uint64_t bytes = npages * PAGE_SIZE;

    if (has_movdir64b()) {
        clear_lines_movdir64b(p, bytes);
        return;
    }
    /* No MOVDIR64B (only emulators here): no partial-write erratum either. */
    memset(p, 0, bytes);
    tdx_page_flush(pa, npages);
}
