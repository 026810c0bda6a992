/* Local APIC in xAPIC (MMIO) or x2APIC (MSR) mode (Intel SDM Vol. 3A ch. 11). */
#ifndef DRIVERS_LAPIC_H
#define DRIVERS_LAPIC_H

#include "kernel/compiler.h"

/*
 * Chooses the mode on the boot CPU: x2APIC when the firmware left it on,
 * when force is 1, or when an APIC id needs it (max_apic_id > 254);
 * xAPIC when force is 0 and the firmware did not lock us into x2APIC.
 * force < 0 means "decide". Returns 0 or a negative error.
 */
int lapic_init_bsp(uint64_t mmio_phys, int force_x2apic, uint32_t max_apic_id);
/* Puts an AP's local APIC in the same mode and enables it. */
void lapic_init_ap(void);
bool lapic_is_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
/* NMI to one CPU. Never broadcast: CPUs we did not start sit in firmware and would triple-fault. */
void lapic_send_nmi(uint32_t apic_id);
/* The firmware's x2APIC state on the BSP before we touched it. */
bool lapic_firmware_x2apic(void);

#endif
