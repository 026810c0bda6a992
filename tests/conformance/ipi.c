/* SPDX-License-Identifier: MIT */
/*
 * ipi: xAPIC inter-processor interrupts. Fixed IPIs to one CPU (physical
 * destination), to all excluding self and all including self (shorthands),
 * to a logical destination (flat model), a self-IPI; an NMI IPI runs the
 * vector 2 handler on the target; IRR/ISR/EOI: a pending interrupt sits in
 * IRR with IF=0, is in ISR while its handler runs and leaves it on EOI;
 * the higher-priority vector is delivered first; TPR holds back a lower
 * priority class until lowered; ICR2 keeps its destination across writes of
 * other registers, each ICR write goes to the ICR2 written last, and the
 * ICR reads back what was written after a self-IPI.
 */
#include "conf.h"

#define VEC 0x60
#define VEC_LO 0x61
#define VEC_HI 0x71

static volatile int hits[MAX_CPUS];
static volatile int nmis[MAX_CPUS];
static volatile bool isr_in_handler, irr_in_handler;
static volatile u8 order[4];
static volatile int norder;

static void ipi_isr(struct ex_regs *r)
{
    __atomic_add_fetch(&hits[smp_id()], 1, __ATOMIC_SEQ_CST);
    isr_in_handler = apic_vector_bit(APIC_ISR, VEC);
    irr_in_handler = apic_vector_bit(APIC_IRR, VEC);
    apic_eoi();
}

static void order_isr(struct ex_regs *r)
{
    if (norder < 4)
        order[norder++] = (u8)r->vector;
    apic_eoi();
}

static void nmi_handler(struct ex_regs *r)
{
    __atomic_add_fetch(&nmis[smp_id()], 1, __ATOMIC_SEQ_CST);
}

static void clear_hits(void)
{
    for (int i = 0; i < MAX_CPUS; i++)
        hits[i] = 0;
}

static int total_hits(void)
{
    int n = 0;
    for (int i = 0; i < nr_cpus(); i++)
        n += hits[i];
    return n;
}

/* lets this CPU take pending interrupts for a moment */
static void drain(void)
{
    irq_enable();
    udelay(500);
    irq_disable();
}

static void test_self(void)
{
    clear_hits();
    apic_self_ipi(VEC);
    udelay(100);
    report(apic_vector_bit(APIC_IRR, VEC), "self-IPI with IF=0 is pending in IRR");
    report(hits[0] == 0, "self-IPI not delivered while IF=0");
    drain();
    report(hits[0] == 1, "self-IPI delivered after STI (%d)", hits[0]);
    report(isr_in_handler, "vector in ISR while its handler runs");
    report(!irr_in_handler, "vector no longer in IRR while its handler runs");
    report(!apic_vector_bit(APIC_ISR, VEC), "ISR bit clear after EOI");

    /* physical destination = own APIC ID */
    clear_hits();
    apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | VEC, cpu_apic_id(0));
    drain();
    report(hits[0] == 1, "fixed IPI to own APIC ID delivered");
}

static void test_priority(void)
{
    norder = 0;
    handle_irq(VEC_LO, order_isr);
    handle_irq(VEC_HI, order_isr);
    apic_self_ipi(VEC_LO);
    apic_self_ipi(VEC_HI);
    udelay(100);
    drain();
    report(norder == 2 && order[0] == VEC_HI && order[1] == VEC_LO,
           "higher vector delivered first (%d: %#x, %#x)", norder, order[0], order[1]);

    norder = 0;
    apic_write(APIC_TPR, 0x70);
    apic_self_ipi(VEC_LO);
    drain();
    report(norder == 0, "TPR 0x70 holds back vector %#x", VEC_LO);
    report(apic_vector_bit(APIC_IRR, VEC_LO), "held-back vector stays in IRR");
    report((apic_read(APIC_PPR) & 0xf0) == 0x70, "PPR %#x reflects TPR", apic_read(APIC_PPR));
    apic_write(APIC_TPR, 0);
    drain();
    report(norder == 1 && order[0] == VEC_LO, "vector delivered once TPR is lowered");
    handle_irq(VEC_LO, NULL);
    handle_irq(VEC_HI, NULL);
}

static void test_to_one(void)
{
    int n = nr_cpus();
    int t = n - 1;
    clear_hits();
    apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | VEC, cpu_apic_id(t));
    bool ok = wait_for(hits[t] == 1, 100000);
    udelay(1000);
    report(ok && total_hits() == 1, "fixed IPI to cpu %d (APIC ID %u) reaches only it", t,
           cpu_apic_id(t));
    report(!(apic_read(APIC_ICR) & APIC_ICR_BUSY), "ICR delivery status idle after sending");
}

