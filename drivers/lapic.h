/* SPDX-License-Identifier: MIT */
/* Local APIC in xAPIC (MMIO) or x2APIC (MSR) mode (Intel SDM Vol. 3A ch. 11). */
#ifndef DRIVERS_LAPIC_H
#define DRIVERS_LAPIC_H

#include "kernel/apic.h"

/*
 * Chooses the mode on the boot CPU: x2APIC when the firmware left it on,
 * when force is 1, or when an APIC id needs it (max_apic_id > 254);
 * xAPIC when force is 0 and the firmware did not lock us into x2APIC.
 * force < 0 means "decide". Returns 0 or a negative error.
 */
int lapic_init_bsp(uint64_t mmio_phys, int force_x2apic, uint32_t max_apic_id);
/* The rest of the interface, what the kernel core uses, is in kernel/apic.h. */
/* The firmware's x2APIC state on the BSP before we touched it. */
bool lapic_firmware_x2apic(void);

#endif
