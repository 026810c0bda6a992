/* SPDX-License-Identifier: MIT */
/* String and memory functions: the kernel's own, or libc's in host tests. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

#ifdef HOST_TEST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/* Bounded copy that always terminates dst (when n > 0); returns strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t n);

#endif
