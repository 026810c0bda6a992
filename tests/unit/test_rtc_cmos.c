/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/dev/rtc_cmos.c lib/calendar.c lib/string.c */
/*
 * MC146818 RTC/CMOS tests: the guest's view through ports 0x70/0x71 with
 * the host clock under the test's control.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vmm/dev/rtc_cmos.h"

/* MC146818A address map and bits, spelled out independently of the model. */
#define R_SEC 0x00
#define R_SEC_ALARM 0x01
#define R_MIN 0x02
#define R_HOUR 0x04
#define R_WDAY 0x06
#define R_MDAY 0x07
#define R_MON 0x08
#define R_YEAR 0x09
#define REG_A 0x0A
#define REG_B 0x0B
#define REG_C 0x0C
#define REG_D 0x0D
#define R_CENTURY 0x32
#define B_SET 0x80
#define B_BINARY 0x04
#define B_24H 0x02

#define T_2024_02_29_134507 1709214307ULL /* a Thursday */
#define T_1999_12_31_235959 946684799ULL  /* a Friday */

static struct rtc_cmos r;
static uint64_t host_now;

static uint64_t fake_clock(void *ctx)
{
    return *(uint64_t *)ctx;
}

static int setup(void **state)
{
    host_now = T_2024_02_29_134507;
    rtc_cmos_init(&r, fake_clock, &host_now);
    return 0;
}

static uint8_t rd(uint8_t idx)
{
    rtc_cmos_write(&r, 0, idx);
    return rtc_cmos_read(&r, 1);
}

static void wr(uint8_t idx, uint8_t val)
{
    rtc_cmos_write(&r, 0, idx);
    rtc_cmos_write(&r, 1, val);
}

/* ----------------------------------------------------------------- reading */

static void test_bcd_time_and_date(void **state)
{
    assert_int_equal(rd(R_SEC), 0x07);
    assert_int_equal(rd(R_MIN), 0x45);
    assert_int_equal(rd(R_HOUR), 0x13);
    assert_int_equal(rd(R_MDAY), 0x29);
    assert_int_equal(rd(R_MON), 0x02);
    assert_int_equal(rd(R_YEAR), 0x24);
    assert_int_equal(rd(R_CENTURY), 0x20);
    assert_int_equal(rd(R_WDAY), 5); /* Sunday = 1 */
}

static void test_binary_mode(void **state)
{
    wr(REG_B, B_24H | B_BINARY);
    assert_int_equal(rd(R_SEC), 7);
    assert_int_equal(rd(R_MIN), 45);
    assert_int_equal(rd(R_HOUR), 13);
    assert_int_equal(rd(R_MDAY), 29);
    assert_int_equal(rd(R_YEAR), 24);
    assert_int_equal(rd(R_CENTURY), 20);
}

static void test_12_hour_mode(void **state)
{
    wr(REG_B, 0);
    assert_int_equal(rd(R_HOUR), 0x81);                   /* 1 PM */
    host_now = T_2024_02_29_134507 - 13 * 3600 - 45 * 60; /* 00:00:07 */
    assert_int_equal(rd(R_HOUR), 0x12);                   /* 12 AM */
    host_now += 12 * 3600;
    assert_int_equal(rd(R_HOUR), 0x92); /* 12 PM */
    wr(REG_B, B_BINARY);
    assert_int_equal(rd(R_HOUR), 0x8C);
    host_now += 11 * 3600;
    assert_int_equal(rd(R_HOUR), 0x8B); /* 11 PM */
}

static void test_clock_follows_host_time(void **state)
{
    host_now = T_1999_12_31_235959;
    assert_int_equal(rd(R_YEAR), 0x99);
    assert_int_equal(rd(R_CENTURY), 0x19);
    assert_int_equal(rd(R_WDAY), 6);
    host_now++;
    assert_int_equal(rd(R_SEC), 0x00);
    assert_int_equal(rd(R_HOUR), 0x00);
    assert_int_equal(rd(R_MDAY), 0x01);
    assert_int_equal(rd(R_MON), 0x01);
    assert_int_equal(rd(R_YEAR), 0x00);
    assert_int_equal(rd(R_CENTURY), 0x20);
}

static void test_status_registers(void **state)
{
    assert_int_equal(rd(REG_A), 0x26);
    assert_int_equal(rd(REG_B), 0x02);
    assert_int_equal(rd(REG_C), 0);
    assert_int_equal(rd(REG_D), 0x80);
    wr(REG_A, 0xA5); /* UIP is read-only */
    assert_int_equal(rd(REG_A), 0x25);
    wr(REG_C, 0xFF);
    wr(REG_D, 0x00);
    assert_int_equal(rd(REG_C), 0);
    assert_int_equal(rd(REG_D), 0x80);
    wr(REG_B, 0x70); /* interrupt enables are kept, but nothing fires */
    assert_int_equal(rd(REG_B), 0x70);
    assert_int_equal(rd(REG_C), 0);
}

