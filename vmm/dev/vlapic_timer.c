/* SPDX-License-Identifier: MIT */
/*
 * APIC timer (SDM 11.5.4): one-shot and periodic count-down at the TSC
 * rate divided by the divide configuration, and TSC-deadline mode
 * (SDM 11.5.4.1). Nothing ticks: the expiry is kept as an absolute TSC and
 * the current count is worked out from the time of each read.
 */
#include "vmm/dev/vlapic.h"
#include "vmm/dev/apic_regs.h"
#include "vmm/dev/vlapic_internal.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* Divide value from TDCR bits 3,1:0 (SDM figure 11-10): 2, 4, ... 128, then 1 for 111b. */
static uint64_t divisor(const struct vlapic *l)
{
    unsigned code = ((l->timer_dcr & 8) >> 1) | (l->timer_dcr & 3);

    return code == 7 ? 1 : 2ULL << code;
}

unsigned vlapic_timer_mode(const struct vlapic *l)
{
    return (l->lvt[LVT_TIMER] & APIC_LVT_TIMER_MODE) >> APIC_LVT_TIMER_MODE_SHIFT;
}

static bool deadline_mode(const struct vlapic *l)
{
    return vlapic_timer_mode(l) == APIC_TIMER_TSC_DEADLINE;
}

uint64_t vlapic_next_deadline(const struct vlapic *l)
{
    if (!l->timer_armed || (l->lvt[LVT_TIMER] & APIC_LVT_MASKED))
        return UINT64_MAX;
    return l->timer_next;
}

/* A masked timer still expires (and disarms or reloads); only the interrupt is held back. */
static void expire(struct vlapic *l, uint64_t now_tsc)
{
    uint64_t period, missed;

    if (!(l->lvt[LVT_TIMER] & APIC_LVT_MASKED))
        vlapic_set_irq(l, l->lvt[LVT_TIMER] & APIC_LVT_VECTOR, false);
    if (vlapic_timer_mode(l) != APIC_TIMER_PERIODIC) {
        l->timer_armed = false;
        return;
    }
    /* Reload from the expiry, not from now, so lateness does not add drift. */
    period = sat_mul(l->timer_icr, divisor(l));
    missed = (now_tsc - l->timer_next) / period + 1;
    l->timer_next = sat_add(l->timer_next, sat_mul(missed, period));
}

void vlapic_timer_update(struct vlapic *l, uint64_t now_tsc)
{
    if (l->timer_armed && now_tsc >= l->timer_next)
        expire(l, now_tsc);
}

static void disarm(struct vlapic *l)
{
    l->timer_armed = false;
    l->timer_icr = 0;
}

/* SDM 11.5.4.1: a write that changes the timer mode disarms the timer. */
void vlapic_timer_write_lvt(struct vlapic *l, uint32_t val)
{
    uint32_t old_mode = vlapic_timer_mode(l);

    l->lvt[LVT_TIMER] = val;
    if (vlapic_timer_mode(l) != old_mode)
        disarm(l);
}

void vlapic_timer_write_icr(struct vlapic *l, uint32_t val, uint64_t now_tsc)
{
    /* Deadline mode ignores the initial count. */
    if (deadline_mode(l))
        return;
    l->timer_icr = val;
    l->timer_armed = val != 0; /* a zero count stops the timer */
    l->timer_next = sat_add(now_tsc, sat_mul(val, divisor(l)));
}

uint32_t vlapic_timer_ccr(const struct vlapic *l, uint64_t now_tsc)
{
    uint64_t div = divisor(l), left;

    if (!l->timer_armed || deadline_mode(l))
        return 0;
    if (now_tsc >= l->timer_next)
        return 0;
    left = (l->timer_next - now_tsc + div - 1) / div;
    return (uint32_t)MIN(left, (uint64_t)l->timer_icr);
}

/* A new divider applies to the counts still left, as the hardware's would. */
void vlapic_timer_write_dcr(struct vlapic *l, uint32_t val, uint64_t now_tsc)
{
    uint32_t left = vlapic_timer_ccr(l, now_tsc);

    l->timer_dcr = val & APIC_TDCR_MASK;
    if (l->timer_armed && !deadline_mode(l))
        l->timer_next = sat_add(now_tsc, sat_mul(left, divisor(l)));
}

/* Reads 0 outside deadline mode and once the deadline fired (SDM 11.5.4.1). */
uint64_t vlapic_tsc_deadline_read(const struct vlapic *l)
{
    if (!deadline_mode(l) || !l->timer_armed)
        return 0;
    return l->timer_next;
}

void vlapic_tsc_deadline_write(struct vlapic *l, uint64_t val)
{
    if (!deadline_mode(l))
        return;
    l->timer_armed = val != 0;
    l->timer_next = val;
}
