/* SPDX-License-Identifier: MIT */
/*
 * smp: every enabled MADT processor was started by INIT/SIPI/SIPI (the
 * runtime); each CPU checks in: its local APIC ID register equals
 * CPUID.1:EBX[31:24] (and CPUID.0BH:EDX when leaf 0xB exists), equals the
 * MADT entry it was started as; the IDs are distinct; the count equals the
 * MADT count and NR_CPUS when given; on_cpu/on_cpu_async run where asked.
 */
#include "conf.h"

struct checkin {
    volatile int seen;
    u32 apic_reg, cpuid1, cpuid_b;
    bool has_b;
    bool bsp_flag;
    int cpu_seen;
};

static struct checkin checkins[MAX_CPUS];
static volatile int async_count;

static void checkin(void *arg)
{
    struct checkin *c = &checkins[smp_id()];
    c->apic_reg = apic_id();
    c->cpuid1 = cpuid(1).b >> 24;
    c->has_b = cpuid(0).a >= 0xb && cpuid_indexed(0xb, 0).b != 0;
    if (c->has_b)
        c->cpuid_b = cpuid_indexed(0xb, 0).d;
    c->bsp_flag = (rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_BSP) != 0;
    c->cpu_seen = smp_id();
    c->seen = 1;
}

static void async_inc(void *arg)
{
    udelay(1000);
    __atomic_add_fetch(&async_count, 1, __ATOMIC_SEQ_CST);
}

int main(void)
{
    const struct madt_info *m = acpi_madt_info();
    int n = nr_cpus();

    report(m->found, "MADT present");
    report(smp_failed_cpus() == 0, "all %d MADT processors started", smp_madt_cpus());
    report(n == m->nr_lapics, "CPUs online (%d) == enabled MADT processors (%d)", n, m->nr_lapics);
    if (env_get("NR_CPUS"))
        report(env_get_ulong("NR_CPUS", 0) == (unsigned long)n, "CPUs online (%d) == NR_CPUS (%s)",
               n, env_get("NR_CPUS"));
    else
        report_skip("no NR_CPUS in the environment", "CPUs online == NR_CPUS");

    for (int i = 0; i < n; i++)
        on_cpu(i, checkin, NULL);
    for (int i = 0; i < n; i++) {
        struct checkin *c = &checkins[i];
        char name[16];
        snprintf(name, sizeof(name), "cpu%d", i);
        report_prefix_push(name);
        report(c->seen && c->cpu_seen == i, "cpu %d ran on_cpu() function", i);
        report(c->apic_reg == cpu_apic_id(i), "APIC ID register %u == ID at start-up %u",
               c->apic_reg, cpu_apic_id(i));
        report(c->cpuid1 == (c->apic_reg & 0xff), "CPUID.1:EBX[31:24] %u == APIC ID %u", c->cpuid1,
               c->apic_reg);
        if (c->has_b)
            report(c->cpuid_b == c->apic_reg, "CPUID.0BH:EDX %u == APIC ID %u", c->cpuid_b,
                   c->apic_reg);
        else
            report_skip("no CPUID leaf 0xB", "CPUID.0BH:EDX == APIC ID");
        bool in_madt = false;
        for (int j = 0; j < m->nr_lapics; j++)
            in_madt |= m->lapic_ids[j] == c->apic_reg;
        report(in_madt, "APIC ID %u is an enabled MADT processor", c->apic_reg);
        report(c->bsp_flag == (i == 0), "IA32_APIC_BASE.BSP is %d", i == 0);
        bool unique = true;
        for (int j = 0; j < i; j++)
            unique &= checkins[j].apic_reg != c->apic_reg;
        report(unique, "APIC ID %u is unique", c->apic_reg);
        report_prefix_pop();
    }
    async_count = 0;
    for (int i = 1; i < n; i++)
        on_cpu_async(i, async_inc, NULL);
    for (int i = 1; i < n; i++)
        on_cpu_wait(i);
    report(async_count == n - 1, "on_cpu_async ran on all %d APs (%d)", n - 1, async_count);
    return 0;
}
