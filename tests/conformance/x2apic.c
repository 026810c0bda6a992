/* SPDX-License-Identifier: MIT */
/*
 * x2apic: x2APIC mode (skipped without CPUID.1:ECX[21]). Enabled through
 * IA32_APIC_BASE bit 10 on every CPU; the ID from MSR 0x802 is the 32-bit
 * x2APIC ID (== CPUID.0BH:EDX, == the xAPIC ID the CPU had); LDR is
 * derived from it; MSR-only rules (#GP for the reserved ICR2 0x831 and
 * DFR 0x80E, writes to the read-only ID, a non-zero EOI write, the
 * x2APIC -> xAPIC transition); self-IPI through MSR 0x83F, and an illegal
 * vector (0-15) there only logged in ESR (SDM 11.5.3); nested self-IPIs
 * (a lower vector taken once the higher one's EOI is done, the higher one
 * again on top of it) keep both in ISR, and after the inner EOI the lower
 * one is still in service (ISR, PPR); fixed IPIs with
 * one 64-bit ICR write (0x830) to another CPU and by shorthand; one-shot
 * and periodic timer through the MSRs; back to xAPIC mode at the end, where
 * a self-IPI through the xAPIC ICR and its EOI work again on every CPU.
 */
#include "conf.h"

#define VEC 0x60
#define TIMER_VEC 0x50
#define NEST_HI 0x90
#define NEST_LO 0x70
#define ILLEGAL_VEC 5 /* delivered, it would be an unexpected #BR: a FAIL */
#define XAPIC_VEC 0x68
#define X2APIC_MSR(reg) (0x800 + ((reg) >> 4))

static volatile int hits[MAX_CPUS], ticks;
static u32 x2ids[MAX_CPUS], ldrs[MAX_CPUS];
static bool enabled_ok[MAX_CPUS];
static volatile bool xapic_ok[MAX_CPUS];

static void ipi_isr(struct ex_regs *r)
{
    __atomic_add_fetch(&hits[smp_id()], 1, __ATOMIC_SEQ_CST);
    wrmsr(X2APIC_MSR(APIC_EOI), 0);
}

static void timer_isr(struct ex_regs *r)
{
    ticks++;
    wrmsr(X2APIC_MSR(APIC_EOI), 0);
}

static volatile int nest_step;
static volatile bool nest_both, nest_lo_kept;
static volatile u32 nest_ppr;

static bool isr_bit(u8 vec)
{
    return (rdmsr(X2APIC_MSR(APIC_ISR) + vec / 32) >> (vec % 32)) & 1;
}

/*
 * First run: with NEST_HI in service, raises NEST_LO (held) and EOIs, so
 * NEST_LO's handler runs inside this one. Second run: inside NEST_LO's.
 * The ID reads are exits under a hypervisor, taken with NEST_HI in service.
 */
static void nest_hi_isr(struct ex_regs *r)
{
    (void)rdmsr(X2APIC_MSR(APIC_ID));
    if (++nest_step == 1) {
        irq_enable();
        wrmsr(X2APIC_MSR(APIC_SELF_IPI), NEST_LO);
        wrmsr(X2APIC_MSR(APIC_EOI), 0);
        irq_disable();
        return;
    }
    nest_both = isr_bit(NEST_HI) && isr_bit(NEST_LO);
    wrmsr(X2APIC_MSR(APIC_EOI), 0);
}

static void nest_lo_isr(struct ex_regs *r)
{
    irq_enable();
    wrmsr(X2APIC_MSR(APIC_SELF_IPI), NEST_HI);
    irq_disable();
    nest_lo_kept = isr_bit(NEST_LO) && !isr_bit(NEST_HI);
    nest_ppr = (u32)rdmsr(X2APIC_MSR(APIC_PPR));
    wrmsr(X2APIC_MSR(APIC_EOI), 0);
}

static void test_nested_self_ipis(void)
{
    handle_irq(NEST_HI, nest_hi_isr);
    handle_irq(NEST_LO, nest_lo_isr);
    wrmsr(X2APIC_MSR(APIC_SELF_IPI), NEST_HI);
    irq_enable();
    udelay(100);
    irq_disable();
    report(nest_step == 2, "nested self-IPIs: %#x, %#x inside its handler, %#x again (%d)", NEST_HI,
           NEST_LO, NEST_HI, nest_step);
    report(nest_both, "nested self-IPIs: both in ISR in the inner handler");
    report(nest_lo_kept && (nest_ppr & 0xf0) == NEST_LO,
           "nested self-IPIs: %#x still in service after the inner EOI (PPR %#x)", NEST_LO,
           nest_ppr);
    report(!isr_bit(NEST_LO) && !isr_bit(NEST_HI), "nested self-IPIs: ISR clear at the end");
}

