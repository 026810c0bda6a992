/* SPDX-License-Identifier: MIT */
/*
 * Power-off through ACPI S5 (ACPI 6.5, 7.4.2 and 4.8.3.2.1 PM1 control) and
 * reset through the FADT reset register (ACPI 6.5, 4.8.3.6), handed to the
 * kernel's power code (kernel/power.h), which adds the classic fallbacks.
 */
#include "drivers/acpi.h"
#include "kernel/power.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"

#define PM1_SLP_EN (1U << 13)
#define PM1_SLP_TYP_SHIFT 10
#define GAS_SYSTEM_IO 1

static void pm1_sleep(uint32_t port, uint8_t typ)
{
    uint16_t v = inw((uint16_t)port);

    v &= ~(uint16_t)(7U << PM1_SLP_TYP_SHIFT);
    outw((uint16_t)port, v | (uint16_t)(typ << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
}

static void acpi_off(void)
{
    const struct acpi_info *ai = acpi_get();

    if (!ai || !ai->have_fadt || !ai->pm1a_cnt)
        return;
    if (ai->pm1b_cnt)
        pm1_sleep(ai->pm1b_cnt, ai->have_s5 ? ai->s5_typ_b : 0);
    pm1_sleep(ai->pm1a_cnt, ai->have_s5 ? ai->s5_typ_a : 0);
    mdelay(100);
}

static void acpi_reset(void)
{
    const struct acpi_info *ai = acpi_get();

    if (!ai || !ai->reset_supported)
        return;
    if (ai->reset_reg.space_id == GAS_SYSTEM_IO)
        outb((uint16_t)ai->reset_reg.address, ai->reset_value);
    mdelay(50);
}

static const struct power_platform acpi_power = {acpi_off, acpi_reset};

void acpi_power_init(void)
{
    power_set_platform(&acpi_power);
}
