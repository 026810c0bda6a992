/* SPDX-License-Identifier: MIT */
/* How every loader refuses an image: one reason for the user, one error code. */
#ifndef VMM_LOADER_FAIL_H
#define VMM_LOADER_FAIL_H

/* Sets *err to msg (a static string the caller prints once) and returns ret (< 0). */
static inline int loader_fail(const char **err, const char *msg, int ret)
{
    *err = msg;
    return ret;
}

#endif
