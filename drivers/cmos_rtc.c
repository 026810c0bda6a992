/*
 * Host RTC (MC146818A datasheet; ports 0x70/0x71): read once, between two
 * update cycles, and turned into Unix time. Guests' RTC models start from it.
 */
#include "drivers/cmos_rtc.h"
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

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's algorithm). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
    unsigned era, yoe, doy, doe;

    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
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
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
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
