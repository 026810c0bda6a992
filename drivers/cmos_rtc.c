/* SPDX-License-Identifier: MIT */
/*
 * Host RTC (MC146818A datasheet; ports 0x70/0x71): read once, between two
 * update cycles, and turned into Unix time. Guests' RTC models start from it.
 */
#include "drivers/cmos_rtc.h"
#include "lib/calendar.h"
#include "kernel/spinlock.h"
#include "kernel/x86/cpu.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define REG_A_UIP 0x80
#define REG_B_BINARY 0x04
#define REG_B_24H 0x02
#define CENTURY_REG 0x32 /* the usual ACPI FADT CENTURY index */

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg | 0x80); /* keep NMIs disabled while we talk to the RTC */
    return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

static uint64_t read_clock(void)
{
    uint8_t b = cmos_read(0x0b), hour;
    bool bin = b & REG_B_BINARY;
    unsigned y, mo, d, h, mi, s, cent;

    for (unsigned spin = 0; (cmos_read(0x0a) & REG_A_UIP) && spin < 100000; spin++)
        cpu_relax();
    s = from_bcd(cmos_read(0x00), bin);
    mi = from_bcd(cmos_read(0x02), bin);
    hour = cmos_read(0x04);
    d = from_bcd(cmos_read(0x07), bin);
    mo = from_bcd(cmos_read(0x08), bin);
    y = from_bcd(cmos_read(0x09), bin);
    cent = from_bcd(cmos_read(CENTURY_REG), bin);
    h = from_bcd(hour & 0x7f, bin);
    if (!(b & REG_B_24H) && (hour & 0x80)) /* 12-hour mode, PM */
        h = (h % 12) + 12;
    else if (!(b & REG_B_24H) && h == 12)
        h = 0;
    y += (cent >= 19 && cent <= 30 ? cent : 20) * 100;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return 0;
    /* The guests' RTC model's calendar: one conversion for both sides of the clock. */
    return (uint64_t)rtc_tm_to_unix(&(struct rtc_tm){.sec = (int)s,
                                                     .min = (int)mi,
                                                     .hour = (int)h,
                                                     .mday = (int)d,
                                                     .mon = (int)mo,
                                                     .year = (int)y});
}

uint64_t host_boot_unix_time(void)
{
    static spinlock_t lock = SPINLOCK_INIT;
    static uint64_t t;
    static bool done;
    uint64_t f = spin_lock_irqsave(&lock);

    if (!done) {
        t = read_clock();
        done = true;
    }
    spin_unlock_irqrestore(&lock, f);
    return t;
}
