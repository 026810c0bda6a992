/* SPDX-License-Identifier: MIT */
/*
 * rtc: the CMOS real-time clock (ports 0x70/0x71). Register D reports
 * valid time; date and time are in range and valid BCD or binary per
 * register B's DM bit, 12/24-hour per its 24/12 bit; the seconds advance
 * within 1.5 s; a CMOS RAM byte reads back (restored); the periodic
 * interrupt (register A rate 6 = 1024 Hz, register B PIE) arrives on ISA
 * IRQ 8 through the IOAPIC and register C reports PF and IRQF, and stops
 * once PIE is cleared.
 */
#include "conf.h"

#define RTC_VEC 0x68

static u8 cmos_read(u8 reg)
{
    outb(reg, 0x70);
    return inb(0x71);
}

static void cmos_write(u8 reg, u8 v)
{
    outb(reg, 0x70);
    outb(v, 0x71);
}

static bool wait_uip_clear(void)
{
    return wait_for(!(cmos_read(0x0a) & 0x80), 10000);
}

static bool bcd_ok(u8 v)
{
    return (v & 0xf) <= 9 && (v >> 4) <= 9;
}

static u8 to_bin(u8 v, bool binary)
{
    return binary ? v : (u8)((v >> 4) * 10 + (v & 0xf));
}

static volatile int rtc_hits;
static volatile u8 rtc_regc;

static void rtc_isr(struct ex_regs *r)
{
    rtc_hits++;
    rtc_regc = cmos_read(0x0c); /* reading C acknowledges the interrupt */
    apic_eoi();
}

static void test_time(void)
{
    u8 b = cmos_read(0x0b);
    bool binary = b & 0x04, h24 = b & 0x02;
    report_info("register A %#x B %#x D %#x", cmos_read(0x0a), b, cmos_read(0x0d));
    report(cmos_read(0x0d) & 0x80, "register D: valid RAM and time (VRT)");
    report(wait_uip_clear(), "register A: UIP clears");
    u8 sec = cmos_read(0), min = cmos_read(2), hour = cmos_read(4);
    u8 day = cmos_read(7), mon = cmos_read(8), year = cmos_read(9);
    report_info("RTC %02x-%02x-%02x %02x:%02x:%02x (%s, %s)", year, mon, day, hour, min, sec,
                binary ? "binary" : "BCD", h24 ? "24h" : "12h");
    if (!binary)
        report(bcd_ok(sec) && bcd_ok(min) && bcd_ok(hour & 0x7f) && bcd_ok(day) && bcd_ok(mon) &&
                   bcd_ok(year),
               "date and time are valid BCD");
    u8 h = to_bin(hour & 0x7f, binary);
    report(to_bin(sec, binary) < 60 && to_bin(min, binary) < 60, "seconds and minutes < 60");
    report(h24 ? h < 24 : (h >= 1 && h <= 12), "hour %u valid for %s mode", h, h24 ? "24h" : "12h");
    report(to_bin(day, binary) >= 1 && to_bin(day, binary) <= 31, "day of month 1..31");
    report(to_bin(mon, binary) >= 1 && to_bin(mon, binary) <= 12, "month 1..12");
    report(to_bin(year, binary) <= 99, "year 0..99");

    u8 s0 = cmos_read(0);
    bool adv = wait_for(cmos_read(0) != s0, 1500000);
    report(adv, "seconds advance within 1.5 s");
}

static void test_ram(void)
{
    u8 v = cmos_read(0x38), nv = (u8)(v ^ 0xff);
    cmos_write(0x38, nv);
    u8 r = cmos_read(0x38);
    cmos_write(0x38, v);
    report(r == nv && cmos_read(0x38) == v, "CMOS RAM byte 0x38 reads back");
}

static void test_periodic(void)
{
    int pin = (int)acpi_isa_irq_gsi(8, NULL);
    handle_irq(RTC_VEC, rtc_isr);
    u8 a = cmos_read(0x0a), b = cmos_read(0x0b);
    cmos_read(0x0c);
    cmos_write(0x0a, (a & 0xf0) | 0x06); /* 1024 Hz */
    ioapic_route(pin, RTC_VEC, false, cpu_apic_id(0));
    rtc_hits = 0;
    cmos_write(0x0b, b | 0x40); /* PIE */
    irq_enable();
    bool ok = wait_for(rtc_hits >= 3, 200000);
    irq_disable();
    report(ok, "periodic interrupt on IRQ 8 (pin %d) repeats (%d)", pin, rtc_hits);
    report((rtc_regc & 0xc0) == 0xc0, "register C shows IRQF and PF (%#x)", rtc_regc);
    cmos_write(0x0b, b & ~0x40);
    irq_enable();
    udelay(2000);
    int n = rtc_hits;
    udelay(5000);
    irq_disable();
    report(rtc_hits == n, "no periodic interrupts once PIE is cleared");
    cmos_write(0x0a, a);
    ioapic_write_redir(pin, IOAPIC_REDIR_MASKED);
    cmos_read(0x0c);
}

int main(void)
{
    test_time();
    test_ram();
    test_periodic();
    return 0;
}
