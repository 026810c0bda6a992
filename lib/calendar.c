/* SPDX-License-Identifier: MIT */
/*
 * Days from and to civil dates with 400-year eras (146097 days each), as in
 * H. Hinnant's "chrono-Compatible Low-Level Date Algorithms"; months count
 * from March so that the leap day ends the year.
 */
#include "lib/calendar.h"

#define SECS_PER_DAY 86400
#define DAYS_PER_ERA 146097
#define EPOCH_SHIFT 719468 /* days from 0000-03-01 to 1970-01-01 */
#define EPOCH_WDAY 4       /* 1970-01-01 was a Thursday */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * DAYS_PER_ERA + (int64_t)doe - EPOCH_SHIFT;
}

/* Only for days >= 0, which rtc_tm_from_unix guarantees. */
static void civil_from_days(int64_t z, struct rtc_tm *tm)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += EPOCH_SHIFT;
    era = z / DAYS_PER_ERA;
    doe = (unsigned)(z - era * DAYS_PER_ERA);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
    tm->year = (int)(yoe + era * 400) + (tm->mon <= 2);
}

void rtc_tm_from_unix(int64_t t, struct rtc_tm *tm)
{
    int64_t days, secs;

    t = t < 0 ? 0 : MIN(t, RTC_UNIX_MAX);
    days = t / SECS_PER_DAY;
    secs = t % SECS_PER_DAY;
    civil_from_days(days, tm);
    tm->hour = (int)(secs / 3600);
    tm->min = (int)(secs / 60 % 60);
    tm->sec = (int)(secs % 60);
    tm->wday = (int)((days + EPOCH_WDAY) % 7);
}

int64_t rtc_tm_to_unix(const struct rtc_tm *tm)
{
    int mon = tm->mon < 1 ? 1 : MIN(tm->mon, 12);
    int64_t days = days_from_civil(tm->year, mon, 1) + tm->mday - 1;

    return days * SECS_PER_DAY + (int64_t)tm->hour * 3600 + (int64_t)tm->min * 60 + tm->sec;
}
