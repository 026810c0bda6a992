/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/io.c vmm/dev/pm_timer.c vmm/dev/acpi_pm1.c vmm/dev/reset_ctl.c vmm/dev/testdev.c vmm/platform/dev_acpi_pm.c vmm/platform/dev_pm_timer.c vmm/platform/dev_reset.c vmm/platform/dev_testdev.c lib/string.c */
/*
 * The PC platform's fixed hardware: the pure models (ACPI PM timer, PM1
 * registers, the 0x92/0xCF9 reset ports, the pc-testdev compatible test
 * device), then the devices that put them on a VM's ports, driven through
 * the real I/O registry (vmm/io.c) with a recording irqchip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/acpi_pm1.h"
#include "vmm/dev/pm_timer.h"
#include "vmm/dev/reset_ctl.h"
#include "vmm/dev/testdev.h"
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/io.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "tests/unit/host_stubs.h"

/* ------------------------------------------------------------ kernel stubs */

static struct {
    int locks;
    char why[128]; /* last vm_power_off / vm_stop reason */
    unsigned ends; /* vm_power_off + vm_stop calls */
    uint64_t khz;
} k;

void spin_lock(spinlock_t *l)
{
    k.locks++;
}

bool spin_trylock(spinlock_t *l)
{
    k.locks++;
    return true;
}

void spin_unlock(spinlock_t *l)
{
    assert_true(k.locks > 0);
    k.locks--;
}

uint64_t irq_save(void)
{
    return 0;
}

void irq_restore(uint64_t flags)
{
}

void vm_power_off(struct vm *vm, const char *why)
{
    assert_int_equal(k.locks, 0); /* devices end the VM after dropping their lock */
    snprintf(k.why, sizeof(k.why), "%s", why);
    k.ends++;
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(k.why, sizeof(k.why), fmt, ap);
    va_end(ap);
    k.ends++;
}

uint64_t tsc_khz(void)
{
    return k.khz;
}

/* ------------------------------------------------------------ PM timer */

/* floor(delta * 3579545 / (khz * 1000)), the long way. */
static uint32_t ref_ticks(uint64_t delta, uint64_t khz)
{
    return (uint32_t)((unsigned __int128)delta * PM_TIMER_HZ / (khz * 1000));
}

/* One second of TSC ticks is 3579545 PM timer ticks, at any TSC rate. */
static void test_pm_timer_rate(void **state)
{
    static const uint64_t khz[] = {1000, 1000000, 2100000, 2893434, 4000000};

    for (unsigned i = 0; i < sizeof(khz) / sizeof(khz[0]); i++) {
        assert_int_equal(pm_timer_ticks(khz[i] * 1000, khz[i]), PM_TIMER_HZ);
        assert_int_equal(pm_timer_ticks(khz[i] * 1000 - 1, khz[i]),
                         ref_ticks(khz[i] * 1000 - 1, khz[i]));
        for (uint64_t d = 1; d < (1ull << 62); d = d * 3 + 7)
            assert_int_equal(pm_timer_ticks(d, khz[i]), ref_ticks(d, khz[i]));
        assert_int_equal(pm_timer_ticks(khz[i] * 100, khz[i]), PM_TIMER_HZ / 10); /* 100 ms */
        assert_int_equal(pm_timer_ticks(0, khz[i]), 0);
    }
    /* At 1 GHz a PM tick is 279.36 TSC ticks: rounded down. */
    assert_int_equal(pm_timer_ticks(279, 1000000), 0);
    assert_int_equal(pm_timer_ticks(280, 1000000), 1);
    assert_int_equal(pm_timer_ticks(2793652, 1000000), 10000); /* 2793651.06... */
    assert_int_equal(pm_timer_ticks(2793651, 1000000), 9999);
    /* No TSC rate, or an absurd one: the count stands still. */
    assert_int_equal(pm_timer_ticks(123456789, 0), 0);
    assert_int_equal(pm_timer_ticks(123456789, PM_TIMER_MAX_TSC_KHZ + 1), 0);
}

