/*
 * The serial console: output under one lock so lines never interleave,
 * input through a ring buffer filled by the UART interrupt (or by polling
 * when no interrupt route exists).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/compiler.h"

/* Selects the UART from the command line (console=ttyS1, console=uart,io,0x2f8[,baud]). */
int console_init(const char *cmdline_value);
/* Writes s (LF becomes CRLF) atomically with respect to other writers. */
void console_write(const char *s, size_t n);
/* Same, without the lock: only for panic output. */
void console_write_raw(const char *s, size_t n);
void console_panic_mode(void);
/* Routes the UART's receive interrupt; falls back to polling on failure. */
void console_enable_irq(void);
/* Next input byte; waits (halting the CPU when interrupt-driven). */
int console_getc(void);
/* Next input byte or -1 at once. */
int console_trygetc(void);
uint16_t console_port(void);
unsigned console_irq(void);

#endif
