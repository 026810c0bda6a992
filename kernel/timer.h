/* SPDX-License-Identifier: MIT */
/* Time from the TSC, calibrated once at boot against the ACPI PM timer or the PIT. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "lib/compiler.h"

/* pm_tmr_port: the FADT's PM timer port, 0 if none (then the PIT is used). */
void timer_calibrate(uint32_t pm_tmr_port, bool pm_tmr_32bit);
uint64_t tsc_khz(void);
const char *timer_source(void);
void udelay(uint64_t us);
void mdelay(uint64_t ms);
uint64_t uptime_us(void);

#endif
