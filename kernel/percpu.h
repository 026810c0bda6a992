/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data, reached through GS base: %gs:0 holds the struct's own
 * address, so this_cpu() is one load and works from any context.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include "lib/compiler.h"

/* Every CPU a MADT can name (x2APIC IDs included): TDX needs each one online. */
#define MAX_CPUS 256

enum cpu_state {
    CPU_ABSENT,   /* no such CPU */
    CPU_OFFLINE,  /* listed in the MADT, not started (yet) */
    CPU_STARTING, /* INIT-SIPI-SIPI sent */
    CPU_ONLINE,   /* running the idle loop, takes IPIs */
    CPU_FAILED,   /* did not answer in time; left out */
    CPU_DISABLED, /* listed but disabled in the MADT */
    CPU_STOPPED,  /* halted by panic or power-off */
};

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;

#define GDT_ENTRIES 5 /* null, code64, data, TSS (two slots) */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_TSS 0x18

struct percpu {
    struct percpu *self; /* must stay first: this_cpu() reads %gs:0 */
    uint32_t cpu;        /* logical index, 0 = boot CPU */
    uint32_t apic_id;
    volatile int state;
    uint64_t stack_top;
    uint64_t gdt[GDT_ENTRIES];
    struct tss tss;
    uint64_t ist_stacks[3]; /* tops of the NMI, #DF and #MC stacks */
    volatile uint64_t ipi_count;
    volatile uint64_t call_ack;          /* last smp_call_all sequence this CPU finished */
    void (*volatile work_fn)(void *arg); /* long-running work for the idle loop (a vCPU) */
    void *volatile work_arg;
    volatile uint64_t irq_count;
};

extern struct percpu *cpu_table[MAX_CPUS];
extern unsigned cpu_count; /* entries in cpu_table (online or not) */

#ifdef HOST_TEST
/* No %gs in a host unit test: the test's fake machine says which CPU runs. */
struct percpu *this_cpu(void);
unsigned this_cpu_id(void);
#else
static inline struct percpu *this_cpu(void)
{
    struct percpu *p;

    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

static inline unsigned this_cpu_id(void)
{
    uint32_t id;

    __asm__ volatile("movl %%gs:8, %0" : "=r"(id));
    return id;
}
#endif

const char *cpu_state_name(int state);
void percpu_install(struct percpu *pc);
/* Loads this CPU's own GDT, TSS (with IST stacks) and the shared IDT. */
void cpu_tables_init(struct percpu *pc);

#endif
