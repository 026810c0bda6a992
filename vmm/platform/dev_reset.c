/* SPDX-License-Identifier: MIT */
/*
 * The PC's reset ports (device "reset", vmm/dev/reset_ctl.h): port 0x92
 * (fast reset, A20) and 0xCF9 (reset control). A reset ends the VM as the
 * ACPI reset register does: "reset itself (<which>)".
 */
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/dev/reset_ctl.h"
#include "vmm/vm.h"
#include "kernel/spinlock.h"

struct reset_dev {
    spinlock_t lock;
    struct reset_ctl ctl;
};

static void pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write, uint32_t *val)
{
    struct reset_dev *d = ctx;
    uint64_t f = spin_lock_irqsave(&d->lock);
    enum reset_kind k = RESET_NONE;

    if (write)
        k = reset_ctl_write(&d->ctl, port, (uint8_t)*val);
    else
        *val = reset_ctl_read(&d->ctl, port);
    spin_unlock_irqrestore(&d->lock, f);
    if (k != RESET_NONE)
        vm_power_off(v->vm, reset_kind_why(k));
}

static int attach(struct vm *vm, void *state)
{
    _Static_assert(GUEST_PORT92 == PORT92 && GUEST_RST_CNT_PORT == RST_CNT_PORT, "one port map");
    _Static_assert(GUEST_RST_CNT_RESET == RST_CNT_HARD_RESET, "the FADT's value resets");
    struct reset_dev *d = state;
    int err;

    d->lock = (spinlock_t)SPINLOCK_INIT;
    reset_ctl_init(&d->ctl);
    err = vm_io_register_pio(vm, PORT92, PORT92, pio, d);
    return err ? err : vm_io_register_pio(vm, RST_CNT_PORT, RST_CNT_PORT, pio, d);
}

const struct vm_device dev_reset = {"reset", sizeof(struct reset_dev), attach};