static void go_x2apic(void *arg)
{
    int c = smp_id();
    enable_x2apic();
    u64 b = rdmsr(MSR_IA32_APICBASE);
    enabled_ok[c] = (b & MSR_IA32_APICBASE_EXTD) && (b & MSR_IA32_APICBASE_ENABLE);
    x2ids[c] = (u32)rdmsr(X2APIC_MSR(APIC_ID));
    ldrs[c] = (u32)rdmsr(X2APIC_MSR(APIC_LDR));
}

static void xapic_isr(struct ex_regs *r)
{
    __atomic_add_fetch(&hits[smp_id()], 1, __ATOMIC_SEQ_CST);
    apic_eoi();
}

/* back to xAPIC mode, then one self-IPI through the MMIO page */
static void go_xapic(void *arg)
{
    int c = smp_id();

    disable_x2apic();
    hits[c] = 0;
    apic_self_ipi(XAPIC_VEC);
    irq_enable();
    udelay(500);
    irq_disable();
    xapic_ok[c] = hits[c] == 1 && !apic_vector_bit(APIC_ISR, XAPIC_VEC);
}

static void test_ids(void)
{
    bool has_b = cpuid(0).a >= 0xb && cpuid_indexed(0xb, 0).b != 0;
    for (int i = 0; i < nr_cpus(); i++) {
        report(enabled_ok[i], "cpu %d: IA32_APIC_BASE EN and EXTD set", i);
        report(x2ids[i] == cpu_apic_id(i), "cpu %d: x2APIC ID %u == xAPIC ID at start %u", i,
               x2ids[i], cpu_apic_id(i));
        u32 want = ((x2ids[i] >> 4) << 16) | (1u << (x2ids[i] & 0xf));
        report(ldrs[i] == want, "cpu %d: LDR %#x derived from the ID (%#x)", i, ldrs[i], want);
    }
    if (has_b)
        report(cpuid_indexed(0xb, 0).d == x2ids[0], "CPUID.0BH:EDX == x2APIC ID");
    else
        report_skip("no CPUID leaf 0xB", "CPUID.0BH:EDX == x2APIC ID");
}

static void test_msr_rules(void)
{
    u64 v;
    report(rdmsr_safe(0x831, &v) == GP_VECTOR, "RDMSR of 0x831 (no ICR2 in x2APIC) #GPs");
    report(rdmsr_safe(0x80e, &v) == GP_VECTOR, "RDMSR of 0x80E (no DFR in x2APIC) #GPs");
    report(wrmsr_safe(X2APIC_MSR(APIC_ID), 5) == GP_VECTOR, "WRMSR to the read-only ID #GPs");
    report(wrmsr_safe(X2APIC_MSR(APIC_EOI), 1) == GP_VECTOR, "WRMSR of non-zero to EOI #GPs");
    u64 b = rdmsr(MSR_IA32_APICBASE);
    report(wrmsr_safe(MSR_IA32_APICBASE, b & ~MSR_IA32_APICBASE_EXTD) == GP_VECTOR,
           "x2APIC -> xAPIC without passing through disabled #GPs");
    report(rdmsr(MSR_IA32_APICBASE) == b, "IA32_APIC_BASE unchanged by the refused write");
    u32 v2 = (u32)rdmsr(X2APIC_MSR(APIC_LVR));
    report((v2 & 0xff) >= 0x10, "version register through MSR 0x803 (%#x)", v2);
}

