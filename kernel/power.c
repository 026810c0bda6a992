/*
 * Power-off through ACPI S5 (ACPI 6.5, 7.4.2 and 4.8.3.2.1 PM1 control),
 * reboot through the FADT reset register, then the classic fallbacks.
 */
#include "kernel/power.h"
#include "kernel/errno.h"
#include "kernel/log.h"
#include "kernel/smp.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"
#include "drivers/acpi.h"

#define PM1_SLP_EN (1U << 13)
#define PM1_SLP_TYP_SHIFT 10
#define KBC_CMD 0x64
#define KBC_RESET 0xFE
#define PCI_RESET_CF9 0xCF9

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

static void pm1_sleep(uint32_t port, uint8_t typ)
{
    uint16_t v = inw((uint16_t)port);

    v &= ~(uint16_t)(7U << PM1_SLP_TYP_SHIFT);
    outw((uint16_t)port, v | (uint16_t)(typ << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
}

void power_off(void)
{
    const struct acpi_info *ai = acpi_get();

    smp_stop_others();
    irq_disable();
    power_run_cpu_stop_hooks();
    if (ai && ai->have_fadt && ai->pm1a_cnt) {
        uint8_t a = ai->have_s5 ? ai->s5_typ_a : 0;
        if (ai->pm1b_cnt)
            pm1_sleep(ai->pm1b_cnt, ai->have_s5 ? ai->s5_typ_b : 0);
        pm1_sleep(ai->pm1a_cnt, a);
        mdelay(100);
    }
    pr_err("power: ACPI S5 did not power off; halting");
    for (;;)
        halt();
}

static void acpi_reset(const struct acpi_info *ai)
{
    if (!ai || !ai->reset_supported)
        return;
    if (ai->reset_reg.space_id == 1)
        outb((uint16_t)ai->reset_reg.address, ai->reset_value);
    mdelay(50);
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
    acpi_reset(acpi_get());
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