/* 32 bits (TMR_VAL_EXT): the count wraps at 2^32 ticks, 1199.6 s, not at 2^24 (4.69 s). */
static void test_pm_timer_wraps_at_32_bits(void **state)
{
    const uint64_t khz = 1000000; /* 1 GHz: 10^9 TSC ticks a second */
    /* 2^32 PM ticks = 2^32 * 10^9 / 3579545 TSC ticks; the first TSC tick at which the count wraps: */
    const uint64_t wrap = (((uint64_t)1 << 32) * 1000000000ull + PM_TIMER_HZ - 1) / PM_TIMER_HZ;

    assert_int_equal(pm_timer_ticks(khz * 1000 * 5, khz), 5 * PM_TIMER_HZ); /* past 2^24 */
    assert_int_equal(pm_timer_ticks(wrap - 1, khz), 0xffffffffu);
    assert_int_equal(pm_timer_ticks(wrap, khz), 0);
    /* Days of uptime: still exact modulo 2^32 (whole seconds wrap in 64 bits). */
    assert_int_equal(pm_timer_ticks(khz * 1000 * 86400, khz), (uint32_t)(86400ull * PM_TIMER_HZ));
    assert_int_equal(pm_timer_ticks(UINT64_MAX, khz), ref_ticks(UINT64_MAX, khz));
}

/* Later TSC values never give a smaller count (short of the wrap), from the VM's base on. */
static void test_pm_timer_monotonic(void **state)
{
    struct pm_timer t = {.tsc_base = 5000000000ull, .tsc_khz = 2893434};
    uint32_t last = 0, now;

    assert_int_equal(pm_timer_count(&t, 4000000000ull), 0); /* before the base: 0 */
    for (uint64_t tsc = t.tsc_base; tsc < t.tsc_base + 3000000000ull; tsc += 7919) {
        now = pm_timer_count(&t, tsc);
        assert_true(now >= last);
        assert_true(now - last <= 10); /* 7919 TSC ticks are 9.8 PM ticks at 2.9 GHz */
        last = now;
    }
    assert_true(last > PM_TIMER_HZ); /* a second went by */
}

/* 4.8.3.3: a 32-bit register: only a 4-byte read at its first port is the count. */
static void test_pm_timer_access(void **state)
{
    struct pm_timer t = {.tsc_base = 0, .tsc_khz = 1000000};
    uint32_t val = 0x5a5a5a5a;

    assert_true(pm_timer_read(&t, 0, 4, 1000000000ull, &val));
    assert_int_equal(val, PM_TIMER_HZ);
    val = 0x5a5a5a5a;
    assert_false(pm_timer_read(&t, 0, 2, 1000000000ull, &val));
    assert_false(pm_timer_read(&t, 0, 1, 1000000000ull, &val));
    assert_false(pm_timer_read(&t, 1, 1, 1000000000ull, &val));
    assert_false(pm_timer_read(&t, 2, 2, 1000000000ull, &val));
    assert_int_equal(val, 0x5a5a5a5a);
}

/* ------------------------------------------------------------ PM1 */

/* 4.8.3.2.1: SCI_EN reads 1 (always in ACPI mode); BM_RLD and SLP_TYP stay; SLP_EN, GBL_RLS read 0. */
static void test_pm1_cnt(void **state)
{
    struct acpi_pm1 p;

    acpi_pm1_init(&p);
    assert_int_equal(acpi_pm1_cnt_read(&p, 0, 2), PM1_CNT_SCI_EN);
    assert_int_equal(acpi_pm1_cnt_write(&p, 0, 2, 0), -1);
    assert_int_equal(acpi_pm1_cnt_read(&p, 0, 2), PM1_CNT_SCI_EN); /* cannot be cleared */
    assert_int_equal(acpi_pm1_cnt_write(&p, 0, 2, 3u << 10 | PM1_CNT_BM_RLD | PM1_CNT_GBL_RLS),
                     -1); /* SLP_TYP alone does not sleep */
    assert_int_equal(acpi_pm1_cnt_read(&p, 0, 2), 3u << 10 | PM1_CNT_BM_RLD | PM1_CNT_SCI_EN);
    assert_int_equal(acpi_pm1_cnt_write(&p, 0, 2, 5u << 10 | PM1_CNT_SLP_EN), 5);
    assert_int_equal(acpi_pm1_cnt_read(&p, 0, 2), 5u << 10 | PM1_CNT_SCI_EN);
    assert_true(acpi_pm1_evt_read(&p, 0, 2) & PM1_STS_WAK); /* "woke up" */
    /* Byte accesses: SLP_TYP and SLP_EN are in the high byte. */
    assert_int_equal(acpi_pm1_cnt_read(&p, 1, 1), 5u << 2);
    assert_int_equal(acpi_pm1_cnt_write(&p, 1, 1, (PM1_CNT_SLP_EN | 7u << 10) >> 8), 7);
    assert_int_equal(acpi_pm1_cnt_read(&p, 0, 1), PM1_CNT_SCI_EN); /* low byte untouched */
    assert_int_equal(acpi_pm1_cnt_write(&p, 0, 1, 0xff), -1);      /* low byte only */
    assert_int_equal(acpi_pm1_cnt_read(&p, 0, 4), 7u << 10 | PM1_CNT_BM_RLD | PM1_CNT_SCI_EN);
}

