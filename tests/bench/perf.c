/* SPDX-License-Identifier: MIT */
/*
 * perf: the micro-benchmark guest of `make bench` (tests/bench/README.md).
 * Not a conformance test: it is built from tests/bench/ with the conformance
 * runtime (tests/conformance/lib) and is run only by tests/bench/bench.py and
 * the smoke test tests/e2e/test_bench.py. Needs 2 CPUs and VMX-only
 * instructions (VMCALL): it runs under hv, not on bare hardware.
 *
 * Each figure is (lfence; rdtsc) around N iterations, divided by N, printed as
 *   BENCH <name> <ticks per op>
 * In Bochs the TSC counts instructions, so a figure is a path length.
 *   loop       empty loop of the same shape (baseline, included in every figure)
 *   cpuid      CPUID leaf 0 (exit)
 *   vmcall     VMCALL with an unknown function (returns -ENOSYS)
 *   io_in      IN from an unclaimed port (0x6F0)
 *   cr8_write  MOV to CR8 (0)
 *   cr8_read   MOV from CR8
 *   mmio_read  xAPIC TPR read (the MMIO page, virtualized where the CPU can)
 *   mmio_write xAPIC TPR write (0)
 *   eoi        xAPIC EOI write inside an interrupt handler (an ISR bit set)
 *   eoi_idle   xAPIC EOI write with nothing in service
 *   self_ipi   ICR write (shorthand self) until the handler ran (handler and EOI included)
 *   ipi        ICR2+ICR write to CPU 1 until CPU 1's handler (with EOI) stored the sequence
 *              number CPU 0 waits for: a round trip
 *   tsc_deadline  TSC-deadline MSR = now until the timer handler (with EOI) ran
 * Then both CPUs switch to x2APIC mode (IA32_APIC_BASE.EXTD; a SKIP line
 * without CPUID.1:ECX.x2APIC) and the same is measured through the MSRs:
 *   x2_eoi_idle      EOI (MSR 0x80B) with nothing in service
 *   x2_self_ipi      SELF IPI MSR (0x83F) until the handler ran (handler and EOI included)
 *   x2_eoi           EOI inside the handler of x2_self_ipi (an ISR bit set)
 *   x2_self_ipi_icr  ICR (MSR 0x830, shorthand self) until the handler ran
 *   x2_tsc_deadline  TSC-deadline MSR = now until the timer handler (with EOI) ran
 *   x2_ipi           one ICR write to CPU 1 until its handler (with EOI) stored the
 *                    sequence number: a round trip
 * Sanity checks are PASS/FAIL lines (report()).
 */
#include "conf.h"

#define N 1000
#define VEC_SELF 0x61
#define VEC_IPI 0x62
#define VEC_TIMER 0x63

static volatile u32 *lapic;
static volatile u64 seen, ack, eoi_ticks, eoi_count;

static inline u64 tsc(void)
{
    u32 lo, hi;
    asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((u64)hi << 32) | lo;
}

static inline void lapic_w(u32 reg, u32 v)
{
    lapic[reg / 4] = v;
}

static inline u32 lapic_r(u32 reg)
{
    return lapic[reg / 4];
}

static void out(const char *name, u64 t0, u64 t1, u64 n)
{
    printf("BENCH %s %lu\n", name, (unsigned long)((t1 - t0) / n));
}

/* handler of the self-IPI and the timer: counts, times its EOI */
static void self_isr(struct ex_regs *r)
{
    seen++;
    u64 a = tsc();
    lapic_w(APIC_EOI, 0);
    u64 b = tsc();
    eoi_ticks += b - a;
    eoi_count++;
}

/* CPU 1: acknowledges the IPI by storing the sequence number it was sent for */
static void ipi_isr(struct ex_regs *r)
{
    WRITE_ONCE(ack, READ_ONCE(seen));
    lapic_w(APIC_EOI, 0);
}

