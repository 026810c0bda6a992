/* SPDX-License-Identifier: MIT */
/* Constants shared by boot.S and the C runtime. */
#ifndef CONF_ASM_DEFS_H
#define CONF_ASM_DEFS_H

#define STACK_SIZE 0x4000 /* per stack; stacks are STACK_SIZE aligned */
#define MAX_CPUS 8
#define TRAMP_BASE 0x70000 /* AP real-mode trampoline (SIPI vector 0x70) */

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS32 0x1b
#define USER_DS 0x23
#define USER_CS 0x2b
#define KERNEL_CS32 0x30
#define KERNEL_CS16 0x38
#define KERNEL_DS16 0x40
#define SPARE_SEL 0x48 /* a GDT slot left zero for tests */
#define TSS_SEL(cpu) (0x50 + 16 * (cpu))

#define USER_EXIT_VECTOR 0x80

#endif
