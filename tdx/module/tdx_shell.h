/* SPDX-License-Identifier: MIT */
/* Registers the shell's tdx command. */
#ifndef TDX_MODULE_TDX_SHELL_H
#define TDX_MODULE_TDX_SHELL_H

void tdx_shell_init(void);

#endif