/* 4.8.3.1: status bits are write-1-to-clear; enable bits read back (defined ones only). */
static void test_pm1_evt(void **state)
{
    struct acpi_pm1 p;

    acpi_pm1_init(&p);
    assert_int_equal(acpi_pm1_evt_read(&p, 0, 4), 0);
    p.sts = PM1_STS_WAK | PM1_STS_TMR;
    acpi_pm1_evt_write(&p, 0, 2, 0); /* writing 0 clears nothing */
    assert_int_equal(acpi_pm1_evt_read(&p, 0, 2), PM1_STS_WAK | PM1_STS_TMR);
    acpi_pm1_evt_write(&p, 0, 2, PM1_STS_TMR);
    assert_int_equal(acpi_pm1_evt_read(&p, 0, 2), PM1_STS_WAK);
    acpi_pm1_evt_write(&p, 1, 1, PM1_STS_WAK >> 8);
    assert_int_equal(acpi_pm1_evt_read(&p, 0, 2), 0);
    /* PM1_EN at offset 2; a dword write at 0 reaches both. */
    acpi_pm1_evt_write(&p, 2, 2, 0xffff);
    assert_int_equal(acpi_pm1_evt_read(&p, 2, 2), PM1_EN_BITS);
    p.sts = PM1_STS_PWRBTN;
    acpi_pm1_evt_write(&p, 0, 4, PM1_EN_PWRBTN << 16 | PM1_STS_PWRBTN);
    assert_int_equal(acpi_pm1_evt_read(&p, 0, 4), PM1_EN_PWRBTN << 16);
    assert_int_equal(acpi_pm1_evt_read(&p, 3, 1), PM1_EN_PWRBTN >> 8);
}

/* ------------------------------------------------------------ resets */

/* Port 0x92: FAST_RESET on a 0 -> 1 write; A20 always reads 1; the other bits read back. */
static void test_port92(void **state)
{
    struct reset_ctl r;

    reset_ctl_init(&r);
    assert_int_equal(reset_ctl_read(&r, PORT92), PORT92_A20);
    assert_int_equal(reset_ctl_write(&r, PORT92, 0x00), RESET_NONE); /* A20 off: not modelled */
    assert_int_equal(reset_ctl_read(&r, PORT92), PORT92_A20);
    assert_int_equal(reset_ctl_write(&r, PORT92, 0xc2), RESET_NONE);
    assert_int_equal(reset_ctl_read(&r, PORT92), 0xc2);
    assert_int_equal(reset_ctl_write(&r, PORT92, PORT92_A20 | PORT92_FAST_RESET), RESET_FAST);
    assert_int_equal(reset_ctl_write(&r, PORT92, PORT92_A20 | PORT92_FAST_RESET), RESET_NONE);
    assert_int_equal(reset_ctl_write(&r, PORT92, PORT92_A20), RESET_NONE);
    assert_int_equal(reset_ctl_write(&r, PORT92, PORT92_FAST_RESET), RESET_FAST);
}

