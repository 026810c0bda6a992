/* SPDX-License-Identifier: MIT */
/*
 * MC146818A RTC and CMOS RAM. The clock registers are not stored: every
 * read converts host time plus the guest's offset, so the clock never
 * needs ticking. Setting the clock follows the datasheet's procedure: with
 * register B's SET bit on, the clock is held and the guest's writes edit
 * the held copy; clearing SET starts it from there. A clock write with SET
 * off takes effect at once.
 */
#include "vmm/dev/rtc_cmos.h"
#include "lib/string.h"

/* Address map (MC146818A datasheet, figure 3 and table 2). */
#define RTC_SEC 0x00
#define RTC_SEC_ALARM 0x01
#define RTC_MIN 0x02
#define RTC_MIN_ALARM 0x03
#define RTC_HOUR 0x04
#define RTC_HOUR_ALARM 0x05
#define RTC_WDAY 0x06
#define RTC_MDAY 0x07
#define RTC_MON 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0A
#define RTC_REG_B 0x0B
#define RTC_REG_C 0x0C
#define RTC_REG_D 0x0D

#define REG_A_UIP 0x80    /* update in progress: never, here */
#define REG_A_RESET 0x26  /* 32.768 kHz time base, 1024 Hz rate: what PC firmware sets */
#define REG_B_SET 0x80    /* hold the clock while it is being set */
#define REG_B_BINARY 0x04 /* DM: binary instead of BCD */
#define REG_B_24H 0x02
#define REG_B_RESET REG_B_24H
#define REG_D_VRT 0x80 /* valid RAM and time */
#define HOUR_PM 0x80   /* 12-hour mode: bit 7 of the hours byte */

/* Port 0x70 (PC/AT): bit 7 gates NMI, bits 6:0 select the register. */
#define INDEX_NMI_DISABLE 0x80
#define INDEX_MASK 0x7F
#define PORT_INDEX 0
#define PORT_DATA 1
#define FLOATING_BUS 0xFF

void rtc_cmos_init(struct rtc_cmos *r, rtc_clock_fn unix_seconds, void *ctx)
{
    memset(r, 0, sizeof(*r));
    r->ram[RTC_REG_A] = REG_A_RESET;
    r->ram[RTC_REG_B] = REG_B_RESET;
    r->unix_seconds = unix_seconds;
    r->ctx = ctx;
}

static bool binary(const struct rtc_cmos *r)
{
    return r->ram[RTC_REG_B] & REG_B_BINARY;
}

static bool held(const struct rtc_cmos *r)
{
    return r->ram[RTC_REG_B] & REG_B_SET;
}

/* Host time plus the offset, with unsigned wrap-around so no value overflows. */
static int64_t guest_unix(const struct rtc_cmos *r)
{
    uint64_t host = r->unix_seconds ? r->unix_seconds(r->ctx) : 0;

    return (int64_t)(host + (uint64_t)r->offset);
}

static void clock_now(const struct rtc_cmos *r, struct rtc_tm *tm)
{
    if (held(r))
        *tm = r->set;
    else
        rtc_tm_from_unix(guest_unix(r), tm);
}

/* Starts the clock at tm from now on. */
static void clock_start(struct rtc_cmos *r, const struct rtc_tm *tm)
{
    uint64_t host = r->unix_seconds ? r->unix_seconds(r->ctx) : 0;

    r->offset = (int64_t)((uint64_t)rtc_tm_to_unix(tm) - host);
}

