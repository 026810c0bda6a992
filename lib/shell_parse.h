/* SPDX-License-Identifier: MIT */
/*
 * Shell command-line parsing: splitting into words (double quotes group,
 * backslash escapes inside quotes), numbers and sizes. Pure code.
 */
#ifndef LIB_SHELL_PARSE_H
#define LIB_SHELL_PARSE_H

#include "lib/compiler.h"

#define SHELL_MAX_ARGS 16

/*
 * Splits line in place into argv (NUL-terminated words); key="a b" stays one
 * word with the quotes removed: key=a b. Returns argc >= 0, or a negative
 * error with *err set to a one-line reason: unterminated quote, too many
 * words.
 */
int shell_split(char *line, char **argv, int max_args, const char **err);

/* Decimal or 0x-hex unsigned integer, whole string, no overflow. 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, uint64_t *out);

/* Size with optional K/M/G/T suffix (case-insensitive, optional trailing B or iB): "256M", "4096", "1G". */
int parse_size(const char *s, uint64_t *out);

/* If arg is "key=value" with the given key, returns value, else NULL. */
const char *arg_value(const char *arg, const char *key);

#endif
