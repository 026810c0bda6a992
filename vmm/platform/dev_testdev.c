/* SPDX-License-Identifier: MIT */
/*
 * The test device (device "testdev", vmm/dev/testdev.h, compatible with
 * QEMU's pc-testdev): a scratch register at ports 0xE0-0xE3 and 0xE8-0xEB,
 * the ignored flush-page port 0xE4-0xE7, and ports 0x2000-0x2017 that set
 * IOAPIC input pins 0-23 through the VM's irqchip. PC board only: the bare
 * board has no IOAPIC.
 */
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/dev/testdev.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "kernel/spinlock.h"

struct testdev_dev {
    spinlock_t lock;
    struct testdev t;
};

static void ports_pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                      uint32_t *val)
{
    struct testdev_dev *d = ctx;
    unsigned off = port - TESTDEV_PORT;
    uint64_t f = spin_lock_irqsave(&d->lock);
    bool mine;

    mine = write ? testdev_write(&d->t, off, size, *val) : testdev_read(&d->t, off, size, val);
    spin_unlock_irqrestore(&d->lock, f);
    if (!mine)
        vm_pio_unclaimed(v, size, !write, val);
}

static void irq_pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                    uint32_t *val)
{
    bool level = false;
    int pin = write ? testdev_irq_write(port - TESTDEV_IRQ_PORT, size, *val, &level) : -1;

    if (pin >= 0)
        vm_irq_line(v->vm, (unsigned)pin, level, v);
    else
        vm_pio_unclaimed(v, size, !write, val);
}

static int attach(struct vm *vm, void *state)
{
    _Static_assert(TESTDEV_IRQ_PINS == GUEST_IOAPIC_PINS, "one port per IOAPIC pin");
    struct testdev_dev *d = state;
    int err;

    d->lock = (spinlock_t)SPINLOCK_INIT;
    err = vm_io_register_pio(vm, TESTDEV_PORT, TESTDEV_PORT + TESTDEV_NR_PORTS - 1, ports_pio, d);
    if (!err)
        err = vm_io_register_pio(vm, TESTDEV_IRQ_PORT, TESTDEV_IRQ_PORT + TESTDEV_IRQ_PINS - 1,
                                 irq_pio, NULL);
    return err;
}

const struct vm_device dev_testdev = {"testdev", sizeof(struct testdev_dev), attach};
