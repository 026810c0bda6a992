/* SPDX-License-Identifier: MIT */
/*
 * Byte ring that keeps the newest bytes: a VM's console history. Pure code;
 * the caller locks.
 */
#ifndef LIB_RING_H
#define LIB_RING_H

#include "lib/compiler.h"

struct ring {
    char *buf;
    size_t size;    /* capacity in bytes */
    size_t head;    /* next write position */
    uint64_t total; /* bytes ever written */
};

void ring_init(struct ring *r, char *buf, size_t size);
void ring_put(struct ring *r, const char *s, size_t n);
/* Bytes currently held (min(total, size)). */
size_t ring_used(const struct ring *r);
/*
 * Copies up to len held bytes starting at offset off (0 = oldest held)
 * into dst; returns the count copied.
 */
size_t ring_read(const struct ring *r, size_t off, char *dst, size_t len);

#endif
