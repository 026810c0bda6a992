/* SPDX-License-Identifier: MIT */
/* Per-CPU GDT and TSS (Intel SDM Vol. 3A 3.4.5 and 8.7). */
#include "kernel/percpu.h"
#include "kernel/idt.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"

#define SEG_CODE64 0x00AF9A000000FFFFULL /* P, DPL0, code RX, L */
#define SEG_DATA 0x00CF92000000FFFFULL   /* P, DPL0, data RW */
#define TSS_TYPE_AVAIL 0x89ULL           /* P, 64-bit TSS available */

struct percpu *cpu_table[MAX_CPUS];
unsigned cpu_count;

static void set_tss_desc(uint64_t *gdt, const struct tss *tss)
{
    uint64_t base = (uint64_t)tss;
    uint64_t limit = sizeof(*tss) - 1;

    gdt[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (TSS_TYPE_AVAIL << 40) |
             ((limit & 0xf0000) << 32) | ((base >> 24 & 0xff) << 56);
    gdt[1] = base >> 32;
}

/* Reloading CS needs a far return; the data segments a plain mov. */
static void load_gdt(uint64_t *gdt)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed ptr = {GDT_ENTRIES * 8 - 1, (uint64_t)gdt};

    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%ds\n\t"
                     "mov %2, %%es\n\t"
                     "mov %2, %%ss\n\t"
                     :
                     : "m"(ptr), "i"(GDT_KCODE), "r"(GDT_KDATA)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" ::"r"(GDT_TSS));
}

void percpu_install(struct percpu *pc)
{
    pc->self = pc;
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
}

void cpu_tables_init(struct percpu *pc)
{
    pc->gdt[0] = 0;
    pc->gdt[1] = SEG_CODE64;
    pc->gdt[2] = SEG_DATA;
    set_tss_desc(&pc->gdt[3], &pc->tss);
    pc->tss.iomap_base = sizeof(struct tss); /* no I/O bitmap */
    for (int i = 0; i < 3; i++)
        pc->tss.ist[i] = pc->ist_stacks[i];
    load_gdt(pc->gdt);
    /* lgdt/mov to segment clobber nothing of GS base, but FS/GS selectors must be null. */
    __asm__ volatile("mov %0, %%fs; mov %0, %%gs" ::"r"(0));
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
    idt_load();
}

const char *cpu_state_name(int state)
{
    static const char *const names[] = {
        [CPU_ABSENT] = "absent",   [CPU_OFFLINE] = "offline", [CPU_STARTING] = "starting",
        [CPU_ONLINE] = "online",   [CPU_FAILED] = "failed",   [CPU_DISABLED] = "disabled",
        [CPU_STOPPED] = "stopped",
    };

    if (state < 0 || state >= (int)ARRAY_SIZE(names) || !names[state])
        return "?";
    return names[state];
}
