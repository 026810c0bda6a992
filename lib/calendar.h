/* SPDX-License-Identifier: MIT */
/* Calendar arithmetic (proleptic Gregorian, UTC, no leap seconds) for the RTC model and the host RTC driver. */
#ifndef LIB_CALENDAR_H
#define LIB_CALENDAR_H

#include "lib/compiler.h"

#define RTC_UNIX_MAX 253402300799LL /* 9999-12-31 23:59:59, the last time with 4-digit years */

struct rtc_tm {
    int sec, min, hour; /* 0-59, 0-59, 0-23 */
    int mday, mon;      /* 1-31, 1-12 */
    int year;           /* in full, e.g. 2024 */
    int wday;           /* 0 = Sunday */
};

/* t is clamped to [0, RTC_UNIX_MAX]: a guest sees no time outside 1970-9999. */
void rtc_tm_from_unix(int64_t t, struct rtc_tm *tm);
/*
 * Inverse of rtc_tm_from_unix for valid dates. Out-of-range fields carry
 * over (31 February is 3 March, second 75 is 1:15 later), except the month,
 * which is clamped to 1-12. wday is ignored.
 */
int64_t rtc_tm_to_unix(const struct rtc_tm *tm);

#endif
