/* SPDX-License-Identifier: MIT */
/*
 * hlt_wakeup: HLT ends on an event. STI; HLT with a self-IPI already
 * pending returns at once through the handler; a one-shot LAPIC timer wakes
 * the BSP; a fixed IPI wakes a halted AP; an AP halted with IF=0 stays
 * halted when a fixed IPI arrives (it stays in IRR) and is woken by an NMI;
 * the TSC keeps counting across HLT.
 */
#include "conf.h"

#define VEC 0x60
#define TIMER_VEC 0x50

static volatile int hits[MAX_CPUS], nmis[MAX_CPUS];
static volatile int ap_state; /* 0 idle, 1 about to halt, 2 woke */
static volatile u64 ap_rip;

static void isr(struct ex_regs *r)
{
    hits[smp_id()]++;
    apic_eoi();
}

static void nmi(struct ex_regs *r)
{
    nmis[smp_id()]++;
}

static void ap_halt_if1(void *arg)
{
    irq_disable();
    ap_state = 1;
    asm volatile("sti; hlt; cli" ::: "memory");
    ap_state = 2;
}

static void ap_halt_if0(void *arg)
{
    irq_disable();
    ap_state = 1;
    asm volatile("hlt" ::: "memory");
    ap_state = 2;
    irq_enable(); /* takes the fixed IPI left in IRR */
    udelay(100);
    irq_disable();
}

int main(void)
{
    handle_irq(VEC, isr);
    handle_irq(TIMER_VEC, isr);
    handle_exception(NMI_VECTOR, nmi);

    hits[0] = 0;
    apic_self_ipi(VEC);
    u64 t0 = rdtsc();
    safe_halt();
    irq_disable();
    report(hits[0] == 1, "STI; HLT with a pending self-IPI returns through the handler");

    u64 per_ms = 0;
    apic_write(APIC_TDCR, 0xb);
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
    apic_write(APIC_TMICT, 0xffffffff);
    udelay(1000);
    per_ms = 0xffffffffu - apic_read(APIC_TMCCT);
    apic_write(APIC_LVTT, TIMER_VEC);
    hits[0] = 0;
    t0 = rdtsc();
    apic_write(APIC_TMICT, (u32)(per_ms * 2));
    safe_halt();
    irq_disable();
    u64 t1 = rdtsc();
    report(hits[0] == 1, "one-shot LAPIC timer wakes HLT");
    report(t1 - t0 >= tsc_hz() / 1000, "TSC advanced across HLT (%lu us)",
           (t1 - t0) / (tsc_hz() / 1000000));
    apic_write(APIC_LVTT, APIC_LVT_MASKED);

    if (nr_cpus() < 2) {
        report_skip("one CPU", "HLT wake-up of an AP");
        return 0;
    }
    int t = nr_cpus() - 1;
    ap_state = 0;
    hits[t] = 0;
    on_cpu_async(t, ap_halt_if1, NULL);
    wait_for(ap_state == 1, 100000);
    udelay(2000);
    report(ap_state == 1, "AP halted (STI; HLT)");
    apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | VEC, cpu_apic_id(t));
    bool woke = wait_for(ap_state == 2, 100000);
    on_cpu_wait(t);
    report(woke && hits[t] == 1, "fixed IPI wakes the halted AP");

    ap_state = 0;
    hits[t] = 0;
    nmis[t] = 0;
    on_cpu_async(t, ap_halt_if0, NULL);
    wait_for(ap_state == 1, 100000);
    udelay(1000);
    apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | VEC, cpu_apic_id(t));
    udelay(3000);
    report(ap_state == 1 && hits[t] == 0, "fixed IPI does not wake an AP halted with IF=0");
    apic_icr_write(APIC_DM_NMI | APIC_INT_ASSERT, cpu_apic_id(t));
    woke = wait_for(ap_state == 2, 100000);
    on_cpu_wait(t);
    report(woke && nmis[t] == 1, "NMI wakes the AP halted with IF=0");
    report(hits[t] == 1, "the fixed IPI was kept pending and taken after STI");
    return 0;
}
