/* SPDX-License-Identifier: MIT */
/*
 * Debug-exit port like QEMU's isa-debug-exit: a guest write of value v to
 * DEBUG_EXIT_PORT ends the VM with exit code v. Lets test guests finish
 * with a result.
 */
#ifndef VMM_DEV_DEBUG_EXIT_H
#define VMM_DEV_DEBUG_EXIT_H

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_PORT_SIZE 4

#endif
