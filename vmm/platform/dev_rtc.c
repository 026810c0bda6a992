/* SPDX-License-Identifier: MIT */
/*
 * The CMOS RTC (device "rtc", vmm/dev/rtc_cmos.c) at ports 0x70-0x71. The
 * guests' wall clock is the host's, read from its RTC at boot, plus the
 * uptime since.
 */
#include "vmm/platform/board.h"
#include "vmm/dev/rtc_cmos.h"
#include "vmm/vm.h"
#include "drivers/cmos_rtc.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"

struct rtc_dev {
    spinlock_t lock;
    struct rtc_cmos rtc;
};

static uint64_t seconds(void *ctx)
{
    return host_boot_unix_time() + uptime_us() / 1000000;
}

static void pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write, uint32_t *val)
{
    struct rtc_dev *d = ctx;
    uint64_t f = spin_lock_irqsave(&d->lock);

    if (write)
        rtc_cmos_write(&d->rtc, port - RTC_CMOS_PORT, (uint8_t)*val);
    else
        *val = rtc_cmos_read(&d->rtc, port - RTC_CMOS_PORT);
    spin_unlock_irqrestore(&d->lock, f);
}

static int attach(struct vm *vm, void *state)
{
    struct rtc_dev *d = state;

    d->lock = (spinlock_t)SPINLOCK_INIT;
    rtc_cmos_init(&d->rtc, seconds, d);
    return vm_io_register_pio(vm, RTC_CMOS_PORT, RTC_CMOS_PORT + RTC_CMOS_NR_PORTS - 1, pio, d);
}

const struct vm_device dev_rtc = {"rtc", sizeof(struct rtc_dev), attach};
