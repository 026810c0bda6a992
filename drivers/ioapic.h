/* SPDX-License-Identifier: MIT */
/* I/O APICs (82093AA datasheet; routing per the MADT, ACPI 6.5 5.2.12.5). */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include "lib/compiler.h"

struct acpi_info;

/* Maps every IOAPIC in the MADT and masks all their inputs. */
int ioapic_init(const struct acpi_info *ai);
/* Routes ISA IRQ irq (through any interrupt source override) to vector on CPU dest_apic. */
int ioapic_route_isa_irq(unsigned irq, uint8_t vector, uint32_t dest_apic);
unsigned ioapic_count(void);

#endif
