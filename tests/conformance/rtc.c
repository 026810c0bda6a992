/* SPDX-License-Identifier: MIT */
/*
 * rtc: the MC146818 CMOS RTC at ports 0x70/0x71. Register A's divider
 * selects the 32.768 kHz time base and UIP is not stuck; register B is in
 * 24-hour mode; register D has VRT set; the date and time decode (BCD
 * digits valid in BCD mode) to sane values (year >= 2020 with the century
 * byte 0x32, month 1-12, day 1-31, h/m/s in range); binary mode (DM) and
 * 12-hour mode give the same time in the other encodings; the seconds
 * advance within 1.2 s and the next second lasts >= 0.3 s; register B
 * has no interrupt enabled and C's IRQF is clear; CMOS RAM bytes at 0x40+
 * read back what was written; index bit 7 (NMI disable) selects the same
 * register.
 */
#include "conf.h"

#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_WDAY 0x06
#define RTC_MDAY 0x07
#define RTC_MON 0x08
#define RTC_YEAR 0x09
#define RTC_A 0x0a
#define RTC_B 0x0b
#define RTC_C 0x0c
#define RTC_D 0x0d
#define RTC_CENTURY 0x32

#define A_UIP 0x80
#define B_SET 0x80
#define B_DM 0x04
#define B_24H 0x02
#define D_VRT 0x80

static u8 cmos_read(u8 idx)
{
    outb(idx, 0x70);
    return inb(0x71);
}

static void cmos_write(u8 idx, u8 v)
{
    outb(idx, 0x70);
    outb(v, 0x71);
}

struct rtc_time {
    u8 sec, min, hour, wday, mday, mon, year, century;
};

static void read_raw(struct rtc_time *t)
{
    t->sec = cmos_read(RTC_SEC);
    t->min = cmos_read(RTC_MIN);
    t->hour = cmos_read(RTC_HOUR);
    t->wday = cmos_read(RTC_WDAY);
    t->mday = cmos_read(RTC_MDAY);
    t->mon = cmos_read(RTC_MON);
    t->year = cmos_read(RTC_YEAR);
    t->century = cmos_read(RTC_CENTURY);
}

/* a consistent reading: UIP clear, then two equal readings in a row */
static bool read_time(struct rtc_time *t)
{
    for (int i = 0; i < 10; i++) {
        struct rtc_time a;
        if (!wait_for(!(cmos_read(RTC_A) & A_UIP), 10000))
            return false;
        read_raw(&a);
        read_raw(t);
        if (!memcmp(&a, t, sizeof(a)))
            return true;
    }
    return false;
}

static bool bcd_ok(u8 v)
{
    return (v & 0xf) <= 9 && (v >> 4) <= 9;
}

