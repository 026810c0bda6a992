/* SPDX-License-Identifier: MIT */
/* Per-CPU runtime data, found through the bottom of the current stack. */
#ifndef CONF_PERCPU_H
#define CONF_PERCPU_H

#include "desc.h"

struct percpu {
    u64 try_rsp; /* first: boot.S ex_try uses offset 0 */
    int cpu;
    u32 apic_id;
    bool x2apic;
    bool online;
    struct ex_info ex;
    struct tss64 tss __attribute__((aligned(16)));
    /* on_cpu mailbox */
    void (*volatile fn)(void *);
    void *volatile arg;
    volatile int req, done;
};

extern struct percpu percpus[MAX_CPUS];
extern u8 cpu_stacks[];

static inline struct percpu *this_cpu(void)
{
    u64 rsp;
    asm volatile("mov %%rsp, %0" : "=r"(rsp));
    return *(struct percpu **)(rsp & ~(u64)(STACK_SIZE - 1));
}

void cpu_setup(int cpu); /* descriptors, TSS, stacks' percpu pointers, CR0/CR4 */
void idt_init(void);
void vm_init(void);
void smp_init(void);
void apic_cpu_init(void);

#endif
