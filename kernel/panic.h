/* SPDX-License-Identifier: MIT */
/* Fatal errors of the hypervisor itself (never for guest or user input). */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "lib/compiler.h"

struct irq_frame;

void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
void panic_exception(struct irq_frame *f) __noreturn;
bool panic_in_progress(void);
void panic_stop_this_cpu(void) __noreturn;
/* What to do after the dump: halt (default), reboot or power off (tests). */
void panic_set_action(const char *action);

#define BUG_ON(c)                                              \
    do {                                                       \
        if (unlikely(c))                                       \
            panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); \
    } while (0)

#endif
