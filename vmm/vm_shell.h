/* SPDX-License-Identifier: MIT */
/* Registers the VM commands with the shell. */
#ifndef VMM_VM_SHELL_H
#define VMM_VM_SHELL_H

void vm_shell_init(void);

#endif
