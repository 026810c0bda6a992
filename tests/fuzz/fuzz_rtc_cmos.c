/* fuzz-srcs: vmm/dev/rtc_cmos.c lib/calendar.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * MC146818 RTC/CMOS, driven by port accesses and an arbitrary host clock.
 * Each input byte is an operation (bits 1:0), operands after it:
 *   0 index write val8 (port 0x70)   1 data read (0x71), checked
 *   2 data write val8 (0x71)         3 host clock := next 8 bytes
 * Bits 7:2 of a read op, when nonzero, read port offset (bits 7:2) + 1. Every
 * running clock read must be a valid field in the current BCD/binary,
 * 12/24-hour format, whatever the guest wrote and whatever the host clock says.
 */
#include <string.h>
#include "vmm/dev/rtc_cmos.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define REG_B 0x0B
#define B_SET 0x80
#define B_BINARY 0x04
#define B_24H 0x02

static uint64_t host_clock(void *ctx)
{
    return *(uint64_t *)ctx;
}

static int field(uint8_t v, bool binary)
{
    if (binary)
        return v;
    CHECK((v & 0xF) <= 9 && (v >> 4) <= 9); /* valid BCD */
    return (v >> 4) * 10 + (v & 0xF);
}

static void check_hour(uint8_t v, uint8_t b)
{
    int h;

    if (b & B_24H) {
        CHECK(field(v, b & B_BINARY) <= 23);
        return;
    }
    h = field(v & 0x7F, b & B_BINARY);
    CHECK(h >= 1 && h <= 12);
}

/* Time and date registers; 1, 3 and 5 are the alarms, plain RAM. */
static bool clock_reg(uint8_t idx)
{
    return (idx <= 0x09 && idx != 0x01 && idx != 0x03 && idx != 0x05) || idx == 0x32;
}

/*
 * While SET holds the clock, reads return the fields as the guest wrote
 * them (carried over only when the clock starts), so only the encoding is
 * checked then.
 */
static void check_read(struct rtc_cmos *r, uint8_t v)
{
    uint8_t b = r->ram[REG_B];
    bool bin = b & B_BINARY;

    if ((b & B_SET) && clock_reg(r->index)) {
        field(r->index == 0x04 ? v & 0x7F : v, bin);
        return;
    }
    switch (r->index) {
    case 0x00:
    case 0x02:
        CHECK(field(v, bin) <= 59);
        break;
    case 0x04:
        check_hour(v, b);
        break;
    case 0x06:
        CHECK(field(v, bin) >= 1 && field(v, bin) <= 7);
        break;
    case 0x07:
        CHECK(field(v, bin) >= 1 && field(v, bin) <= 31);
        break;
    case 0x08:
        CHECK(field(v, bin) >= 1 && field(v, bin) <= 12);
        break;
    case 0x09:
    case 0x32:
        CHECK(field(v, bin) <= 99);
        break;
    case 0x0A:
        CHECK(!(v & 0x80)); /* never an update in progress */
        break;
    case 0x0C:
        CHECK(v == 0);
        break;
    case 0x0D:
        CHECK(v == 0x80);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rtc_cmos r;
    struct fuzz_input in = {data, size, 0};
    uint64_t host = 1700000000;

    host_log_clear();
    rtc_cmos_init(&r, host_clock, &host);
    while (in.pos < in.size) {
        uint8_t op = (uint8_t)fuzz_take(&in, 1);

        switch (op & 3) {
        case 0:
            rtc_cmos_write(&r, 0, (uint8_t)fuzz_take(&in, 1));
            CHECK(r.index < RTC_CMOS_SIZE);
            break;
        case 1:
            if (op >> 2)
                CHECK(rtc_cmos_read(&r, (op >> 2) + 1U) == 0xFF);
            else
                check_read(&r, rtc_cmos_read(&r, 1));
            break;
        case 2:
            rtc_cmos_write(&r, 1, (uint8_t)fuzz_take(&in, 1));
            break;
        default:
            host = fuzz_take(&in, 8);
            break;
        }
    }
    return 0;
}
