/* SPDX-License-Identifier: MIT */
/*
 * pmtimer: the ACPI PM timer from the FADT (X_PM_TMR_BLK or PM_TMR_BLK):
 * present, 24-bit (upper byte 0) or 32-bit per the TMR_VAL_EXT flag,
 * counting up at 3.579545 MHz (compared with the TSC over a few ms, +-20%;
 * skipped when the TSC frequency was itself calibrated on the PM timer and
 * nothing independent is known), monotonic modulo wrap.
 */
#include "conf.h"

#define PM_HZ 3579545ULL

static void sample(u16 port, u64 *tsc, u32 *pm)
{
    u64 lim = tsc_hz() / 50000;
    for (int i = 0; i < 20; i++) {
        u64 a = rdtsc();
        *pm = inl(port);
        u64 b = rdtsc();
        *tsc = a + (b - a) / 2;
        if (b - a < lim)
            return;
    }
}

int main(void)
{
    const struct acpi_header *fadt = acpi_find_table("FACP");
    report(acpi_rsdp() != NULL, "RSDP found");
    report(fadt != NULL, "FADT found");
    if (!fadt)
        return 1;
    bool ext;
    u16 port = acpi_pm_timer_port(&ext);
    report(port != 0, "PM timer port %#x (%s)", port, ext ? "32-bit" : "24-bit");
    if (!port)
        return 1;
    u32 mask = ext ? 0xffffffffu : 0xffffffu;

    bool top_clear = true, mono = true;
    u32 prev = inl(port);
    for (int i = 0; i < 200; i++) {
        u32 v = inl(port);
        if (!ext)
            top_clear &= (v >> 24) == 0;
        mono &= ((v - prev) & mask) < (mask >> 1);
        prev = v;
    }
    if (!ext)
        report(top_clear, "24-bit PM timer: bits 31:24 read 0");
    report(mono, "PM timer monotonic (modulo wrap) over 200 reads");

    u64 t0, t1;
    u32 p0, p1;
    sample(port, &t0, &p0);
    udelay(5000);
    sample(port, &t1, &p1);
    u64 ticks = (p1 - p0) & mask;
    report(ticks > 0, "PM timer advances (%lu ticks in ~5 ms)", ticks);

    u64 hz = 0;
    if (cpuid(0).a >= 0x15 && cpuid(0x15).a && cpuid(0x15).b && cpuid(0x15).c)
        hz = (u64)cpuid(0x15).c * cpuid(0x15).b / cpuid(0x15).a;
    else if (strcmp(tsc_hz_source(), "ACPI PM timer"))
        hz = tsc_hz();
    if (!hz) {
        report_skip("TSC frequency only known from the PM timer", "PM timer rate vs TSC");
        return 0;
    }
    u64 rate = ticks * hz / (t1 - t0);
    report(rate > PM_HZ * 8 / 10 && rate < PM_HZ * 12 / 10,
           "PM timer rate %lu Hz is 3.579545 MHz +-20%% (TSC %lu kHz)", rate, hz / 1000);
    return 0;
}