/* ----------------------------------------------------------------- RAM, index */

static void test_nvram_round_trip(void **state)
{
    for (unsigned i = 0x0E; i < 0x80; i++) {
        if (i != R_CENTURY)
            wr(i, (uint8_t)(i * 7 + 1));
    }
    for (unsigned i = 0x0E; i < 0x80; i++) {
        if (i != R_CENTURY)
            assert_int_equal(rd(i), (uint8_t)(i * 7 + 1));
    }
    wr(R_SEC_ALARM, 0x42); /* alarms are plain storage */
    assert_int_equal(rd(R_SEC_ALARM), 0x42);
    assert_int_equal(rd(R_SEC), 0x07);
}

static void test_index_port(void **state)
{
    wr(0x40, 0x5A);
    rtc_cmos_write(&r, 0, 0x80 | 0x40);
    assert_true(r.nmi_disabled);
    assert_int_equal(rtc_cmos_read(&r, 1), 0x5A); /* bit 7 is not part of the index */
    rtc_cmos_write(&r, 0, 0x40);
    assert_false(r.nmi_disabled);
    assert_int_equal(rtc_cmos_read(&r, 0), 0xFF);
    assert_int_equal(rtc_cmos_read(&r, 2), 0xFF);
    rtc_cmos_write(&r, 5, 0x00);
    assert_int_equal(rtc_cmos_read(&r, 1), 0x5A);
}

/* ----------------------------------------------------------------- writing */

static void test_set_procedure_holds_clock(void **state)
{
    /* Linux's mc146818_set_time: SET, fields, then release. */
    wr(REG_B, B_SET | B_24H);
    host_now += 100; /* held: does not move */
    assert_int_equal(rd(R_SEC), 0x07);
    wr(R_YEAR, 0x31);
    wr(R_MON, 0x12);
    wr(R_MDAY, 0x25);
    wr(R_HOUR, 0x08);
    wr(R_MIN, 0x30);
    wr(R_SEC, 0x00);
    wr(R_CENTURY, 0x20);
    assert_int_equal(rd(R_MDAY), 0x25);
    host_now += 100;
    assert_int_equal(rd(R_SEC), 0x00);
    wr(REG_B, B_24H);
    host_now += 61;
    assert_int_equal(rd(R_SEC), 0x01);
    assert_int_equal(rd(R_MIN), 0x31);
    assert_int_equal(rd(R_HOUR), 0x08);
    assert_int_equal(rd(R_MDAY), 0x25);
    assert_int_equal(rd(R_MON), 0x12);
    assert_int_equal(rd(R_YEAR), 0x31);
    assert_int_equal(rd(R_WDAY), 5); /* 2031-12-25 is a Thursday */
}

static void test_write_without_set_takes_effect_at_once(void **state)
{
    wr(R_MIN, 0x10);
    assert_int_equal(rd(R_MIN), 0x10);
    assert_int_equal(rd(R_HOUR), 0x13);
    host_now += 3600;
    assert_int_equal(rd(R_MIN), 0x10);
    assert_int_equal(rd(R_HOUR), 0x14);
}

static void test_write_in_binary_12_hour_mode(void **state)
{
    wr(REG_B, B_BINARY);
    wr(R_HOUR, 0x80 | 12); /* 12 PM */
    wr(REG_B, B_BINARY | B_24H);
    assert_int_equal(rd(R_HOUR), 12);
    wr(REG_B, B_BINARY);
    wr(R_HOUR, 12); /* 12 AM */
    wr(REG_B, B_BINARY | B_24H);
    assert_int_equal(rd(R_HOUR), 0);
    assert_int_equal(rd(R_MIN), 45);
}

static void test_write_century_and_year(void **state)
{
    wr(R_CENTURY, 0x21);
    assert_int_equal(rd(R_CENTURY), 0x21);
    assert_int_equal(rd(R_YEAR), 0x24);
    assert_int_equal(rd(R_MDAY), 0x29); /* 2124 is a leap year */
    wr(R_YEAR, 0x00);
    assert_int_equal(rd(R_YEAR), 0x00);
    assert_int_equal(rd(R_CENTURY), 0x21);
    /* 2124-02-29 became 2100-02-29, which does not exist: it carries to 1 March. */
    assert_int_equal(rd(R_MON), 0x03);
    assert_int_equal(rd(R_MDAY), 0x01);
}

