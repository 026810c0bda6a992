/* SPDX-License-Identifier: MIT */
/*
 * apic_timer: the xAPIC local timer. Divide configuration reads back and
 * changes the count rate; the current count counts down from the initial
 * count; one-shot fires once and stops at 0; periodic fires repeatedly and
 * reloads; a masked LVT does not deliver; writing initial count 0 stops it;
 * the timer works on an AP too. TSC-deadline mode (CPUID.1:ECX[24]): fires
 * at the deadline, the MSR reads 0 after firing, writing 0 disarms.
 */
#include "conf.h"

#define TIMER_VEC 0x50

static volatile int ticks[MAX_CPUS];

static void timer_isr(struct ex_regs *r)
{
    ticks[smp_id()]++;
    apic_eoi();
}

/* a (TSC, current count) pair read close together (the host may preempt us) */
static void sample(u64 *tsc, u32 *count)
{
    u64 lim = tsc_hz() / 50000; /* 20 us */
    for (int i = 0; i < 20; i++) {
        u64 t0 = rdtsc();
        *count = apic_read(APIC_TMCCT);
        u64 t1 = rdtsc();
        *tsc = t0 + (t1 - t0) / 2;
        if (t1 - t0 < lim)
            return;
    }
}

/* current-count decrements per millisecond of TSC time at this divide value */
static u64 apic_ticks_per_ms(u32 tdcr)
{
    u64 t0, t1;
    u32 c0, c1;
    apic_write(APIC_TDCR, tdcr);
    apic_write(APIC_LVTT, APIC_LVT_MASKED | TIMER_VEC);
    apic_write(APIC_TMICT, 0xffffffff);
    sample(&t0, &c0);
    udelay(1000);
    sample(&t1, &c1);
    apic_write(APIC_TMICT, 0);
    return (u64)(c0 - c1) * (tsc_hz() / 1000) / (t1 - t0 ? t1 - t0 : 1);
}

static void test_divide(void)
{
    static const u32 vals[] = {0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb};
    bool ok = true;
    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        apic_write(APIC_TDCR, vals[i]);
        ok &= (apic_read(APIC_TDCR) & 0xb) == vals[i];
    }
    report(ok, "divide configuration register reads back all 8 values");

    u64 r1 = apic_ticks_per_ms(0xb);  /* divide by 1 */
    u64 r16 = apic_ticks_per_ms(0x3); /* divide by 16 */
    report(r1 > 0 && r16 > 0, "current count decreases (%lu and %lu per ms)", r1, r16);
    report(r16 > 0 && r1 >= 8 * r16 && r1 <= 32 * r16,
           "divide by 1 counts about 16 times faster than divide by 16 (%lu vs %lu)", r1, r16);
}

static void test_countdown(u64 per_ms)
{
    apic_write(APIC_TDCR, 0xb);
    apic_write(APIC_LVTT, APIC_LVT_MASKED | TIMER_VEC);
    u32 init = (u32)(per_ms * 100);
    apic_write(APIC_TMICT, init);
    u32 a = apic_read(APIC_TMCCT);
    udelay(100);
    u32 b = apic_read(APIC_TMCCT);
    report(apic_read(APIC_TMICT) == init, "initial count reads back");
    report(a <= init && b < a, "current count counts down (%u, then %u, from %u)", a, b, init);
    apic_write(APIC_TMICT, 0);
    report(apic_read(APIC_TMCCT) == 0, "initial count 0 stops the timer: current count 0");
}

static void test_oneshot(u64 per_ms)
{
    int me = smp_id();
    ticks[me] = 0;
    apic_write(APIC_TDCR, 0xb);
    apic_write(APIC_LVTT, TIMER_VEC); /* one-shot */
    apic_write(APIC_TMICT, (u32)per_ms);
    irq_enable();
    bool fired = wait_for(ticks[me] >= 1, 100000);
    udelay(3000);
    irq_disable();
    report(fired, "cpu %d: one-shot timer fires", me);
    report(ticks[me] == 1, "cpu %d: one-shot timer fires once (%d)", me, ticks[me]);
    report(apic_read(APIC_TMCCT) == 0, "cpu %d: one-shot current count stays 0 after firing", me);
}