static void exits(void)
{
    u64 t0, t1;
    u32 a, b, c, d;
    long ret = 0;

    t0 = tsc();
    for (int i = 0; i < N; i++)
        asm volatile("" ::: "memory");
    t1 = tsc();
    out("loop", t0, t1, N);

    t0 = tsc();
    for (int i = 0; i < N; i++)
        asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0) : "memory");
    t1 = tsc();
    out("cpuid", t0, t1, N);

    t0 = tsc();
    for (int i = 0; i < N; i++)
        asm volatile("vmcall" : "=a"(ret) : "a"(0x99ul) : "rbx", "rcx", "rdx", "memory");
    t1 = tsc();
    out("vmcall", t0, t1, N);
    report(ret == -38, "unknown hypercall returns -ENOSYS (%ld)", ret);

    u8 v = 0;
    t0 = tsc();
    for (int i = 0; i < N; i++)
        v = inb(0x6f0);
    t1 = tsc();
    out("io_in", t0, t1, N);
    report(v == 0xff, "unclaimed port reads all ones (0x%x)", v);

    t0 = tsc();
    for (int i = 0; i < N; i++)
        asm volatile("mov %0, %%cr8" : : "r"(0ul) : "memory");
    t1 = tsc();
    out("cr8_write", t0, t1, N);

    u64 cr8 = 1;
    t0 = tsc();
    for (int i = 0; i < N; i++)
        asm volatile("mov %%cr8, %0" : "=r"(cr8) : : "memory");
    t1 = tsc();
    out("cr8_read", t0, t1, N);
    report(cr8 == 0, "CR8 reads back 0");

    u32 tpr = 1;
    t0 = tsc();
    for (int i = 0; i < N; i++)
        tpr = lapic_r(APIC_TPR);
    t1 = tsc();
    out("mmio_read", t0, t1, N);
    report(tpr == 0, "TPR reads 0 (0x%x)", tpr);

    t0 = tsc();
    for (int i = 0; i < N; i++)
        lapic_w(APIC_TPR, 0);
    t1 = tsc();
    out("mmio_write", t0, t1, N);

    t0 = tsc();
    for (int i = 0; i < N; i++)
        lapic_w(APIC_EOI, 0);
    t1 = tsc();
    out("eoi_idle", t0, t1, N);
}

static bool wait_seen(u64 want)
{
    for (u64 spin = 0; READ_ONCE(seen) < want; spin++) {
        if (spin > 100000000ull)
            return false;
        cpu_relax();
    }
    return true;
}

/* CPU 1's handler acknowledged IPI number i (false: it never did). */
static bool wait_ack(u64 i)
{
    for (u64 spin = 0; READ_ONCE(ack) != i; spin++) {
        if (spin > 100000000ull)
            return false;
        cpu_relax();
    }
    return true;
}

static void interrupts(void)
{
    u64 t0, t1;
    bool ok = true;

    handle_irq(VEC_SELF, self_isr);
    handle_irq(VEC_TIMER, self_isr);
    handle_irq(VEC_IPI, ipi_isr);
    irq_enable();

    /* self-IPI round trip */
    seen = 0;
    eoi_ticks = eoi_count = 0;
    t0 = tsc();
    for (u64 i = 1; i <= N && ok; i++) {
        lapic_w(APIC_ICR, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_SELF);
        ok = wait_seen(i);
    }
    t1 = tsc();
    report(ok && seen == N, "%d self-IPIs delivered (%lu)", N, (unsigned long)seen);
    if (ok)
        out("self_ipi", t0, t1, N);
    if (eoi_count)
        printf("BENCH eoi %lu\n", (unsigned long)(eoi_ticks / eoi_count));

    /* TSC-deadline timer round trip */
    if (this_cpu_has(X86_FEATURE_TSC_DEADLINE)) {
        lapic_w(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | VEC_TIMER);
        seen = 0;
        ok = true;
        t0 = tsc();
        for (u64 i = 1; i <= N && ok; i++) {
            wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc());
            ok = wait_seen(i);
        }
        t1 = tsc();
        lapic_w(APIC_LVTT, APIC_LVT_MASKED);
        report(ok && seen == N, "%d TSC-deadline interrupts (%lu)", N, (unsigned long)seen);
        if (ok)
            out("tsc_deadline", t0, t1, N);
    } else {
        report_skip("no CPUID.1:ECX.TSC_DEADLINE", "TSC-deadline round trip");
    }

    /* IPI round trip to CPU 1 (idle, IF=1, polling its mailbox) */
    if (nr_cpus() >= 2) {
        u32 dest = cpu_apic_id(1);
        ack = 0;
        ok = true;
        t0 = tsc();
        for (u64 i = 1; i <= N && ok; i++) {
            WRITE_ONCE(seen, i);
            lapic_w(APIC_ICR2, dest << 24);
            lapic_w(APIC_ICR, APIC_DM_FIXED | APIC_INT_ASSERT | VEC_IPI);
            ok = wait_ack(i);
        }
        t1 = tsc();
        report(ok, "%d IPIs to CPU 1 acknowledged (%lu)", N, (unsigned long)ack);
        if (ok)
            out("ipi", t0, t1, N);
    } else {
        report_skip("one CPU", "IPI round trip");
    }
    irq_disable();
}

/* ---------------------------------------------------------- x2APIC mode */

#define X2APIC_MSR(reg) (0x800 + ((reg) >> 4))

static inline void x2_eoi(void)
{
    wrmsr(X2APIC_MSR(APIC_EOI), 0);
}

static void x2_self_isr(struct ex_regs *r)
{
    seen++;
    u64 a = tsc();
    x2_eoi();
    u64 b = tsc();
    eoi_ticks += b - a;
    eoi_count++;
}

