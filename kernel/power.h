/* SPDX-License-Identifier: MIT */
/* Reboot and power-off of the whole machine. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include "lib/compiler.h"

/*
 * Hooks each CPU runs on itself when it stops for good: power-off, reboot,
 * panic, or the NMI that stops the other CPUs (e.g. VMXOFF). They must be
 * safe in NMI context: no locks, no allocation.
 */
typedef void (*cpu_stop_hook_t)(void);
int power_add_cpu_stop_hook(cpu_stop_hook_t h);
void power_run_cpu_stop_hooks(void);

/* How the machine is switched off or reset (ACPI S5 / reset register); either may return. */
struct power_platform {
    void (*off)(void);
    void (*reset)(void);
};
void power_set_platform(const struct power_platform *p);

void power_off(void) __noreturn;
void power_reboot(void) __noreturn;

#endif