/* 0xCF9: RST_CPU resets, SYS_RST (or FULL_RST) makes it hard; SYS_RST and FULL_RST read back. */
static void test_rst_cnt(void **state)
{
    struct reset_ctl r;

    reset_ctl_init(&r);
    assert_int_equal(reset_ctl_read(&r, RST_CNT_PORT), 0);
    assert_int_equal(reset_ctl_write(&r, RST_CNT_PORT, RST_CNT_SYS_RST), RESET_NONE);
    assert_int_equal(reset_ctl_read(&r, RST_CNT_PORT), RST_CNT_SYS_RST);
    assert_int_equal(reset_ctl_write(&r, RST_CNT_PORT, 0xf9), RESET_NONE); /* reserved bits */
    assert_int_equal(reset_ctl_read(&r, RST_CNT_PORT), RST_CNT_FULL_RST);
    assert_int_equal(reset_ctl_write(&r, RST_CNT_PORT, RST_CNT_RST_CPU), RESET_SOFT);
    assert_int_equal(reset_ctl_read(&r, RST_CNT_PORT), 0); /* RST_CPU reads 0 */
    assert_int_equal(reset_ctl_write(&r, RST_CNT_PORT, RST_CNT_HARD_RESET), RESET_HARD);
    assert_int_equal(reset_ctl_write(&r, RST_CNT_PORT, RST_CNT_FULL_RST | RST_CNT_RST_CPU),
                     RESET_HARD);
    assert_int_equal(reset_ctl_write(&r, 0xcf8, RST_CNT_HARD_RESET), RESET_NONE);
    assert_int_equal(reset_ctl_read(&r, 0xcfa), 0xff);
    assert_string_equal(reset_kind_why(RESET_HARD), "reset itself (hard reset, port 0xcf9)");
    assert_string_equal(reset_kind_why(RESET_FAST), "reset itself (fast reset, port 0x92)");
}

/* ------------------------------------------------------------ test device */

/* A width-w access at port 0xE0+k covers bits 8k..8k+8w-1 of the scratch register. */
static void test_testdev_lanes(void **state)
{
    struct testdev t = {0};
    uint32_t v;

    assert_true(testdev_write(&t, 0, 4, 0x11223344));
    assert_true(testdev_read(&t, 0, 4, &v));
    assert_int_equal(v, 0x11223344);
    assert_true(testdev_read(&t, 1, 1, &v));
    assert_int_equal(v, 0x33);
    assert_true(testdev_read(&t, 2, 2, &v));
    assert_int_equal(v, 0x1122);
    assert_true(testdev_read(&t, 1, 2, &v));
    assert_int_equal(v, 0x2233);
    assert_true(testdev_read(&t, 3, 4, &v)); /* past the 4th byte: 0 */
    assert_int_equal(v, 0x11);
    assert_true(testdev_write(&t, 1, 2, 0xbeef));
    assert_true(testdev_read(&t, 0, 4, &v));
    assert_int_equal(v, 0x11beef44);
    assert_true(testdev_write(&t, 3, 4, 0xaabbccdd)); /* only its low byte lands */
    assert_true(testdev_read(&t, 0, 4, &v));
    assert_int_equal(v, 0xddbeef44);
    /* 0xE8-0xEB: the same register. */
    assert_true(testdev_read(&t, TESTDEV_SCRATCH_BYTES + 2, 2, &v));
    assert_int_equal(v, 0xddbe);
    assert_true(testdev_write(&t, TESTDEV_SCRATCH_BYTES, 1, 0x01));
    assert_true(testdev_read(&t, 0, 4, &v));
    assert_int_equal(v, 0xddbeef01);
    assert_true(testdev_write(&t, TESTDEV_SCRATCH_BYTES, 4, 0xcafef00d));
    assert_true(testdev_read(&t, 0, 4, &v));
    assert_int_equal(v, 0xcafef00d);
}

/* 0xE4: flush page writes are taken and change nothing; its reads are not the device's. */
static void test_testdev_flush(void **state)
{
    struct testdev t = {.scratch = 0x12345678};
    uint32_t v = 0;

    assert_true(testdev_write(&t, TESTDEV_FLUSH, 4, 0x1000));
    assert_true(testdev_write(&t, TESTDEV_FLUSH + 3, 1, 0x10));
    assert_int_equal(t.scratch, 0x12345678);
    assert_false(testdev_read(&t, TESTDEV_FLUSH, 4, &v));
    assert_false(testdev_read(&t, TESTDEV_FLUSH + 3, 1, &v));
    assert_false(testdev_read(&t, TESTDEV_NR_PORTS, 1, &v));
    assert_false(testdev_write(&t, TESTDEV_NR_PORTS, 1, 0));
}

