/* SPDX-License-Identifier: MIT */
/*
 * TSC calibration. In Bochs the TSC counts instructions and the PM timer
 * and PIT tick in emulated time, so the "frequency" found there is the
 * emulator's ips setting: delays stay consistent with emulated devices.
 */
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"

#define PM_TIMER_HZ 3579545ULL /* ACPI 6.5, 4.8.3.3 */
#define PIT_HZ 1193182ULL
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define CAL_MS 20
#define FALLBACK_KHZ 1000000ULL /* 1 GHz if no timer works: delays stay bounded */

static uint64_t khz = FALLBACK_KHZ;
static uint64_t tsc_at_boot;
static const char *source = "none";

static uint64_t cal_pm_timer(uint16_t port, bool wide)
{
    uint32_t mask = wide ? 0xffffffffu : 0xffffffu;
    uint32_t ticks = (uint32_t)(PM_TIMER_HZ * CAL_MS / 1000), start, now;
    uint64_t t0, spins = 0;

    start = inl(port) & mask;
    t0 = rdtsc();
    do {
        now = inl(port) & mask;
        if (++spins > 100000000ULL)
            return 0; /* the timer does not move */
    } while (((now - start) & mask) < ticks);
    return (rdtsc() - t0) * PM_TIMER_HZ / (((now - start) & mask) * 1000ULL);
}

/* PIT channel 2 one-shot, gated through port 0x61, polled on its OUT bit. */
static uint64_t cal_pit(void)
{
    uint16_t count = (uint16_t)(PIT_HZ * CAL_MS / 1000);
    uint64_t t0, spins = 0;

    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
    outb(PIT_CMD, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    t0 = rdtsc();
    while (!(inb(PIT_GATE) & 0x20))
        if (++spins > 100000000ULL)
            return 0;
    return (rdtsc() - t0) / CAL_MS;
}

void timer_calibrate(uint32_t pm_port, bool wide)
{
    uint64_t k = 0;

    tsc_at_boot = rdtsc();
    if (pm_port && pm_port < 0x10000) {
        k = cal_pm_timer((uint16_t)pm_port, wide);
        source = "acpi-pm";
    }
    if (!k) {
        k = cal_pit();
        source = "pit";
    }
    if (!k) {
        k = FALLBACK_KHZ;
        source = "none (assumed 1 GHz)";
    }
    khz = k;
}

uint64_t tsc_khz(void)
{
    return khz;
}

const char *timer_source(void)
{
    return source;
}

void udelay(uint64_t us)
{
    uint64_t end = rdtsc() + us * khz / 1000;

    while (rdtsc() < end)
        cpu_relax();
}

void mdelay(uint64_t ms)
{
    udelay(ms * 1000);
}

uint64_t uptime_us(void)
{
    return (rdtsc() - tsc_at_boot) * 1000 / khz;
}
