/* SPDX-License-Identifier: MIT */
/*
 * MC146818 real-time clock and CMOS RAM (Motorola MC146818A datasheet) at
 * I/O ports 0x70 (index) and 0x71 (data). Pure code: the VM exit handler
 * calls rtc_cmos_read/write with the port offset (0 or 1); wall-clock time
 * comes from the unix_seconds callback. Guest writes to the clock set an
 * offset from that time, kept in this model only.
 *
 * No interrupts: periodic, alarm and update-ended interrupts are not
 * modelled, so register C always reads 0 and IRQ8 never fires. Alarm
 * registers (1, 3, 5) are plain RAM. Register A's UIP bit is always clear
 * (an update is never in progress) and register D always reports VRT.
 */
#ifndef VMM_DEV_RTC_CMOS_H
#define VMM_DEV_RTC_CMOS_H

#include "lib/compiler.h"
#include "lib/calendar.h"

#define RTC_CMOS_PORT 0x70
#define RTC_CMOS_NR_PORTS 2
#define RTC_CMOS_SIZE 128
#define RTC_CMOS_CENTURY 0x32 /* the index ACPI's FADT CENTURY field names */

typedef uint64_t (*rtc_clock_fn)(void *ctx);

struct rtc_cmos {
    uint8_t index;     /* last index written to port 0x70, bits 6:0 */
    bool nmi_disabled; /* bit 7 of the last index write */
    uint8_t ram[RTC_CMOS_SIZE];
    int64_t offset;    /* guest time minus host time, in seconds */
    struct rtc_tm set; /* the clock as held while register B's SET bit is 1 */
    rtc_clock_fn unix_seconds;
    void *ctx;
};

/* 24-hour BCD mode, no interrupts enabled, CMOS RAM zeroed. */
void rtc_cmos_init(struct rtc_cmos *r, rtc_clock_fn unix_seconds, void *ctx);
/* port: 0 (index, 0x70) or 1 (data, 0x71); others read 0xFF and ignore writes. */
uint8_t rtc_cmos_read(struct rtc_cmos *r, unsigned port);
void rtc_cmos_write(struct rtc_cmos *r, unsigned port, uint8_t val);

#endif