static int bcd(u8 v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

static void test_registers(void)
{
    u8 a = cmos_read(RTC_A);
    report(((a >> 4) & 7) == 2, "register A divider selects the 32.768 kHz time base (%#x)", a);
    report(wait_for(!(cmos_read(RTC_A) & A_UIP), 10000), "register A UIP clears within 10 ms");
    u8 b = cmos_read(RTC_B);
    report(b & B_24H, "register B: 24-hour mode (%#x)", b);
    report(!(b & B_SET), "register B: SET clear, the clock runs");
    report_info("register B %#x: %s", b, b & B_DM ? "binary" : "BCD");
    u8 d = cmos_read(RTC_D);
    report(d & D_VRT, "register D: VRT set (%#x)", d);
    report(!(b & 0x70), "register B: no RTC interrupt enabled");
    u8 c = cmos_read(RTC_C);
    report(!(c & 0x80), "register C: IRQF clear with no interrupt enabled (%#x)", c);
}

static void test_time(void)
{
    struct rtc_time t;
    u8 b = cmos_read(RTC_B);
    if (!report(read_time(&t), "stable date/time reading"))
        return;
    if (!(b & B_DM)) {
        report(bcd_ok(t.sec) && bcd_ok(t.min) && bcd_ok(t.hour) && bcd_ok(t.wday) &&
                   bcd_ok(t.mday) && bcd_ok(t.mon) && bcd_ok(t.year) && bcd_ok(t.century),
               "BCD digits valid (%02x:%02x:%02x %02x-%02x-%02x%02x)", t.hour, t.min, t.sec, t.mday,
               t.mon, t.century, t.year);
        t.sec = bcd(t.sec);
        t.min = bcd(t.min);
        t.hour = bcd(t.hour);
        t.wday = bcd(t.wday);
        t.mday = bcd(t.mday);
        t.mon = bcd(t.mon);
        t.year = bcd(t.year);
        t.century = bcd(t.century);
    }
    int year = t.century * 100 + t.year;
    report_info("RTC: %04d-%02d-%02d %02d:%02d:%02d (weekday %d)", year, t.mon, t.mday, t.hour,
                t.min, t.sec, t.wday);
    report(year >= 2020 && year < 2200, "year %d (century byte %d) >= 2020", year, t.century);
    report(t.mon >= 1 && t.mon <= 12, "month %d in 1-12", t.mon);
    report(t.mday >= 1 && t.mday <= 31, "day %d in 1-31", t.mday);
    report(t.hour < 24 && t.min < 60 && t.sec < 60, "time %d:%d:%d in range", t.hour, t.min, t.sec);
}

/* the same clock field in two encodings; retried if the clock ticked in between */
static void test_encodings(void)
{
    u8 b = cmos_read(RTC_B);
    bool ok = false;
    u8 sb = 0, sd = 0, m1 = 0, m2 = 0;
    for (int i = 0; i < 5 && !ok; i++) {
        wait_for(!(cmos_read(RTC_A) & A_UIP), 10000);
        cmos_write(RTC_B, b & ~B_DM);
        m1 = cmos_read(RTC_MIN);
        sb = cmos_read(RTC_SEC);
        cmos_write(RTC_B, b | B_DM);
        sd = cmos_read(RTC_SEC);
        m2 = cmos_read(RTC_MIN);
        ok = bcd_ok(sb) && bcd(sb) == sd && bcd(m1) == m2;
    }
    cmos_write(RTC_B, b);
    report(ok, "BCD and binary mode agree (sec %#x / %u, min %#x / %u)", sb, sd, m1, m2);

    u8 h24 = 0, h12 = 0;
    ok = false;
    for (int i = 0; i < 5 && !ok; i++) {
        wait_for(!(cmos_read(RTC_A) & A_UIP), 10000);
        cmos_write(RTC_B, (b | B_DM | B_24H));
        h24 = cmos_read(RTC_HOUR);
        cmos_write(RTC_B, (b | B_DM) & ~B_24H);
        h12 = cmos_read(RTC_HOUR);
        u8 again = 0;
        cmos_write(RTC_B, (b | B_DM | B_24H));
        again = cmos_read(RTC_HOUR);
        if (again != h24)
            continue;
        /* 12-hour: 1-12, bit 7 = PM; 0h is 12 AM, 12h is 12 PM */
        u8 want = (h24 % 12 == 0 ? 12 : h24 % 12) | (h24 >= 12 ? 0x80 : 0);
        ok = h12 == want;
    }
    cmos_write(RTC_B, b);
    report(ok, "12-hour mode hour (%#x) matches 24-hour hour (%u)", h12, h24);
}

static void test_advance(void)
{
    wait_for(!(cmos_read(RTC_A) & A_UIP), 10000);
    u8 s0 = cmos_read(RTC_SEC);
    u64 t0 = rdtsc();
    bool moved = wait_for(cmos_read(RTC_SEC) != s0, 1200000);
    u64 us = (rdtsc() - t0) * 1000000 / tsc_hz();
    report(moved, "seconds register advances within 1.2 s (after %lu us)", us);
    if (!moved)
        return;
    /* the next tick is about a second later: not within 0.3 s */
    u8 s1 = cmos_read(RTC_SEC);
    bool early = wait_for(cmos_read(RTC_SEC) != s1, 300000);
    report(!early, "the following second lasts at least 0.3 s");
}

static void test_nvram(void)
{
    bool ok = true;
    u8 save[4];
    for (int i = 0; i < 4; i++)
        save[i] = cmos_read(0x40 + i);
    for (int i = 0; i < 4; i++)
        cmos_write(0x40 + i, (u8)(0xa5 ^ (i * 0x11)));
    for (int i = 0; i < 4; i++)
        ok &= cmos_read(0x40 + i) == (u8)(0xa5 ^ (i * 0x11));
    for (int i = 0; i < 4; i++)
        cmos_write(0x40 + i, (u8) ~(0xa5 ^ (i * 0x11)));
    for (int i = 0; i < 4; i++)
        ok &= cmos_read(0x40 + i) == (u8) ~(0xa5 ^ (i * 0x11));
    for (int i = 0; i < 4; i++)
        cmos_write(0x40 + i, save[i]);
    report(ok, "CMOS RAM bytes 0x40-0x43 read back what was written");
    /* bit 7 of the index (NMI disable) does not change the register selected */
    cmos_write(0x44, 0x3c);
    outb(0x80 | 0x44, 0x70);
    u8 v = inb(0x71);
    outb(0x0d, 0x70); /* NMI enabled again */
    inb(0x71);
    report(v == 0x3c, "index bit 7 (NMI disable) selects the same register (%#x)", v);
}

int main(void)
{
    test_registers();
    test_time();
    test_encodings();
    test_advance();
    test_nvram();
    return 0;
}