static void ap_oneshot(void *arg)
{
    irq_disable();
    test_oneshot(*(u64 *)arg);
}

static void test_periodic(u64 per_ms)
{
    ticks[0] = 0;
    apic_write(APIC_TDCR, 0xb);
    apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | TIMER_VEC);
    apic_write(APIC_TMICT, (u32)per_ms);
    irq_enable();
    bool fired = wait_for(ticks[0] >= 4, 200000);
    irq_disable();
    u32 cur = apic_read(APIC_TMCCT);
    report(fired, "periodic timer fires repeatedly (%d times)", ticks[0]);
    report(cur > 0 && cur <= per_ms, "periodic timer reloads (current count %u)", cur);
    apic_write(APIC_TMICT, 0);
    irq_enable();
    udelay(200); /* one that was already pending is delivered now */
    int n = ticks[0];
    udelay(3000);
    irq_disable();
    report(ticks[0] == n, "writing initial count 0 stops the periodic timer");
}

static void test_masked(u64 per_ms)
{
    ticks[0] = 0;
    apic_write(APIC_TDCR, 0xb);
    apic_write(APIC_LVTT, APIC_LVT_MASKED | TIMER_VEC);
    apic_write(APIC_TMICT, (u32)(per_ms / 4 + 1));
    irq_enable();
    udelay(2000);
    irq_disable();
    report(ticks[0] == 0, "masked one-shot timer does not deliver");
    report(apic_read(APIC_TMCCT) == 0, "masked one-shot timer still counts down to 0");
    report(!apic_vector_bit(APIC_IRR, TIMER_VEC), "masked timer leaves no IRR bit");
    apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_LVT_TIMER_PERIODIC | TIMER_VEC);
    apic_write(APIC_TMICT, (u32)(per_ms / 4 + 1));
    irq_enable();
    udelay(2000);
    irq_disable();
    apic_write(APIC_TMICT, 0);
    report(ticks[0] == 0, "masked periodic timer does not deliver");
}

static void test_tsc_deadline(void)
{
    if (!this_cpu_has(X86_FEATURE_TSC_DEADLINE)) {
        report_skip("no CPUID.1:ECX.TSC_DEADLINE", "TSC-deadline timer");
        return;
    }
    u64 ms = tsc_hz() / 1000;
    ticks[0] = 0;
    apic_write(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | TIMER_VEC);
    wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + ms);
    irq_enable();
    bool fired = wait_for(ticks[0] >= 1, 100000);
    udelay(2000);
    irq_disable();
    report(fired, "TSC-deadline timer fires");
    report(ticks[0] == 1, "TSC-deadline timer fires once (%d)", ticks[0]);
    report(rdmsr(MSR_IA32_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE reads 0 after firing");

    /* a deadline in the past fires at once */
    ticks[0] = 0;
    wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() - ms);
    irq_enable();
    fired = wait_for(ticks[0] >= 1, 100000);
    irq_disable();
    report(fired, "TSC-deadline in the past fires at once");

    ticks[0] = 0;
    wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + ms);
    wrmsr(MSR_IA32_TSC_DEADLINE, 0);
    irq_enable();
    udelay(3000);
    irq_disable();
    report(ticks[0] == 0, "writing 0 to IA32_TSC_DEADLINE disarms the timer");
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
}

int main(void)
{
    handle_irq(TIMER_VEC, timer_isr);
    report(this_cpu_has(X86_FEATURE_APIC), "CPUID.1:EDX.APIC");
    report(apic_read(APIC_SPIV) & APIC_SPIV_ENABLE, "APIC software-enabled");
    test_divide();
    u64 per_ms = apic_ticks_per_ms(0xb);
    report_info("APIC timer: %lu ticks per ms at divide 1", per_ms);
    if (!per_ms || per_ms > 0xffffffffULL / 100)
        report_abort("APIC timer rate %lu per ms is unusable", per_ms);
    test_countdown(per_ms);
    test_oneshot(per_ms);
    if (nr_cpus() > 1)
        on_cpu(1, ap_oneshot, &per_ms);
    else
        report_skip("one CPU", "one-shot timer on an AP");
    test_periodic(per_ms);
    test_masked(per_ms);
    test_tsc_deadline();
    return 0;
}
