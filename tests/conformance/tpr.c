/* SPDX-License-Identifier: MIT */
/*
 * tpr: task priority. CR8 and the APIC TPR are one register (CR8 =
 * TPR[7:4]; a CR8 write clears TPR[3:0]); an interrupt whose priority
 * class is <= the TPR class stays in IRR and is delivered once TPR (or
 * CR8) is lowered, one above it is delivered at once; PPR follows TPR and
 * the in-service vector (PPR = TPR if TPR[7:4] >= ISRV[7:4], else
 * ISRV[7:4] << 4); with two nested vectors of different classes the
 * higher one preempts, a pending one of the in-service class waits for
 * EOI, and EOI clears the highest in-service bit first.
 */
#include "conf.h"

#define V_LOW 0x45
#define V_LOW2 0x46
#define V_HIGH 0x92

static volatile int log_n;
static volatile u8 log_v[16];
static volatile u32 ppr_in[256];
static volatile bool nested_isr_low, nested_isr_high;

static void note(u8 v)
{
    if (log_n < 16)
        log_v[log_n] = v;
    log_n++;
}

static void plain_isr(struct ex_regs *r)
{
    note((u8)r->vector);
    ppr_in[r->vector] = apic_read(APIC_PPR);
    apic_eoi();
}

static void low_isr(struct ex_regs *r)
{
    note(V_LOW);
    ppr_in[V_LOW] = apic_read(APIC_PPR);
    apic_self_ipi(V_LOW2);
    apic_self_ipi(V_HIGH);
    irq_enable();
    udelay(200);
    irq_disable();
    /* back from the nested handler: its EOI cleared 0x92, not 0x45 */
    nested_isr_low = apic_vector_bit(APIC_ISR, V_LOW);
    nested_isr_high = apic_vector_bit(APIC_ISR, V_HIGH);
    note(0xee); /* end of V_LOW's handler */
    apic_eoi();
}

static volatile bool high_saw_both;

static void high_isr(struct ex_regs *r)
{
    note(V_HIGH);
    ppr_in[V_HIGH] = apic_read(APIC_PPR);
    high_saw_both = apic_vector_bit(APIC_ISR, V_LOW) && apic_vector_bit(APIC_ISR, V_HIGH);
    apic_eoi();
}

static volatile u32 ppr_raised;

/* in service 0x86, TPR raised to 0x93 inside the handler: PPR = TPR */
static void raise_isr(struct ex_regs *r)
{
    apic_write(APIC_TPR, 0x93);
    ppr_raised = apic_read(APIC_PPR);
    apic_write(APIC_TPR, 0);
    apic_eoi();
}

static void window(void)
{
    irq_enable();
    udelay(200);
    irq_disable();
}

static void test_cr8(void)
{
    write_cr8(5);
    u32 t = apic_read(APIC_TPR);
    report(t == 0x50, "CR8 = 5 -> TPR %#x", t);
    apic_write(APIC_TPR, 0x7c);
    u64 c = read_cr8();
    report(c == 7, "TPR = 0x7c -> CR8 %lu", c);
    write_cr8(0xa);
    t = apic_read(APIC_TPR);
    report(t == 0xa0, "a CR8 write clears TPR[3:0] (%#x)", t);
    write_cr8(0);
    report(apic_read(APIC_TPR) == 0 && read_cr8() == 0, "CR8 = 0 -> TPR 0");
}

