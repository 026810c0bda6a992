/* SPDX-License-Identifier: MIT */
/*
 * pmtimer: the ACPI PM timer as the FADT describes it. PM_TMR_BLK is set
 * with PM_TMR_LEN 4; X_PM_TMR_BLK, when given, is a 32-bit system-I/O
 * register at the same port; TMR_VAL_EXT gives the width (24 or 32 bits)
 * and the bits above a 24-bit counter read 0. With 4-byte reads the count
 * advances, is monotonic modulo its width over a run of reads and on every
 * CPU, and runs at 3.579545 MHz +-10% against the TSC (when the TSC
 * frequency comes from CPUID 0x15/0x16; else the rate is INFO only).
 */
#include "conf.h"

#define PM_HZ 3579545ULL

static u16 port;
static u32 mask;

static bool monotonic_run(int n, u32 *worst)
{
    u32 prev = inl(port) & mask, max = 0;
    for (int i = 0; i < n; i++) {
        u32 v = inl(port) & mask;
        u32 d = (v - prev) & mask;
        if (d > max)
            max = d;
        prev = v;
    }
    *worst = max;
    /* a read takes far less than 1/16 of the counter's period */
    return max < (mask >> 4);
}

static volatile bool ap_ok[MAX_CPUS];
static volatile u32 ap_worst[MAX_CPUS];

static void ap_run(void *arg)
{
    u32 w;
    ap_ok[smp_id()] = monotonic_run(100, &w);
    ap_worst[smp_id()] = w;
}

static void test_fadt(bool *ext32)
{
    const struct acpi_header *f = acpi_find_table("FACP");
    if (!f)
        report_abort("no FADT");
    const u8 *p = (const u8 *)f;
    u32 blk = *(const u32 *)(p + 76);
    u8 len = p[91];
    u32 flags = f->length >= 116 ? *(const u32 *)(p + 112) : 0;
    *ext32 = flags & BIT(8);
    report_info("FADT rev %u length %u: PM_TMR_BLK %#x PM_TMR_LEN %u flags %#x", f->revision,
                f->length, blk, len, flags);
    u64 xaddr = 0;
    if (f->length >= 220) {
        const u8 *g = p + 208;
        xaddr = *(const u64 *)(g + 4);
        if (xaddr) {
            report(g[0] == 1, "X_PM_TMR_BLK is in system I/O space (%u)", g[0]);
            report(g[1] == 32, "X_PM_TMR_BLK register bit width 32 (%u)", g[1]);
            report(!blk || xaddr == blk, "X_PM_TMR_BLK %#lx == PM_TMR_BLK %#x", xaddr, blk);
        }
    }
    report(blk || xaddr, "the FADT names a PM timer");
    report(!blk || len == 4, "PM_TMR_LEN is 4 (%u)", len);
    port = acpi_pm_timer_port(NULL);
    report(port && port == (blk ? blk : xaddr), "PM timer port %#x", port);
    if (!port)
        report_abort("no PM timer port");
}

int main(void)
{
    bool ext32;
    test_fadt(&ext32);
    mask = ext32 ? 0xffffffffu : 0xffffffu;
    report_info("PM timer at port %#x, %d bits", port, ext32 ? 32 : 24);

    if (!ext32) {
        bool ok = true;
        for (int i = 0; i < 20; i++)
            ok &= !(inl(port) & 0xff000000u);
        report(ok, "24-bit PM timer: bits 31:24 read 0");
    }

    u32 a = inl(port);
    udelay(100);
    u32 b = inl(port);
    report(a != b, "PM timer advances over 100 us (%#x -> %#x)", a, b);

    u32 worst;
    bool ok = monotonic_run(200, &worst);
    report(ok, "200 reads monotonic modulo 2^%d (largest step %u)", ext32 ? 32 : 24, worst);
    for (int c = 1; c < nr_cpus(); c++) {
        on_cpu(c, ap_run, NULL);
        report(ap_ok[c], "cpu %d: 100 reads monotonic (largest step %u)", c, ap_worst[c]);
    }

    /* the rate against the TSC over 10 ms */
    u64 t0 = rdtsc();
    u32 c0 = inl(port);
    udelay(10000);
    u32 c1 = inl(port);
    u64 t1 = rdtsc();
    u64 ticks = (c1 - c0) & mask;
    u64 hz = ticks * tsc_hz() / (t1 - t0);
    const char *src = tsc_hz_source();
    if (!strcmp(src, "CPUID.15H") || !strcmp(src, "CPUID.16H"))
        report(hz >= PM_HZ * 9 / 10 && hz <= PM_HZ * 11 / 10,
               "PM timer rate %lu Hz within 10%% of 3579545 Hz (TSC %lu Hz from %s)", hz, tsc_hz(),
               src);
    else
        report_info("PM timer rate %lu Hz against a TSC frequency from %s (not checked)", hz, src);
    report(ticks > PM_HZ / 1000, "PM timer counted %lu in 10 ms of TSC time", ticks);
    return 0;
}
