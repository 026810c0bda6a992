/* Registers the shell's tdx command. */
#ifndef TDX_TDX_SHELL_H
#define TDX_TDX_SHELL_H

void tdx_shell_init(void);

#endif