static void test_impossible_date_carries_over(void **state)
{
    wr(REG_B, B_SET | B_24H);
    wr(R_MON, 0x02);
    wr(R_MDAY, 0x31);
    wr(REG_B, B_24H);
    assert_int_equal(rd(R_MON), 0x03);
    assert_int_equal(rd(R_MDAY), 0x02); /* 2024 is a leap year */
}

static void test_weekday_write_ignored(void **state)
{
    wr(R_WDAY, 0x01);
    assert_int_equal(rd(R_WDAY), 5);
    assert_int_equal(rd(R_MIN), 0x45);
}

static void test_mode_switch_reencodes(void **state)
{
    wr(R_SEC, 0x59);
    wr(REG_B, B_24H | B_BINARY);
    assert_int_equal(rd(R_SEC), 59);
    wr(R_SEC, 30);
    wr(REG_B, B_24H);
    assert_int_equal(rd(R_SEC), 0x30);
}

static void test_time_before_epoch_clamps(void **state)
{
    wr(R_CENTURY, 0x19);
    wr(R_YEAR, 0x00); /* 1900 */
    assert_int_equal(rd(R_YEAR), 0x70);
    assert_int_equal(rd(R_CENTURY), 0x19);
    assert_int_equal(rd(R_MON), 0x01);
    assert_int_equal(rd(R_MDAY), 0x01);
}

static void test_null_clock_is_epoch(void **state)
{
    rtc_cmos_init(&r, NULL, NULL);
    assert_int_equal(rd(R_YEAR), 0x70);
    assert_int_equal(rd(R_WDAY), 5); /* 1970-01-01 was a Thursday */
}

/* ----------------------------------------------------------------- calendar */

static void test_calendar_known_dates(void **state)
{
    static const struct {
        int64_t t;
        struct rtc_tm tm;
    } cases[] = {
        {0, {0, 0, 0, 1, 1, 1970, 4}},
        {951782400, {0, 0, 0, 29, 2, 2000, 2}},  /* 2000 is a leap year */
        {4107456000, {0, 0, 0, 28, 2, 2100, 0}}, /* 2100 is not */
        {4107542400, {0, 0, 0, 1, 3, 2100, 1}},
        {2147483648, {8, 14, 3, 19, 1, 2038, 2}},
        {RTC_UNIX_MAX, {59, 59, 23, 31, 12, 9999, 5}},
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rtc_tm tm;

        rtc_tm_from_unix(cases[i].t, &tm);
        assert_memory_equal(&tm, &cases[i].tm, sizeof(tm));
        assert_int_equal(rtc_tm_to_unix(&tm), cases[i].t);
    }
}

static void test_calendar_round_trip(void **state)
{
    struct rtc_tm tm, prev;

    rtc_tm_from_unix(0, &prev);
    for (int64_t t = 86400; t < 200LL * 366 * 86400; t += 86400 - 7) {
        rtc_tm_from_unix(t, &tm);
        assert_int_equal(rtc_tm_to_unix(&tm), t);
        assert_true(tm.mon >= 1 && tm.mon <= 12 && tm.mday >= 1 && tm.mday <= 31);
        assert_true(tm.year >= prev.year);
        prev = tm;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bcd_time_and_date, setup),
        cmocka_unit_test_setup(test_binary_mode, setup),
        cmocka_unit_test_setup(test_12_hour_mode, setup),
        cmocka_unit_test_setup(test_clock_follows_host_time, setup),
        cmocka_unit_test_setup(test_status_registers, setup),
        cmocka_unit_test_setup(test_nvram_round_trip, setup),
        cmocka_unit_test_setup(test_index_port, setup),
        cmocka_unit_test_setup(test_set_procedure_holds_clock, setup),
        cmocka_unit_test_setup(test_write_without_set_takes_effect_at_once, setup),
        cmocka_unit_test_setup(test_write_in_binary_12_hour_mode, setup),
        cmocka_unit_test_setup(test_write_century_and_year, setup),
        cmocka_unit_test_setup(test_impossible_date_carries_over, setup),
        cmocka_unit_test_setup(test_weekday_write_ignored, setup),
        cmocka_unit_test_setup(test_mode_switch_reencodes, setup),
        cmocka_unit_test_setup(test_time_before_epoch_clamps, setup),
        cmocka_unit_test_setup(test_null_clock_is_epoch, setup),
        cmocka_unit_test_setup(test_calendar_known_dates, setup),
        cmocka_unit_test_setup(test_calendar_round_trip, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
