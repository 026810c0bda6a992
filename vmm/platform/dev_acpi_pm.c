/* SPDX-License-Identifier: MIT */
/*
 * The ACPI power ports (device "acpi-pm"; vmm/platform/guest_platform.h,
 * docs/linux-guest.md, docs/guest-abi.md "PC platform"). For a hardware-
 * reduced FADT: the sleep control and status registers at 0x600-0x601,
 * where SLP_EN with SLP_TYP 5 (S5) powers the VM off, and the reset
 * register at 0x602. For a full FADT: PM1a_CNT at 0x604-0x605 (SLP_EN with
 * SLP_TYP 5 powers off the same way) and PM1a_EVT at 0x60C-0x60F
 * (vmm/dev/acpi_pm1.h). The FADT that acpi_gen.c writes names one set; both
 * are always there. The PM timer in between is dev_pm_timer.c.
 */
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/dev/acpi_pm1.h"
#include "vmm/vm.h"
#include "kernel/spinlock.h"

struct acpi_pm_dev {
    spinlock_t lock;
    struct acpi_pm1 pm1;
};

/* SLP_EN was written with sleep type typ: S5 is the one state offered (the DSDT's \_S5). */
static void sleep_request(struct vcpu *v, unsigned typ)
{
    if (typ == GUEST_S5_SLP_TYP)
        vm_power_off(v->vm, "powered off (ACPI S5)");
    else
        vm_stop(v->vm, "asked for ACPI sleep type %u, which is not supported", typ);
}

static void sleep_control(struct vcpu *v, uint8_t val)
{
    if (val & GUEST_SLP_EN)
        sleep_request(v, (val >> GUEST_SLP_TYP_SHIFT) & 7);
}

static void sleep_pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                      uint32_t *val)
{
    if (!write) /* WAK_STS: a guest polling for its wake-up after a sleep request stops */
        *val = port == GUEST_SLEEP_STS_PORT ? GUEST_WAK_STS : 0;
    else if (port == GUEST_SLEEP_CTL_PORT)
        sleep_control(v, (uint8_t)*val);
}

static void reset_pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                      uint32_t *val)
{
    if (write && (uint8_t)*val == GUEST_RESET_VALUE)
        vm_power_off(v->vm, "reset itself (ACPI reset register)");
    else if (!write)
        *val = 0;
}

static void pm1_cnt_pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                        uint32_t *val)
{
    struct acpi_pm_dev *d = ctx;
    unsigned off = port - GUEST_PM1A_CNT_PORT;
    uint64_t f = spin_lock_irqsave(&d->lock);
    int typ = -1;

    if (write)
        typ = acpi_pm1_cnt_write(&d->pm1, off, size, *val);
    else
        *val = acpi_pm1_cnt_read(&d->pm1, off, size);
    spin_unlock_irqrestore(&d->lock, f);
    if (typ >= 0)
        sleep_request(v, (unsigned)typ);
}

static void pm1_evt_pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                        uint32_t *val)
{
    struct acpi_pm_dev *d = ctx;
    unsigned off = port - GUEST_PM1A_EVT_PORT;
    uint64_t f = spin_lock_irqsave(&d->lock);

    if (write)
        acpi_pm1_evt_write(&d->pm1, off, size, *val);
    else
        *val = acpi_pm1_evt_read(&d->pm1, off, size);
    spin_unlock_irqrestore(&d->lock, f);
}

static int attach(struct vm *vm, void *state)
{
    _Static_assert(GUEST_SLEEP_STS_PORT == GUEST_SLEEP_CTL_PORT + 1, "one sleep range");
    struct acpi_pm_dev *d = state;
    int err;

    d->lock = (spinlock_t)SPINLOCK_INIT;
    acpi_pm1_init(&d->pm1);
    err = vm_io_register_pio(vm, GUEST_SLEEP_CTL_PORT, GUEST_SLEEP_STS_PORT, sleep_pio, NULL);
    if (!err)
        err = vm_io_register_pio(vm, GUEST_RESET_PORT, GUEST_RESET_PORT, reset_pio, NULL);
    if (!err)
        err = vm_io_register_pio(vm, GUEST_PM1A_CNT_PORT, GUEST_PM1A_CNT_PORT + PM1_CNT_LEN - 1,
                                 pm1_cnt_pio, d);
    if (!err)
        err = vm_io_register_pio(vm, GUEST_PM1A_EVT_PORT, GUEST_PM1A_EVT_PORT + PM1_EVT_LEN - 1,
                                 pm1_evt_pio, d);
    return err;
}

const struct vm_device dev_acpi_pm = {"acpi-pm", sizeof(struct acpi_pm_dev), attach};
