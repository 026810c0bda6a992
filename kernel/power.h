/* Reboot and power-off of the whole machine. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include "kernel/compiler.h"

/* Hooks run on every CPU before the machine goes down (e.g. VMXOFF). */
typedef void (*shutdown_hook_t)(void);
int power_add_shutdown_hook(shutdown_hook_t h);

void power_off(void) __noreturn;
void power_reboot(void) __noreturn;

#endif
