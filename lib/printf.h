/* SPDX-License-Identifier: MIT */
/* Freestanding formatted output (subset of C99 printf). */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>
#include "lib/compiler.h"

/* Supports %d %i %u %x %X %o %p %s %c %% with flags "-0 +#", width, precision, h/hh/l/ll/z. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
