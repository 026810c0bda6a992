/* SPDX-License-Identifier: MIT */
/* ACPI on the running system: parses the tables once at boot (drivers/acpi_tables.c). */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include "drivers/acpi_tables.h"
#include "kernel/bootinfo.h"

/* ignore: comma-separated table signatures to pretend are absent (acpi.ignore=APIC). */
int acpi_init(const struct boot_info *bi, const char *ignore);
/* The parsed tables, or NULL before acpi_init. */
const struct acpi_info *acpi_get(void);
/* Hands ACPI power-off and reset to kernel/power.c (drivers/acpi_power.c). */
void acpi_power_init(void);

#endif
