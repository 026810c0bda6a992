/* SPDX-License-Identifier: MIT */
/*
 * The serial console: output under one lock so lines never interleave,
 * input through a ring buffer filled by the UART interrupt (or by polling
 * when no interrupt route exists).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "lib/compiler.h"

/* The character device under the console: the driver registers it (drivers/serial_console.c). */
struct console_dev {
    void (*putc)(char c);
    int (*getc)(void); /* the next byte, or -1 at once */
};
void console_set_device(const struct console_dev *d);
/* From the device's receive interrupt: one input byte. */
void console_rx_push(int c);
/* The device's interrupt now fills the ring: readers halt instead of polling. */
void console_set_irq_driven(void);
/* Writes s (LF becomes CRLF) atomically with respect to other writers: the shell's own output. */
void console_write(const char *s, size_t n);
/*
 * Output nobody at the prompt asked for (log lines, guest lines): printed
 * above the shell's half-typed line, which is redrawn after it. While a VM
 * console is attached it is held back (up to 16 KiB) and shown on detach.
 */
void console_write_async(const char *s, size_t n);

/* Set by the shell: hide erases the input line, show redraws it (both called under the console lock). */
void console_set_prompt_hooks(void (*hide)(void), void (*show)(void));
/* Whether the prompt and an input line are on screen now (the second with console_lock held). */
void console_prompt_visible(bool on);
void console_prompt_visible_locked(bool on);
/* Holds the console lock so the shell can edit and echo a line as one step. */
uint64_t console_lock(void);
void console_unlock(uint64_t flags);
/* Attach mode: async output is held back; on leaving it, what was held is printed. */
void console_set_attached(bool on);
/* Same, without the lock: only for panic output. */
void console_write_raw(const char *s, size_t n);
void console_panic_mode(void);
/* Next input byte; waits (halting the CPU when interrupt-driven). */
int console_getc(void);
/* Next input byte or -1 at once. */
int console_trygetc(void);

#endif