/* 0x2000+n, one byte of v: pin n to (v != 0); wider writes and pins past 23 drive nothing. */
static void test_testdev_irq_ports(void **state)
{
    bool level = false;

    assert_int_equal(testdev_irq_write(0, 1, 1, &level), 0);
    assert_true(level);
    assert_int_equal(testdev_irq_write(23, 1, 0, &level), 23);
    assert_false(level);
    assert_int_equal(testdev_irq_write(5, 1, 0x80, &level), 5);
    assert_true(level);
    assert_int_equal(testdev_irq_write(5, 1, 0x100, &level), 5); /* only the byte counts */
    assert_false(level);
    assert_int_equal(testdev_irq_write(24, 1, 1, &level), -1);
    assert_int_equal(testdev_irq_write(4, 2, 1, &level), -1);
    assert_int_equal(testdev_irq_write(4, 4, 1, &level), -1);
}

/* ------------------------------------------------------------ the devices on a VM */

static struct vm vm;
static uint8_t dev_state[4][256] __attribute__((aligned(64)));
static struct {
    unsigned calls;
    unsigned line;
    bool level;
    struct vcpu *self;
} lines;

static void rec_set_line(void *chip, unsigned line, bool level, struct vcpu *self)
{
    lines.calls++;
    lines.line = line;
    lines.level = level;
    lines.self = self;
}

static const struct irqchip_ops rec_chip = {.name = "rec", .set_line = rec_set_line};

static const struct vm_device *const devices[] = {&dev_acpi_pm, &dev_pm_timer, &dev_reset,
                                                  &dev_testdev};

static int dev_setup(void **state)
{
    memset(&vm, 0, sizeof(vm));
    memset(&k, 0, sizeof(k));
    memset(&lines, 0, sizeof(lines));
    memset(dev_state, 0, sizeof(dev_state));
    snprintf(vm.name, sizeof(vm.name), "t");
    vm.nvcpus = 1;
    vm.vcpus[0].vm = &vm;
    vm_irqchip_install(&vm, &rec_chip, NULL);
    k.khz = 1000000;
    host_log_clear();
    for (unsigned i = 0; i < 4; i++) {
        assert_true(devices[i]->size <= sizeof(dev_state[i]));
        assert_int_equal(devices[i]->attach(&vm, dev_state[i]), 0);
    }
    return 0;
}

static uint32_t in(uint16_t port, unsigned size)
{
    uint32_t val = 0x5a5a5a5a;

    vm_pio(&vm.vcpus[0], port, size, true, &val);
    return val;
}

static void out(uint16_t port, unsigned size, uint32_t val)
{
    vm_pio(&vm.vcpus[0], port, size, false, &val);
}

static void test_dev_pm1_power_off(void **state)
{
    assert_int_equal(in(GUEST_PM1A_CNT_PORT, 2), PM1_CNT_SCI_EN);
    out(GUEST_PM1A_EVT_PORT, 2, 0xffff); /* clear every status bit, as Linux does first */
    out(GUEST_PM1A_CNT_PORT, 2, PM1_CNT_SCI_EN | GUEST_S5_SLP_TYP << PM1_CNT_SLP_TYP_SHIFT);
    assert_int_equal(k.ends, 0);
    out(GUEST_PM1A_CNT_PORT, 2,
        PM1_CNT_SCI_EN | PM1_CNT_SLP_EN | GUEST_S5_SLP_TYP << PM1_CNT_SLP_TYP_SHIFT);
    assert_string_equal(k.why, "powered off (ACPI S5)");
    out(GUEST_PM1A_CNT_PORT, 2, PM1_CNT_SLP_EN | 3 << PM1_CNT_SLP_TYP_SHIFT);
    assert_string_equal(k.why, "asked for ACPI sleep type 3, which is not supported");
    assert_int_equal(in(GUEST_PM1A_EVT_PORT, 2), PM1_STS_WAK);
    out(GUEST_PM1A_EVT_PORT + 2, 2, PM1_EN_PWRBTN);
    assert_int_equal(in(GUEST_PM1A_EVT_PORT, 4), PM1_EN_PWRBTN << 16 | PM1_STS_WAK);
    /* The hardware-reduced registers are still there, unchanged. */
    assert_int_equal(in(GUEST_SLEEP_STS_PORT, 1), GUEST_WAK_STS);
    out(GUEST_RESET_PORT, 1, GUEST_RESET_VALUE);
    assert_string_equal(k.why, "reset itself (ACPI reset register)");
    assert_int_equal(vm.unhandled_io, 0);
    assert_int_equal(k.locks, 0);
}

