/* SPDX-License-Identifier: MIT */
/* The host's MC146818 CMOS real-time clock, read once at boot for the wall-clock time. */
#ifndef DRIVERS_CMOS_RTC_H
#define DRIVERS_CMOS_RTC_H

#include "lib/compiler.h"

/* Seconds since 1970-01-01 UTC (the RTC is taken to hold UTC) when first called; 0 if unreadable. */
uint64_t host_boot_unix_time(void);

#endif