static void test_ipis(void)
{
    hits[0] = 0;
    wrmsr(X2APIC_MSR(APIC_SELF_IPI), VEC);
    udelay(100);
    report(hits[0] == 0, "self-IPI (MSR 0x83F) pending while IF=0");
    irq_enable();
    udelay(1000);
    irq_disable();
    report(hits[0] == 1, "self-IPI (MSR 0x83F) delivered");

    wrmsr(X2APIC_MSR(APIC_ESR), 0); /* latches (and so clears) what came before */
    wrmsr(X2APIC_MSR(APIC_SELF_IPI), ILLEGAL_VEC);
    irq_enable();
    udelay(100);
    irq_disable();
    wrmsr(X2APIC_MSR(APIC_ESR), 0);
    u32 esr = (u32)rdmsr(X2APIC_MSR(APIC_ESR));
    report(esr & 0x60, "self-IPI (MSR 0x83F) of vector %d: ESR send/receive illegal vector (%#x)",
           ILLEGAL_VEC, esr);

    if (nr_cpus() < 2) {
        report_skip("one CPU", "x2APIC IPIs to other CPUs");
        return;
    }
    int t = nr_cpus() - 1;
    for (int i = 0; i < MAX_CPUS; i++)
        hits[i] = 0;
    wrmsr(X2APIC_MSR(APIC_ICR), ((u64)x2ids[t] << 32) | APIC_DM_FIXED | APIC_INT_ASSERT | VEC);
    bool ok = wait_for(hits[t] == 1, 100000);
    report(ok && hits[0] == 0, "fixed IPI by 64-bit ICR write to cpu %d (ID %u)", t, x2ids[t]);
    u64 icr = rdmsr(X2APIC_MSR(APIC_ICR));
    report((icr >> 32) == x2ids[t] && (icr & 0xff) == VEC, "ICR reads back as one 64-bit value");

    for (int i = 0; i < MAX_CPUS; i++)
        hits[i] = 0;
    wrmsr(X2APIC_MSR(APIC_ICR), APIC_DEST_ALLBUT | APIC_DM_FIXED | APIC_INT_ASSERT | VEC);
    int n = nr_cpus();
    ok = true;
    for (int i = 1; i < n; i++)
        ok &= wait_for(hits[i] == 1, 100000);
    report(ok && hits[0] == 0, "all-excluding-self IPI in x2APIC mode");
}

static void test_timer(void)
{
    wrmsr(X2APIC_MSR(APIC_TDCR), 0xb);
    wrmsr(X2APIC_MSR(APIC_LVTT), APIC_LVT_MASKED | TIMER_VEC);
    wrmsr(X2APIC_MSR(APIC_TMICT), 0xffffffff);
    u32 a = (u32)rdmsr(X2APIC_MSR(APIC_TMCCT));
    udelay(200);
    u32 b = (u32)rdmsr(X2APIC_MSR(APIC_TMCCT));
    report(b < a, "current count (MSR 0x839) counts down");
    u64 per_ms = (u64)(a - b) * 5;
    wrmsr(X2APIC_MSR(APIC_TMICT), 0);
    if (per_ms == 0 || per_ms > 0xffffffffULL / 4)
        per_ms = 1000000;

    ticks = 0;
    wrmsr(X2APIC_MSR(APIC_LVTT), TIMER_VEC);
    wrmsr(X2APIC_MSR(APIC_TMICT), per_ms);
    irq_enable();
    bool ok = wait_for(ticks >= 1, 100000);
    udelay(2000);
    irq_disable();
    report(ok && ticks == 1, "one-shot timer through MSRs fires once (%d)", ticks);

    ticks = 0;
    wrmsr(X2APIC_MSR(APIC_LVTT), APIC_LVT_TIMER_PERIODIC | TIMER_VEC);
    wrmsr(X2APIC_MSR(APIC_TMICT), per_ms);
    irq_enable();
    ok = wait_for(ticks >= 3, 200000);
    irq_disable();
    wrmsr(X2APIC_MSR(APIC_TMICT), 0);
    wrmsr(X2APIC_MSR(APIC_LVTT), APIC_LVT_MASKED);
    irq_enable();
    udelay(200);
    irq_disable();
    report(ok, "periodic timer through MSRs fires repeatedly (%d)", ticks);
}

int main(void)
{
    if (!this_cpu_has(X86_FEATURE_X2APIC)) {
        report_skip("no CPUID.1:ECX.x2APIC", "x2APIC mode");
        return 0;
    }
    handle_irq(VEC, ipi_isr);
    handle_irq(TIMER_VEC, timer_isr);
    handle_irq(XAPIC_VEC, xapic_isr);
    on_cpus(go_x2apic, NULL);
    test_ids();
    test_msr_rules();
    test_ipis();
    test_nested_self_ipis();
    test_timer();
    on_cpus(go_xapic, NULL);
    u64 b = rdmsr(MSR_IA32_APICBASE);
    report(!(b & MSR_IA32_APICBASE_EXTD) && (b & MSR_IA32_APICBASE_ENABLE),
           "back in xAPIC mode through the disabled state");
    report(apic_id() == cpu_apic_id(0), "xAPIC ID register readable again (%u)", apic_id());
    for (int i = 0; i < nr_cpus(); i++)
        report(xapic_ok[i], "cpu %d: xAPIC self-IPI delivered and EOIed after the round trip", i);
    return 0;
}
