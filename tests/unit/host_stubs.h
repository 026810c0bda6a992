/* SPDX-License-Identifier: MIT */
/* Helpers the host stubs give unit tests. */
#ifndef TESTS_UNIT_HOST_STUBS_H
#define TESTS_UNIT_HOST_STUBS_H

#include <stdbool.h>

const char *host_log(void);            /* everything logged since the last clear */
bool host_log_contains(const char *s); /* substring search in the captured log */
void host_log_clear(void);

#endif
