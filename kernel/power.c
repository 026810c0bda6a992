/* SPDX-License-Identifier: MIT */
/*
 * Power-off and reboot: stop the other CPUs, run the stop hooks, ask the
 * platform (ACPI: drivers/acpi_power.c), then the classic reset fallbacks.
 */
#include "kernel/power.h"
#include "lib/errno.h"
#include "kernel/log.h"
#include "kernel/smp.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"

#define KBC_CMD 0x64
#define KBC_RESET 0xFE
#define PCI_RESET_CF9 0xCF9

static const struct power_platform *platform;
static cpu_stop_hook_t hooks[4];
static unsigned nhooks;

int power_add_cpu_stop_hook(cpu_stop_hook_t h)
{
    if (nhooks == ARRAY_SIZE(hooks))
        return -ENOSPC;
    hooks[nhooks++] = h;
    return 0;
}

void power_run_cpu_stop_hooks(void)
{
    for (unsigned i = 0; i < nhooks; i++)
        hooks[i]();
}

void power_set_platform(const struct power_platform *p)
{
    platform = p;
}

void power_off(void)
{
    smp_stop_others();
    irq_disable();
    power_run_cpu_stop_hooks();
    if (platform)
        platform->off();
    pr_err("power: ACPI S5 did not power off; halting");
    for (;;)
        halt();
}

void power_reboot(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed null_idt = {0, 0};

    smp_stop_others();
    irq_disable();
    power_run_cpu_stop_hooks();
    if (platform)
        platform->reset();
    outb(PCI_RESET_CF9, 0x02);
    outb(PCI_RESET_CF9, 0x06);
    mdelay(50);
    outb(KBC_CMD, KBC_RESET);
    mdelay(50);
    /* Last resort: a triple fault resets the CPU. */
    __asm__ volatile("lidt %0; int3" ::"m"(null_idt));
    for (;;)
        halt();
}
