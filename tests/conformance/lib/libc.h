/* SPDX-License-Identifier: MIT */
/* Freestanding C library subset: strings, printf to COM1, spinlocks. */
#ifndef CONF_LIBC_H
#define CONF_LIBC_H

#include <stdarg.h>
#include "x86.h"

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy_z(char *d, const char *s, size_t size); /* always NUL-terminates */
/* parses decimal, 0x hex or 0 octal; *end (if given) is set past the digits */
unsigned long strtoul(const char *s, const char **end, int base);

/* %d %i %u %x %X %p %s %c %%, flags 0 - #, width, h/l/ll/z length modifiers */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* printf writes whole lines atomically with respect to other CPUs */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void puts(const char *s); /* no newline added */

void serial_init(void);

struct spinlock {
    volatile int v;
};
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* atomics */
static inline int atomic_inc(volatile int *p)
{
    return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}
static inline int atomic_read(volatile int *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/* ends the guest: status 0 = all passed, 1 = failure (port 0xF4, 32-bit out) */
void __attribute__((noreturn)) exit(int status);

#endif
