/* SPDX-License-Identifier: MIT */
/* The console's device: a 16550 on a COM port or any I/O port. */
#ifndef DRIVERS_SERIAL_CONSOLE_H
#define DRIVERS_SERIAL_CONSOLE_H

#include "lib/compiler.h"

/*
 * Selects the UART (NULL: COM1; console=ttyS1, console=uart,io,0x2f8[,baud])
 * and makes it the console's device. A bad value keeps COM1 and returns a
 * negative error for the caller to report once the console works.
 */
int serial_console_init(const char *cmdline_value);
/* Routes the UART's receive interrupt; the console polls if that fails. */
void serial_console_enable_irq(void);

#endif
