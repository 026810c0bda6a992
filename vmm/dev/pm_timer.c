/* SPDX-License-Identifier: MIT */
/* The ACPI PM timer's count from the TSC (vmm/dev/pm_timer.h). */
#include "vmm/dev/pm_timer.h"

/*
 * ticks = delta * PM_TIMER_HZ / (khz * 1000), without 128-bit arithmetic:
 * whole seconds of TSC ticks give PM_TIMER_HZ each (wrapping modulo 2^64,
 * which keeps the low 32 bits right), and the remainder, below one second
 * of TSC ticks (under 2^40 up to PM_TIMER_MAX_TSC_KHZ), times PM_TIMER_HZ
 * (under 2^22) fits. The sum is exactly floor(delta * HZ / tsc_hz).
 */
uint32_t pm_timer_ticks(uint64_t tsc_delta, uint64_t tsc_khz)
{
    uint64_t tsc_hz = tsc_khz * 1000;
    uint64_t secs, rest;

    if (!tsc_khz || tsc_khz > PM_TIMER_MAX_TSC_KHZ)
        return 0;
    secs = tsc_delta / tsc_hz;
    rest = tsc_delta % tsc_hz;
    return (uint32_t)((secs * PM_TIMER_HZ + rest * PM_TIMER_HZ / tsc_hz) & PM_TIMER_MASK);
}

uint32_t pm_timer_count(const struct pm_timer *t, uint64_t tsc)
{
    return pm_timer_ticks(tsc > t->tsc_base ? tsc - t->tsc_base : 0, t->tsc_khz);
}

bool pm_timer_read(const struct pm_timer *t, unsigned off, unsigned size, uint64_t tsc,
                   uint32_t *val)
{
    if (off != 0 || size != PM_TIMER_LEN)
        return false;
    *val = pm_timer_count(t, tsc);
    return true;
}
