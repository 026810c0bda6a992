/* SPDX-License-Identifier: MIT */
/* The serial-console shell (prompt "hv> "). */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include "lib/compiler.h"

#define SHELL_PROMPT "hv> "

struct shell_cmd {
    const char *name;
    const char *usage;   /* arguments, for `help <cmd>` */
    const char *help;    /* one line for `help` */
    const char *details; /* more lines for `help <cmd>`, or NULL */
    int (*fn)(int argc, char **argv);
};

/* Adds a NULL-terminated table of commands (e.g. the VM commands of vmm/). */
int shell_register(const struct shell_cmd *table);
/* Reports a bad argument in one line and returns -EINVAL. */
int shell_usage(const struct shell_cmd *c);

void shell_run(void) __noreturn;
/* Output for command handlers: goes straight to the console. */
void shell_printf(const char *fmt, ...) __printf(1, 2);
/* Parses and runs one command line; returns the command's result (0 = ok). */
int shell_execute(char *line);

#endif