static void test_masking(void)
{
    log_n = 0;
    apic_write(APIC_TPR, 0x50);
    apic_self_ipi(0x55);
    apic_self_ipi(0x50);
    window();
    report(log_n == 0, "TPR 0x50: vectors 0x50 and 0x55 (class 5) held (%d delivered)", log_n);
    report(apic_vector_bit(APIC_IRR, 0x55) && apic_vector_bit(APIC_IRR, 0x50),
           "held vectors are pending in IRR");
    apic_self_ipi(0x61);
    window();
    report(log_n == 1 && log_v[0] == 0x61, "vector 0x61 (class 6) above TPR is delivered");
    apic_write(APIC_TPR, 0x40);
    window();
    report(log_n == 3 && log_v[1] == 0x55 && log_v[2] == 0x50,
           "TPR lowered to 0x40: 0x55 then 0x50 delivered (%d)", log_n);
    report(!apic_vector_bit(APIC_IRR, 0x55) && !apic_vector_bit(APIC_IRR, 0x50),
           "IRR bits clear after delivery");

    log_n = 0;
    write_cr8(0xf);
    apic_self_ipi(0xf3);
    window();
    report(log_n == 0, "CR8 15 holds vector 0xf3");
    write_cr8(0);
    window();
    report(log_n == 1 && log_v[0] == 0xf3, "CR8 lowered to 0: 0xf3 delivered");

    /* lowering TPR with IF=1 delivers without any other event */
    log_n = 0;
    write_cr8(8);
    apic_self_ipi(0x77);
    irq_enable();
    udelay(100);
    int before = log_n;
    write_cr8(0);
    udelay(100);
    irq_disable();
    report(before == 0 && log_n == 1, "MOV CR8 with IF=1 delivers the held interrupt");
}

static void test_ppr(void)
{
    apic_write(APIC_TPR, 0x23);
    report(apic_read(APIC_PPR) == 0x23, "PPR == TPR with nothing in service (%#x)",
           apic_read(APIC_PPR));
    apic_self_ipi(0x85);
    window();
    report(ppr_in[0x85] == 0x80, "TPR 0x23, in service 0x85: PPR %#x == 0x80", ppr_in[0x85]);
    apic_write(APIC_TPR, 0x83);
    apic_self_ipi(0x95);
    window();
    report(ppr_in[0x95] == 0x90, "TPR 0x83, in service 0x95: PPR %#x == 0x90", ppr_in[0x95]);
    apic_write(APIC_TPR, 0xa3);
    apic_self_ipi(0xb5);
    window();
    report(ppr_in[0xb5] == 0xb0, "TPR 0xa3, in service 0xb5: PPR %#x", ppr_in[0xb5]);
    apic_write(APIC_TPR, 0);
    handle_irq(0x86, raise_isr);
    apic_self_ipi(0x86);
    window();
    report(ppr_raised == 0x93, "in service 0x86, TPR 0x93: PPR %#x == 0x93", ppr_raised);
    report(apic_read(APIC_PPR) == 0, "PPR 0 after EOI with TPR 0");
}

static void test_nested(void)
{
    log_n = 0;
    handle_irq(V_LOW, low_isr);
    handle_irq(V_HIGH, high_isr);
    apic_self_ipi(V_LOW);
    window();
    report(log_n == 4, "four handler events (%d)", log_n);
    report(log_v[0] == V_LOW && log_v[1] == V_HIGH && log_v[2] == 0xee && log_v[3] == V_LOW2,
           "order: 0x45, nested 0x92, end of 0x45, then 0x46 (%#x %#x %#x %#x)", log_v[0], log_v[1],
           log_v[2], log_v[3]);
    report(ppr_in[V_LOW] == 0x40 && ppr_in[V_HIGH] == 0x90,
           "PPR in 0x45's handler %#x, in the nested 0x92's %#x", ppr_in[V_LOW], ppr_in[V_HIGH]);
    report(high_saw_both, "ISR has both 0x45 and 0x92 in the nested handler");
    report(nested_isr_low && !nested_isr_high,
           "EOI in the nested handler cleared 0x92, 0x45 still in service");
    bool clear = true;
    for (int i = 0; i < 8; i++)
        clear &= apic_read(APIC_ISR + 0x10 * i) == 0;
    report(clear, "ISR empty at the end");
}

int main(void)
{
    static const u8 vecs[] = {0x50, 0x55, 0x61, 0x77, 0x85, 0x95, 0xb5, 0xf3, V_LOW2};
    for (unsigned i = 0; i < ARRAY_SIZE(vecs); i++)
        handle_irq(vecs[i], plain_isr);
    test_cr8();
    test_masking();
    test_ppr();
    test_nested();
    return 0;
}