static void test_dev_pm_timer(void **state)
{
    uint32_t a = in(GUEST_PM_TMR_PORT, 4), b;

    for (int i = 0; i < 1000; i++) {
        b = in(GUEST_PM_TMR_PORT, 4);
        assert_true(b - a < 0x80000000u); /* forward, modulo 2^32 */
        a = b;
    }
    assert_int_equal(vm.unhandled_io, 0);
    assert_int_equal(in(GUEST_PM_TMR_PORT, 2), 0xffff); /* not a PM timer access */
    assert_int_equal(in(GUEST_PM_TMR_PORT + 1, 1), 0xff);
    out(GUEST_PM_TMR_PORT, 4, 0); /* read-only: ignored */
    assert_int_equal(vm.unhandled_io, 2);
    assert_int_equal(k.ends, 0);
}

static void test_dev_resets(void **state)
{
    assert_int_equal(in(GUEST_PORT92, 1), PORT92_A20);
    out(GUEST_RST_CNT_PORT, 1, RST_CNT_SYS_RST);
    assert_int_equal(k.ends, 0);
    assert_int_equal(in(GUEST_RST_CNT_PORT, 1), RST_CNT_SYS_RST);
    out(GUEST_RST_CNT_PORT, 1, GUEST_RST_CNT_RESET);
    assert_string_equal(k.why, "reset itself (hard reset, port 0xcf9)");
    out(GUEST_RST_CNT_PORT, 1, RST_CNT_RST_CPU);
    assert_string_equal(k.why, "reset itself (soft reset, port 0xcf9)");
    out(GUEST_PORT92, 1, PORT92_A20 | PORT92_FAST_RESET);
    assert_string_equal(k.why, "reset itself (fast reset, port 0x92)");
    assert_int_equal(k.ends, 3);
    assert_int_equal(vm.unhandled_io, 0);
}

static void test_dev_testdev(void **state)
{
    out(TESTDEV_PORT, 4, 0xa1b2c3d4);
    assert_int_equal(in(TESTDEV_PORT + 1, 2), 0xb2c3);
    assert_int_equal(in(TESTDEV_PORT + TESTDEV_SCRATCH_BYTES + 3, 1), 0xa1);
    out(TESTDEV_PORT + TESTDEV_FLUSH, 4, 0x2000);
    assert_int_equal(vm.unhandled_io, 0);
    assert_int_equal(in(TESTDEV_PORT + TESTDEV_FLUSH, 4), 0xffffffffu);
    assert_int_equal(vm.unhandled_io, 1);
    /* IOAPIC pins through the VM's irqchip, the accessing vCPU as self. */
    out(TESTDEV_IRQ_PORT + 10, 1, 1);
    assert_int_equal(lines.calls, 1);
    assert_int_equal(lines.line, 10);
    assert_true(lines.level);
    assert_ptr_equal(lines.self, &vm.vcpus[0]);
    out(TESTDEV_IRQ_PORT + 10, 1, 0);
    assert_int_equal(lines.calls, 2);
    assert_false(lines.level);
    out(TESTDEV_IRQ_PORT + 23, 1, 0xff);
    assert_int_equal(lines.line, 23);
    assert_true(lines.level);
    /* Write-only, byte-wide: reads and wider writes are nobody's. */
    assert_int_equal(in(TESTDEV_IRQ_PORT, 1), 0xff);
    out(TESTDEV_IRQ_PORT + 2, 2, 1);
    assert_int_equal(lines.calls, 3);
    assert_int_equal(vm.unhandled_io, 3);
    assert_int_equal(in(TESTDEV_IRQ_PORT + 24, 1), 0xff); /* past the range */
    assert_int_equal(k.locks, 0);
}

#define T(f) cmocka_unit_test(f)
#define D(f) cmocka_unit_test_setup(f, dev_setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_pm_timer_rate),
        T(test_pm_timer_wraps_at_32_bits),
        T(test_pm_timer_monotonic),
        T(test_pm_timer_access),
        T(test_pm1_cnt),
        T(test_pm1_evt),
        T(test_port92),
        T(test_rst_cnt),
        T(test_testdev_lanes),
        T(test_testdev_flush),
        T(test_testdev_irq_ports),
        D(test_dev_pm1_power_off),
        D(test_dev_pm_timer),
        D(test_dev_resets),
        D(test_dev_testdev),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
