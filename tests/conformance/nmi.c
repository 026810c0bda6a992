/* SPDX-License-Identifier: MIT */
/*
 * nmi: non-maskable interrupts. An NMI IPI to this CPU's own APIC ID
 * (delivery mode NMI) is taken with IF=0 and with TPR 15; NMIs are blocked
 * from delivery until the handler's IRET: one sent while in the handler
 * waits and is delivered exactly once after the IRET, and two sent there
 * still give one (one NMI is latched); the IRET of an exception handler
 * (#BP) inside the NMI handler also ends the blocking, so a pending NMI
 * nests then (SDM vol. 3, 6.7.1); an NMI IPI reaches another CPU.
 */
#include "conf.h"

enum { PLAIN, RESEND_ONE, RESEND_TWO, RESEND_INT3 };

static volatile int mode;
static volatile int nmis[MAX_CPUS];
static volatile int depth, max_depth;
static volatile int seen_inside; /* NMIs counted while the first handler waited */
static volatile int bps;

static void send_nmi_self(void)
{
    apic_icr_write(APIC_DM_NMI | APIC_INT_ASSERT, apic_id());
}

static void bp_handler(struct ex_regs *r)
{
    bps++;
}

static void nmi_handler(struct ex_regs *r)
{
    int me = smp_id();
    int d = ++depth;
    if (d > max_depth)
        max_depth = d;
    int n = ++nmis[me];
    if (me == 0 && n == 1 && mode != PLAIN) {
        send_nmi_self();
        if (mode == RESEND_TWO)
            send_nmi_self();
        udelay(500);
        seen_inside = nmis[0];
        if (mode == RESEND_INT3) {
            asm volatile("int3");
            udelay(500); /* the pending NMI arrives right after the #BP's IRET */
        }
    }
    depth--;
}

static void run(int m)
{
    mode = m;
    memset((void *)nmis, 0, sizeof(nmis));
    depth = max_depth = seen_inside = 0;
    send_nmi_self();
    wait_for(nmis[0] >= 2, 5000);
    udelay(1000);
}

static void ap_wait(void *arg)
{
    wait_for(nmis[smp_id()] >= 1, 100000);
}

int main(void)
{
    handle_exception(NMI_VECTOR, nmi_handler);
    handle_exception(BP_VECTOR, bp_handler);
    irq_disable();

    run(PLAIN);
    report(nmis[0] == 1, "NMI to own APIC ID with IF=0: delivered once (%d)", nmis[0]);

    apic_write(APIC_TPR, 0xf0);
    run(PLAIN);
    apic_write(APIC_TPR, 0);
    report(nmis[0] == 1, "NMI delivered with TPR 0xf0 (%d)", nmis[0]);

    run(RESEND_ONE);
    report(seen_inside == 1, "NMI sent inside the NMI handler is held until IRET (%d inside)",
           seen_inside);
    report(nmis[0] == 2 && max_depth == 1, "it is delivered once after IRET (%d, depth %d)",
           nmis[0], max_depth);

    run(RESEND_TWO);
    report(seen_inside == 1, "two NMIs sent inside the handler: none delivered there (%d)",
           seen_inside);
    report(nmis[0] == 2, "two NMIs sent inside the handler: one delivered after IRET (%d)",
           nmis[0]);

    bps = 0;
    run(RESEND_INT3);
    report(bps == 1 && seen_inside == 1, "INT3 in the NMI handler (held NMI not yet delivered)");
    report(nmis[0] == 2 && max_depth == 2,
           "the #BP handler's IRET unblocks NMIs: the held NMI nests (%d, depth %d)", nmis[0],
           max_depth);

    if (nr_cpus() < 2) {
        report_skip("one CPU", "NMI IPI to another CPU");
        return 0;
    }
    mode = PLAIN;
    memset((void *)nmis, 0, sizeof(nmis));
    on_cpu_async(1, ap_wait, NULL);
    apic_icr_write(APIC_DM_NMI | APIC_INT_ASSERT, cpu_apic_id(1));
    on_cpu_wait(1);
    udelay(500);
    report(nmis[1] == 1 && nmis[0] == 0, "NMI IPI to cpu 1 reaches it only, once (%d)", nmis[1]);
    return 0;
}
