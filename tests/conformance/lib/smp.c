/* SPDX-License-Identifier: MIT */
#include "smp.h"
#include "acpi.h"
#include "apic.h"
#include "env.h"
#include "libc.h"
#include "percpu.h"
#include "report.h"

extern u8 tramp_start[], tramp_end[];
extern u64 ap_boot_rsp;
static int online_cpus = 1, failed_cpus, madt_cpus = 1;
static volatile int ap_booted;

int nr_cpus(void)
{
    return online_cpus;
}

int smp_id(void)
{
    return this_cpu()->cpu;
}

u32 cpu_apic_id(int cpu)
{
    return percpus[cpu].apic_id;
}

int cpu_from_apic_id(u32 id)
{
    for (int i = 0; i < online_cpus; i++)
        if (percpus[i].apic_id == id)
            return i;
    return -1;
}

int smp_madt_cpus(void)
{
    return madt_cpus;
}

int smp_failed_cpus(void)
{
    return failed_cpus;
}

static void ap_idle(struct percpu *pc)
{
    for (;;) {
        irq_enable();
        while (pc->req == pc->done)
            cpu_relax();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        pc->fn(pc->arg);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        pc->done = pc->req;
    }
}

static volatile int ap_booting_cpu;
static struct spinlock post_lock;

void ap_entry(void);
void ap_entry(void)
{
    int cpu = ap_booting_cpu;
    struct percpu *pc = &percpus[cpu];
    cpu_setup(cpu);
    apic_reset_state();
    pc->apic_id = apic_id();
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pc->online = true;
    ap_booted = 1;
    ap_idle(pc);
}

static bool start_ap(int cpu, u32 id)
{
    memcpy((void *)TRAMP_BASE, tramp_start, (size_t)(tramp_end - tramp_start));
    ap_booting_cpu = cpu;
    ap_boot_rsp = (u64)(uintptr_t)(cpu_stacks + 2 * cpu * STACK_SIZE + STACK_SIZE);
    /* the AP's stacks must know their percpu before it runs any C */
    *(struct percpu **)(cpu_stacks + 2 * cpu * STACK_SIZE) = &percpus[cpu];
    *(struct percpu **)(cpu_stacks + (2 * cpu + 1) * STACK_SIZE) = &percpus[cpu];
    ap_booted = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    apic_icr_write(APIC_DM_INIT | APIC_INT_ASSERT | APIC_INT_LEVELTRIG, id);
    mdelay(10);
    for (int i = 0; i < 2 && !ap_booted; i++) {
        apic_icr_write(APIC_DM_STARTUP | (TRAMP_BASE >> 12), id);
        wait_for(ap_booted, 200);
    }
    return wait_for(ap_booted, 500000);
}

void smp_init(void)
{
    const struct madt_info *m = acpi_madt_info();
    u32 self = percpus[0].apic_id;
    if (!m->found || !m->nr_lapics)
        return;
    madt_cpus = m->nr_lapics;
    for (int i = 0; i < m->nr_lapics; i++) {
        u32 id = m->lapic_ids[i];
        if (id == self)
            continue;
        if (online_cpus >= MAX_CPUS) {
            report_info("smp: more than %d CPUs in the MADT, APIC ID %u left offline", MAX_CPUS,
                        id);
            continue;
        }
        if (!apic_x2apic_mode() && id > 0xfe) {
            report_info("smp: APIC ID %u needs x2APIC, left offline", id);
            failed_cpus++;
            continue;
        }
        if (start_ap(online_cpus, id)) {
            online_cpus++;
        } else {
            report_info("smp: the CPU with APIC ID %u did not start", id);
            failed_cpus++;
        }
    }
}

void on_cpu_async(int cpu, void (*fn)(void *), void *arg)
{
    struct percpu *pc = &percpus[cpu];
    if (cpu == smp_id()) {
        fn(arg);
        return;
    }
    spin_lock(&post_lock);
    while (pc->done != pc->req)
        cpu_relax();
    pc->fn = fn;
    pc->arg = arg;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pc->req++;
    spin_unlock(&post_lock);
}

void on_cpu_wait(int cpu)
{
    struct percpu *pc = &percpus[cpu];
    while (pc->done != pc->req)
        cpu_relax();
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void on_cpu(int cpu, void (*fn)(void *), void *arg)
{
    on_cpu_async(cpu, fn, arg);
    on_cpu_wait(cpu);
}

void on_cpus(void (*fn)(void *), void *arg)
{
    int self = smp_id();
    for (int i = 0; i < nr_cpus(); i++)
        if (i != self)
            on_cpu(i, fn, arg);
    fn(arg);
}
