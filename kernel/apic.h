/* SPDX-License-Identifier: MIT */
/*
 * What the kernel core needs from the local APIC: IPIs, INIT/SIPI, EOI, the
 * CPU's id and the mode. The core sees the APIC only through this header;
 * drivers/lapic.c implements it (Intel SDM Vol. 3A ch. 11), as Bao's core
 * sees interrupt controllers only through its *_arch_* hooks.
 */
#ifndef KERNEL_APIC_H
#define KERNEL_APIC_H

#include "lib/compiler.h"

/* Puts an AP's local APIC in the boot CPU's mode and enables it. */
void lapic_init_ap(void);
bool lapic_is_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
/* NMI to one CPU. Never broadcast: CPUs we did not start sit in firmware and would triple-fault. */
void lapic_send_nmi(uint32_t apic_id);

#endif
