/* SPDX-License-Identifier: MIT */
/*
 * hlt: HLT wakes up on a local APIC timer interrupt, on a fixed IPI from
 * another CPU, on an IOAPIC interrupt from the test device, and, with
 * IF=0, on an NMI IPI (the NMI handler runs); each time the interrupt is
 * delivered exactly once, the handler's saved RIP is the instruction after
 * HLT, and HLT did not return before the event was sent. Also on an AP
 * (woken by the BSP's IPI).
 */
#include "conf.h"

#define TIMER_VEC 0x51
#define IPI_VEC 0x52
#define IO_VEC 0x53
#define IO_IRQ 10

extern char after_hlt_sti[], after_hlt_cli[];

static volatile int hits[MAX_CPUS][4];
static volatile u64 saved_rip[MAX_CPUS][4];
static volatile u64 sent_at;

static int slot(u64 vec)
{
    return vec == TIMER_VEC ? 0 : vec == IPI_VEC ? 1 : vec == IO_VEC ? 2 : 3;
}

static void isr(struct ex_regs *r)
{
    int s = slot(r->vector);
    hits[smp_id()][s]++;
    saved_rip[smp_id()][s] = r->rip;
    if (r->vector != NMI_VECTOR)
        apic_eoi();
}

/* sti; hlt; cli: returns with interrupts disabled */
static __attribute__((noinline)) void halt_sti(void)
{
    asm volatile("sti\n\thlt\n.globl after_hlt_sti\nafter_hlt_sti:\n\tcli" : : : "memory");
}

/* hlt with IF=0: only an NMI (or INIT/SMI) wakes it */
static __attribute__((noinline)) void halt_cli(void)
{
    asm volatile("cli\n\thlt\n.globl after_hlt_cli\nafter_hlt_cli:" : : : "memory");
}

static void reset_counts(void)
{
    memset((void *)hits, 0, sizeof(hits));
    memset((void *)saved_rip, 0, sizeof(saved_rip));
}

static void check(int cpu, int s, const char *what, u64 rip, u64 t_halt_end)
{
    report(hits[cpu][s] == 1, "%s: delivered exactly once (%d)", what, hits[cpu][s]);
    report(saved_rip[cpu][s] == rip, "%s: saved RIP %#lx is the instruction after HLT (%#lx)", what,
           saved_rip[cpu][s], rip);
    report(sent_at && t_halt_end >= sent_at, "%s: HLT returned after the event was sent", what);
}

static void test_timer(void)
{
    reset_counts();
    u64 per_ms = tsc_hz() / 1000;
    /* the timer's rate: decrements over 100 us at divide 1 */
    apic_write(APIC_TDCR, 0xb);
    apic_write(APIC_LVTT, APIC_LVT_MASKED | TIMER_VEC);
    apic_write(APIC_TMICT, 0xffffffff);
    u32 c0 = apic_read(APIC_TMCCT);
    udelay(100);
    u32 c1 = apic_read(APIC_TMCCT);
    u64 count = (u64)(c0 - c1) * 10; /* about 1 ms */
    if (!count || count > 0xffffffffULL)
        count = 1000000;
    apic_write(APIC_TMICT, 0);
    apic_write(APIC_LVTT, TIMER_VEC);
    u64 t0 = rdtsc();
    apic_write(APIC_TMICT, (u32)count); /* sent_at: when it can fire at the earliest */
    sent_at = t0 + per_ms / 100; /* at least 10 us of TSC: the count takes time to run down */
    halt_sti();
    u64 t1 = rdtsc();
    apic_write(APIC_TMICT, 0);
    check(0, 0, "LAPIC timer wakes HLT", (u64)(uintptr_t)after_hlt_sti, t1);
}

struct sender {
    int target;
    int kind; /* 0 fixed IPI, 1 IOAPIC line, 2 NMI IPI */
};

static void send_later(void *arg)
{
    struct sender *s = arg;
    udelay(2000);
    sent_at = rdtsc();
    if (s->kind == 0) {
        apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | IPI_VEC, cpu_apic_id(s->target));
    } else if (s->kind == 1) {
        testdev_set_irq(IO_IRQ, 1);
        testdev_set_irq(IO_IRQ, 0);
    } else {
        apic_icr_write(APIC_DM_NMI | APIC_INT_ASSERT, cpu_apic_id(s->target));
    }
}

static volatile bool ap_ready;

static void ap_halt(void *arg)
{
    irq_disable();
    ap_ready = true;
    halt_sti();
    irq_enable();
}

static void test_from_ap(int kind, const char *what)
{
    struct sender s = {0, kind};
    reset_counts();
    sent_at = 0;
    on_cpu_async(1, send_later, &s);
    if (kind == 2)
        halt_cli();
    else
        halt_sti();
    u64 t1 = rdtsc();
    on_cpu_wait(1);
    int slot_nr = kind == 0 ? 1 : kind == 1 ? 2 : 3;
    check(0, slot_nr, what, (u64)(uintptr_t)(kind == 2 ? after_hlt_cli : after_hlt_sti), t1);
}

int main(void)
{
    handle_irq(TIMER_VEC, isr);
    handle_irq(IPI_VEC, isr);
    handle_irq(IO_VEC, isr);
    handle_exception(NMI_VECTOR, isr);
    test_timer();
    if (nr_cpus() < 2) {
        report_skip("one CPU", "wake-ups from another CPU");
        return 0;
    }
    test_from_ap(0, "fixed IPI from cpu 1 wakes HLT");
    int pin = (int)acpi_isa_irq_gsi(IO_IRQ, NULL);
    if (testdev_present()) {
        ioapic_route(pin, IO_VEC, false, cpu_apic_id(0));
        test_from_ap(1, "IOAPIC edge interrupt wakes HLT");
        ioapic_write_redir(pin, IOAPIC_REDIR_MASKED);
    } else {
        report_fail("pc-testdev scratch register does not read back");
    }
    test_from_ap(2, "NMI IPI wakes HLT with IF=0");

    /* an AP halts; the BSP wakes it */
    reset_counts();
    ap_ready = false;
    on_cpu_async(1, ap_halt, NULL);
    bool ready = wait_for(ap_ready, 1000000);
    udelay(2000);
    apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | IPI_VEC, cpu_apic_id(1));
    if (!wait_for(hits[1][1], 1000000)) /* do not leave it halted */
        apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | IPI_VEC, cpu_apic_id(1));
    on_cpu_wait(1);
    report(ready, "cpu 1 about to halt");
    report(hits[1][1] == 1, "cpu 1 woken from HLT by an IPI, delivered once (%d)", hits[1][1]);
    report(saved_rip[1][1] == (u64)(uintptr_t)after_hlt_sti,
           "cpu 1: saved RIP is the instruction after HLT");
    return 0;
}
