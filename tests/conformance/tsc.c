/* SPDX-License-Identifier: MIT */
/*
 * tsc: the time-stamp counter. RDTSC never goes backwards on a CPU, and
 * the CPUs are synchronized: a value read on one CPU after a handshake with
 * another is not smaller than the value read there before the handshake,
 * in both directions; IA32_TSC (MSR 0x10) reads between two RDTSCs;
 * RDTSCP (CPUID.80000001H:EDX[27]) returns IA32_TSC_AUX, per CPU, and a
 * count between two RDTSCs; RDPID (CPUID.7:ECX[22]) returns TSC_AUX too;
 * CR4.TSD makes RDTSC #GP at CPL3 (and not at CPL0). CPUID leaves 0x15 and
 * 0x16, when shown, are consistent (denominator non-zero with a numerator;
 * the TSC frequency within 10% of the base frequency); invariant TSC is INFO.
 */
#include "conf.h"

#define ROUNDS 20

static volatile u64 handoff;
static volatile int phase;
static volatile int ap_bad;

static bool monotonic(int n)
{
    u64 prev = rdtsc();
    bool ok = true;
    for (int i = 0; i < n; i++) {
        u64 t = rdtsc();
        ok &= t >= prev;
        prev = t;
    }
    return ok;
}

static void ap_monotonic(void *arg)
{
    *(bool *)arg = monotonic(200);
}

/* the AP side of the ping-pong: phase odd = AP's turn */
static void ap_pingpong(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        while (READ_ONCE(phase) != 2 * i + 1)
            cpu_relax();
        u64 t = rdtsc();
        if (t < READ_ONCE(handoff))
            ap_bad++;
        WRITE_ONCE(handoff, rdtsc());
        WRITE_ONCE(phase, 2 * i + 2);
    }
}

static void test_sync(int cpu)
{
    int bad = 0;
    ap_bad = 0;
    phase = 0;
    on_cpu_async(cpu, ap_pingpong, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        WRITE_ONCE(handoff, rdtsc());
        WRITE_ONCE(phase, 2 * i + 1);
        if (!wait_for(READ_ONCE(phase) == 2 * i + 2, 100000))
            break;
        if (rdtsc() < READ_ONCE(handoff))
            bad++;
    }
    bool done = phase == 2 * ROUNDS;
    on_cpu_wait(cpu);
    report(done, "cpu 0 <-> cpu %d: %d handshakes", cpu, ROUNDS);
    report(!ap_bad, "cpu %d reads a TSC >= cpu 0's earlier value (%d backwards)", cpu, ap_bad);
    report(!bad, "cpu 0 reads a TSC >= cpu %d's earlier value (%d backwards)", cpu, bad);
}

static void set_aux(void *arg)
{
    wrmsr(MSR_TSC_AUX, 0x1230 + smp_id());
}

static volatile bool aux_ok[MAX_CPUS];
static volatile u32 aux_seen[MAX_CPUS];

static void check_aux(void *arg)
{
    u32 aux;
    u64 a = rdtsc();
    u64 t = rdtscp(&aux);
    u64 b = rdtsc();
    aux_seen[smp_id()] = aux;
    aux_ok[smp_id()] = aux == 0x1230u + smp_id() && a <= t && t <= b;
}

static void test_rdtscp(void)
{
    if (!this_cpu_has(X86_FEATURE_RDTSCP)) {
        report_skip("no CPUID.80000001H:EDX.RDTSCP", "RDTSCP");
        return;
    }
    on_cpus(set_aux, NULL);
    on_cpus(check_aux, NULL);
    for (int c = 0; c < nr_cpus(); c++)
        report(aux_ok[c], "cpu %d: RDTSCP returns its TSC_AUX (%#x) and a count in order", c,
               aux_seen[c]);
    report(rdmsr(MSR_TSC_AUX) == 0x1230, "TSC_AUX reads back");
    if (this_cpu_has(X86_FEATURE(7, 0, 2, 22))) {
        u64 v;
        asm volatile("rdpid %0" : "=r"(v));
        report(v == 0x1230, "RDPID returns TSC_AUX (%#lx)", v);
    } else {
        report_skip("no CPUID.7:ECX.RDPID", "RDPID");
    }
    wrmsr(MSR_TSC_AUX, 0);
}

static __user_text void user_rdtsc(void *arg)
{
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
}

static void test_tsd(void)
{
    u64 cr4 = read_cr4();
    int v0 = run_in_user(user_rdtsc, NULL);
    report(v0 == -1, "RDTSC at CPL3 with CR4.TSD=0 (%d)", v0);
    write_cr4(cr4 | X86_CR4_TSD);
    int v1 = run_in_user(user_rdtsc, NULL);
    u64 t = rdtsc();
    write_cr4(cr4);
    report(v1 == GP_VECTOR, "RDTSC at CPL3 with CR4.TSD=1: #GP (%d)", v1);
    report(t != 0, "RDTSC at CPL0 with CR4.TSD=1 works");
}

static void test_cpuid(void)
{
    u32 max = cpuid(0).a;
    u32 xmax = cpuid(0x80000000).a;
    if (xmax >= 0x80000007)
        report_info("invariant TSC (CPUID.80000007H:EDX[8]): %s",
                    (cpuid(0x80000007).d & BIT(8)) ? "yes" : "no");
    u64 hz15 = 0;
    if (max >= 0x15) {
        struct cpuid c = cpuid(0x15);
        report_info("CPUID.15H: EAX %u EBX %u ECX %u", c.a, c.b, c.c);
        if (c.b)
            report(c.a != 0, "CPUID.15H: denominator non-zero with a numerator");
        if (c.a && c.b && c.c)
            hz15 = (u64)c.c * c.b / c.a;
    }
    if (max >= 0x16) {
        struct cpuid c = cpuid(0x16);
        report_info("CPUID.16H: base %u MHz, max %u MHz, bus %u MHz", c.a & 0xffff, c.b & 0xffff,
                    c.c & 0xffff);
        u64 base = (u64)(c.a & 0xffff) * 1000000;
        if (c.a & 0xffff && (c.b & 0xffff))
            report((c.b & 0xffff) >= (c.a & 0xffff), "CPUID.16H: max >= base frequency");
        if (hz15 && base)
            report(hz15 * 10 >= base * 9 && hz15 * 10 <= base * 11,
                   "TSC frequency from 15H (%lu) within 10%% of the 16H base (%lu)", hz15, base);
    }
    report_info("TSC %lu Hz (%s)", tsc_hz(), tsc_hz_source());
}

int main(void)
{
    report(monotonic(200), "cpu 0: 200 RDTSCs never go backwards");
    for (int c = 1; c < nr_cpus(); c++) {
        bool ok = false;
        on_cpu(c, ap_monotonic, &ok);
        report(ok, "cpu %d: 200 RDTSCs never go backwards", c);
    }
    u64 a = rdtsc(), m = rdmsr(MSR_IA32_TSC), b = rdtsc();
    report_tcg_quirk(a <= m && m <= b, "rdmsr IA32_TSC returns the last value written",
                     "IA32_TSC MSR reads between two RDTSCs (%#lx %#lx %#lx)", a, m, b);
    for (int c = 1; c < nr_cpus(); c++)
        test_sync(c);
    test_rdtscp();
    test_tsd();
    test_cpuid();
    return 0;
}