/* the ICR's two halves written apart, other registers in between */
static void send_parts(int cpu, const char *what)
{
    u32 dest = cpu_apic_id(cpu) << 24;

    clear_hits();
    apic_write(APIC_ICR2, dest);
    apic_write(APIC_LVTERR, APIC_LVT_MASKED | 0x7e);
    apic_write(APIC_ESR, 0);
    u32 icr2 = apic_read(APIC_ICR2);
    apic_write(APIC_ICR, APIC_DM_FIXED | APIC_INT_ASSERT | VEC);
    if (cpu == 0)
        drain(); /* the sender takes it with IF=1 */
    bool ok = wait_for(hits[cpu] == 1, 100000);
    udelay(1000);
    report(icr2 == dest && ok && total_hits() == 1,
           "ICR2 %s (%#x) kept across other register writes: the IPI reaches only cpu %d", what,
           icr2, cpu);
}

static void test_icr_parts(void)
{
    int t = nr_cpus() - 1;

    send_parts(t, "to another CPU");
    send_parts(0, "to the sender");
    send_parts(t, "to another CPU again");
    apic_write(APIC_LVTERR, APIC_LVT_MASKED);
    clear_hits();
    apic_self_ipi(VEC);
    u32 icr = apic_read(APIC_ICR);
    drain();
    report(hits[0] == 1 && (icr & 0xff) == VEC && ((icr >> 18) & 3) == 1,
           "ICR reads back the self-IPI written (%#x)", icr);
}

static void test_shorthands(void)
{
    int n = nr_cpus();
    clear_hits();
    apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_FIXED | APIC_INT_ASSERT | VEC, 0);
    bool ok = wait_for(total_hits() == n - 1, 100000);
    udelay(1000);
    bool others = true;
    for (int i = 1; i < n; i++)
        others &= hits[i] == 1;
    report(ok && others, "all-excluding-self reaches every other CPU once (%d)", total_hits());
    drain();
    report(hits[0] == 0, "all-excluding-self does not reach the sender");

    clear_hits();
    apic_icr_write(APIC_DEST_ALLINC | APIC_DM_FIXED | APIC_INT_ASSERT | VEC, 0);
    wait_for(total_hits() == n - 1, 100000);
    drain();
    udelay(1000);
    bool all = true;
    for (int i = 0; i < n; i++)
        all &= hits[i] == 1;
    report(all, "all-including-self reaches every CPU once (%d)", total_hits());
}

static void set_logical(void *arg)
{
    apic_write(APIC_DFR, 0xffffffff); /* flat model */
    apic_write(APIC_LDR, (1u << smp_id()) << 24);
}

static void test_logical(void)
{
    int n = nr_cpus();
    on_cpus(set_logical, NULL);
    report((apic_read(APIC_LDR) >> 24) == 1, "LDR reads back");
    report((apic_read(APIC_DFR) >> 28) == 0xf, "DFR flat model reads back");
    clear_hits();
    u32 mask = 0;
    for (int i = 1; i < n; i++)
        mask |= 1u << i;
    apic_icr_write(APIC_DEST_LOGICAL | APIC_DM_FIXED | APIC_INT_ASSERT | VEC, mask);
    bool ok = wait_for(total_hits() == n - 1, 100000);
    udelay(1000);
    drain();
    bool right = hits[0] == 0;
    for (int i = 1; i < n; i++)
        right &= hits[i] == 1;
    report(ok && right, "logical destination %#x reaches exactly those CPUs", mask);
    clear_hits();
    apic_icr_write(APIC_DEST_LOGICAL | APIC_DM_FIXED | APIC_INT_ASSERT | VEC, 1u << (n - 1));
    wait_for(hits[n - 1] == 1, 100000);
    udelay(1000);
    report(hits[n - 1] == 1 && total_hits() == 1, "logical destination of one CPU");
}

static void test_nmi(void)
{
    int t = nr_cpus() - 1;
    handle_exception(NMI_VECTOR, nmi_handler);
    apic_icr_write(APIC_DM_NMI | APIC_INT_ASSERT, cpu_apic_id(t));
    bool ok = wait_for(nmis[t] == 1, 100000);
    udelay(1000);
    report(ok && nmis[0] == 0, "NMI IPI runs the vector 2 handler on cpu %d", t);
    /* NMIs are not blocked by IF=0 */
    apic_icr_write(APIC_DEST_SELF | APIC_DM_NMI | APIC_INT_ASSERT, 0);
    ok = wait_for(nmis[0] == 1, 100000);
    report(ok, "self NMI taken with IF=0");
    handle_exception(NMI_VECTOR, NULL);
}

int main(void)
{
    handle_irq(VEC, ipi_isr);
    test_self();
    test_priority();
    if (nr_cpus() < 2) {
        report_skip("one CPU", "IPIs between CPUs");
        return 0;
    }
    test_to_one();
    test_icr_parts();
    test_shorthands();
    test_logical();
    test_nmi();
    return 0;
}