static void x2_ipi_isr(struct ex_regs *r)
{
    WRITE_ONCE(ack, READ_ONCE(seen));
    x2_eoi();
}

static void x2_on(void *arg)
{
    enable_x2apic();
}

/* N interrupts to this CPU, each raised by one WRMSR and waited for (IF=1); a deadline is now */
static void x2_self_loop(const char *name, u32 msr, u64 val)
{
    u64 t0, t1;
    bool ok = true;

    seen = 0;
    eoi_ticks = eoi_count = 0;
    t0 = tsc();
    for (u64 i = 1; i <= N && ok; i++) {
        wrmsr(msr, msr == MSR_IA32_TSC_DEADLINE ? rdtsc() : val);
        ok = wait_seen(i);
    }
    t1 = tsc();
    report(ok && seen == N, "%s: %d interrupts delivered (%lu)", name, N, (unsigned long)seen);
    if (ok)
        out(name, t0, t1, N);
}

static void x2_ipi(void)
{
    u64 dest = (u64)cpu_apic_id(1) << 32; /* the x2APIC ID is the xAPIC one (x2apic.c) */
    u64 t0, t1;
    bool ok = true;

    ack = 0;
    t0 = tsc();
    for (u64 i = 1; i <= N && ok; i++) {
        WRITE_ONCE(seen, i);
        wrmsr(X2APIC_MSR(APIC_ICR), dest | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_IPI);
        ok = wait_ack(i);
    }
    t1 = tsc();
    report(ok, "%d x2APIC IPIs to CPU 1 acknowledged (%lu)", N, (unsigned long)ack);
    if (ok)
        out("x2_ipi", t0, t1, N);
}

/* Both CPUs in x2APIC mode, the handlers that EOI through the MSR; false (SKIP) without x2APIC */
static bool x2apic_on(void)
{
    if (!this_cpu_has(X86_FEATURE_X2APIC)) {
        report_skip("no CPUID.1:ECX.x2APIC", "x2APIC benchmarks");
        return false;
    }
    handle_irq(VEC_SELF, x2_self_isr);
    handle_irq(VEC_TIMER, x2_self_isr);
    handle_irq(VEC_IPI, x2_ipi_isr);
    on_cpus(x2_on, NULL);
    report(apic_x2apic_mode() && (rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_EXTD),
           "x2APIC mode on");
    return true;
}

static void x2apic_rows(void)
{
    u64 t0, t1;

    if (!x2apic_on())
        return;
    t0 = tsc();
    for (int i = 0; i < N; i++)
        x2_eoi();
    t1 = tsc();
    out("x2_eoi_idle", t0, t1, N);

    irq_enable();
    x2_self_loop("x2_self_ipi", X2APIC_MSR(APIC_SELF_IPI), VEC_SELF);
    if (eoi_count)
        printf("BENCH x2_eoi %lu\n", (unsigned long)(eoi_ticks / eoi_count));
    x2_self_loop("x2_self_ipi_icr", X2APIC_MSR(APIC_ICR),
                 APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_SELF);
    if (this_cpu_has(X86_FEATURE_TSC_DEADLINE)) {
        wrmsr(X2APIC_MSR(APIC_LVTT), APIC_LVT_TIMER_TSCDEADLINE | VEC_TIMER);
        x2_self_loop("x2_tsc_deadline", MSR_IA32_TSC_DEADLINE, 0);
        wrmsr(X2APIC_MSR(APIC_LVTT), APIC_LVT_MASKED);
    } else {
        report_skip("no CPUID.1:ECX.TSC_DEADLINE", "x2APIC TSC-deadline round trip");
    }
    if (nr_cpus() >= 2)
        x2_ipi();
    else
        report_skip("one CPU", "x2APIC IPI round trip");
    irq_disable();
}

/*
 * The command line picks a part: "x2" the x2APIC rows alone, "x2-self-ipi"
 * only x2_self_ipi (tests/e2e/test_bench.py counts that VM's MSR exits).
 */
int main(void)
{
    const char *part = mb_info()->cmdline;

    if (apic_x2apic_mode()) {
        report_skip("the runtime is in x2APIC mode; perf measures the xAPIC", "benchmarks");
        return 0;
    }
    lapic = (volatile u32 *)(uintptr_t)apic_base_phys();
    printf("BENCH-START cpus %d\n", nr_cpus());
    if (!strcmp(part, "x2-self-ipi")) {
        if (x2apic_on()) {
            irq_enable();
            x2_self_loop("x2_self_ipi", X2APIC_MSR(APIC_SELF_IPI), VEC_SELF);
            irq_disable();
        }
    } else {
        if (strcmp(part, "x2")) {
            exits();
            interrupts();
        }
        x2apic_rows();
    }
    printf("BENCH-END\n");
    return 0;
}
