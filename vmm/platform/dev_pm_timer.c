/* SPDX-License-Identifier: MIT */
/*
 * The ACPI PM timer (device "pm-timer", vmm/dev/pm_timer.h) at ports
 * 0x608-0x60B: 32 bits at 3.579545 MHz from the host TSC, counting from 0
 * when the VM is created. Only a 4-byte read at 0x608 is the timer's;
 * other reads are answered as an unclaimed port, and writes are ignored.
 */
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/dev/pm_timer.h"
#include "vmm/vm.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"

static void pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write, uint32_t *val)
{
    const struct pm_timer *t = ctx;

    if (!write && !pm_timer_read(t, port - GUEST_PM_TMR_PORT, size, rdtsc(), val))
        vm_pio_unclaimed(v, size, true, val);
}

static int attach(struct vm *vm, void *state)
{
    struct pm_timer *t = state;

    *t = (struct pm_timer){.tsc_base = rdtsc(), .tsc_khz = tsc_khz()};
    return vm_io_register_pio(vm, GUEST_PM_TMR_PORT, GUEST_PM_TMR_PORT + PM_TIMER_LEN - 1, pio, t);
}

const struct vm_device dev_pm_timer = {"pm-timer", sizeof(struct pm_timer), attach};