static uint8_t encode(const struct rtc_cmos *r, int v)
{
    v = ((v % 100) + 100) % 100; /* every field but the year is below 100 already */
    return binary(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int decode(const struct rtc_cmos *r, uint8_t v)
{
    return binary(r) ? v : (v >> 4) * 10 + (v & 0xF);
}

static uint8_t encode_hour(const struct rtc_cmos *r, int hour)
{
    int h12 = hour % 12 ? hour % 12 : 12;

    if (r->ram[RTC_REG_B] & REG_B_24H)
        return encode(r, hour);
    return encode(r, h12) | (hour >= 12 ? HOUR_PM : 0);
}

static int decode_hour(const struct rtc_cmos *r, uint8_t v)
{
    if (r->ram[RTC_REG_B] & REG_B_24H)
        return decode(r, v);
    /* 12 AM is midnight and 12 PM noon. */
    return decode(r, v & ~HOUR_PM) % 12 + (v & HOUR_PM ? 12 : 0);
}

static bool alarm_reg(unsigned idx)
{
    return idx == RTC_SEC_ALARM || idx == RTC_MIN_ALARM || idx == RTC_HOUR_ALARM;
}

/* The time and date registers, worked out from the clock at each access. */
static bool clock_reg(unsigned idx)
{
    return (idx <= RTC_YEAR && !alarm_reg(idx)) || idx == RTC_CMOS_CENTURY;
}

static uint8_t read_clock(const struct rtc_cmos *r, unsigned idx)
{
    struct rtc_tm tm;

    clock_now(r, &tm);
    switch (idx) {
    case RTC_SEC:
        return encode(r, tm.sec);
    case RTC_MIN:
        return encode(r, tm.min);
    case RTC_HOUR:
        return encode_hour(r, tm.hour);
    case RTC_WDAY:
        return encode(r, tm.wday + 1); /* 1 = Sunday */
    case RTC_MDAY:
        return encode(r, tm.mday);
    case RTC_MON:
        return encode(r, tm.mon);
    case RTC_YEAR:
        return encode(r, tm.year % 100);
    case RTC_CMOS_CENTURY:
        return encode(r, tm.year / 100);
    default:
        return 0;
    }
}

static uint8_t read_data(const struct rtc_cmos *r)
{
    unsigned idx = r->index;

    if (clock_reg(idx))
        return read_clock(r, idx);
    if (idx == RTC_REG_C)
        return 0; /* no interrupt flags: no interrupts */
    if (idx == RTC_REG_D)
        return REG_D_VRT;
    return r->ram[idx];
}

uint8_t rtc_cmos_read(struct rtc_cmos *r, unsigned port)
{
    /* The index port is write-only on the PC. */
    return port == PORT_DATA ? read_data(r) : FLOATING_BUS;
}

/* Puts a guest-written clock field into tm; false for RAM and read-only registers. */
static bool set_field(const struct rtc_cmos *r, struct rtc_tm *tm, unsigned idx, uint8_t val)
{
    switch (idx) {
    case RTC_SEC:
        tm->sec = decode(r, val);
        return true;
    case RTC_MIN:
        tm->min = decode(r, val);
        return true;
    case RTC_HOUR:
        tm->hour = decode_hour(r, val);
        return true;
    case RTC_MDAY:
        tm->mday = decode(r, val);
        return true;
    case RTC_MON:
        tm->mon = decode(r, val);
        return true;
    case RTC_YEAR:
        tm->year = tm->year / 100 * 100 + decode(r, val);
        return true;
    case RTC_CMOS_CENTURY:
        tm->year = decode(r, val) * 100 + tm->year % 100;
        return true;
    default:
        return false; /* the day of week follows from the date */
    }
}

static void write_clock(struct rtc_cmos *r, unsigned idx, uint8_t val)
{
    struct rtc_tm tm;

    clock_now(r, &tm);
    if (!set_field(r, &tm, idx, val))
        return;
    if (held(r))
        r->set = tm;
    else
        clock_start(r, &tm);
}

static void write_reg_b(struct rtc_cmos *r, uint8_t val)
{
    bool was_held = held(r);

    if ((val & REG_B_SET) && !was_held)
        clock_now(r, &r->set);
    r->ram[RTC_REG_B] = val;
    if (!(val & REG_B_SET) && was_held)
        clock_start(r, &r->set);
}

static void write_data(struct rtc_cmos *r, uint8_t val)
{
    unsigned idx = r->index;

    if (clock_reg(idx))
        write_clock(r, idx, val);
    else if (idx == RTC_REG_A)
        r->ram[idx] = val & ~REG_A_UIP;
    else if (idx == RTC_REG_B)
        write_reg_b(r, val);
    else if (idx != RTC_REG_C && idx != RTC_REG_D)
        r->ram[idx] = val;
}

void rtc_cmos_write(struct rtc_cmos *r, unsigned port, uint8_t val)
{
    if (port == PORT_INDEX) {
        r->index = val & INDEX_MASK;
        r->nmi_disabled = val & INDEX_NMI_DISABLE;
    } else if (port == PORT_DATA) {
        write_data(r, val);
    }
}
