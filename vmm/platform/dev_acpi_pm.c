/* SPDX-License-Identifier: MIT */
/*
 * The ACPI power ports of a hardware-reduced platform (device "acpi-pm";
 * vmm/platform/guest_platform.h, docs/linux-guest.md): the sleep control
 * and status registers at 0x600-0x601, where SLP_EN with SLP_TYP 5 (S5)
 * powers the VM off, and the reset register at 0x602. The FADT that
 * acpi_gen.c writes names exactly these.
 */
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/vm.h"

static void sleep_control(struct vcpu *v, uint8_t val)
{
    unsigned typ = (val >> GUEST_SLP_TYP_SHIFT) & 7;

    if (!(val & GUEST_SLP_EN))
        return;
    if (typ == GUEST_S5_SLP_TYP)
        vm_power_off(v->vm, "powered off (ACPI S5)");
    else
        vm_stop(v->vm, "asked for ACPI sleep type %u, which is not supported", typ);
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

static int attach(struct vm *vm, void *state)
{
    _Static_assert(GUEST_SLEEP_STS_PORT == GUEST_SLEEP_CTL_PORT + 1, "one sleep range");
    int err = vm_io_register_pio(vm, GUEST_SLEEP_CTL_PORT, GUEST_SLEEP_STS_PORT, sleep_pio, NULL);

    return err ? err : vm_io_register_pio(vm, GUEST_RESET_PORT, GUEST_RESET_PORT, reset_pio, NULL);
}

const struct vm_device dev_acpi_pm = {"acpi-pm", 0, attach};
