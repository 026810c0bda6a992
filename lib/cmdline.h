/* SPDX-License-Identifier: MIT */
/*
 * Kernel command line: space-separated words, "key=value" or a bare "flag".
 * Values may be double-quoted to contain spaces. Pure code.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include "lib/compiler.h"

/*
 * Finds the last occurrence of key in cmdline (later words override earlier
 * ones). Copies its value (empty for a bare flag) into buf; returns true if
 * found. A value longer than len-1 is truncated.
 */
bool cmdline_find(const char *cmdline, const char *key, char *buf, size_t len);

/* Keys the kernel knows; anything else gets a warning at boot. */
bool cmdline_key_known(const char *key, size_t keylen);
/* Calls warn(key) for each word whose key is not known. Returns the number found. */
int cmdline_check(const char *cmdline, void (*warn)(const char *word, size_t len));

#endif
