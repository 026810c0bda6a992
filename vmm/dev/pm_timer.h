/* SPDX-License-Identifier: MIT */
/*
 * The ACPI power management timer (ACPI 6.5 4.8.3.3, PM_TMR): a free-running
 * count-up timer at 3.579545 MHz, here 32 bits wide (the FADT says so with
 * TMR_VAL_EXT, 5.2.9 table 5.10). Pure code: the count is derived from the
 * TSC, as ticks since a base TSC value at a given TSC rate.
 *
 * Access: the register "is accessed as 32 bits" (4.8.3.3, and the FADT's
 * PM_TMR_LEN is 4). Only a 4-byte read at the block's first port returns
 * the count; a narrower or offset read is not a PM timer access and reads
 * as an unclaimed port (all ones), as in QEMU, whose PM timer accepts only
 * 4-byte accesses. The register is read-only: writes are ignored.
 */
#ifndef VMM_DEV_PM_TIMER_H
#define VMM_DEV_PM_TIMER_H

#include "lib/compiler.h"

#define PM_TIMER_HZ 3579545u /* 4.8.3.3: 3.579545 MHz */
#define PM_TIMER_BITS 32     /* TMR_VAL_EXT: 32-bit counter (24 without it) */
#define PM_TIMER_MASK 0xffffffffu
#define PM_TIMER_LEN 4 /* FADT PM_TMR_LEN */
/* Faster TSCs (1 THz) are taken as broken: the count stays 0. */
#define PM_TIMER_MAX_TSC_KHZ 1000000000ull

struct pm_timer {
    uint64_t tsc_base; /* TSC value at which the count was 0 */
    uint64_t tsc_khz;  /* TSC rate; 0 leaves the count at 0 */
};

/* PM timer ticks in tsc_delta TSC ticks at tsc_khz, modulo 2^PM_TIMER_BITS, rounded down. */
uint32_t pm_timer_ticks(uint64_t tsc_delta, uint64_t tsc_khz);
/* The count at TSC value tsc (tsc before the base counts as the base). */
uint32_t pm_timer_count(const struct pm_timer *t, uint64_t tsc);
/*
 * A read of size bytes at byte offset off into the PM_TMR block: true with
 * *val = the count for the one valid access, false for any other (the
 * caller answers it as an unclaimed port).
 */
bool pm_timer_read(const struct pm_timer *t, unsigned off, unsigned size, uint64_t tsc,
                   uint32_t *val);

#endif
