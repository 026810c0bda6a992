/* The serial-console shell (prompt "hv> "). */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include "kernel/compiler.h"

#define SHELL_PROMPT "hv> "

void shell_run(void) __noreturn;
/* Output for command handlers: goes straight to the console. */
void shell_printf(const char *fmt, ...) __printf(1, 2);
/* Parses and runs one command line; returns the command's result (0 = ok). */
int shell_execute(char *line);

#endif
