/* SPDX-License-Identifier: MIT */
/* Console history ring: pure, unit-tested on the host. */
#include "lib/ring.h"
#include "lib/string.h"

void ring_init(struct ring *r, char *buf, size_t size)
{
    r->buf = buf;
    r->size = size;
    r->head = 0;
    r->total = 0;
}

void ring_put(struct ring *r, const char *s, size_t n)
{
    if (!r->size)
        return;
    if (n > r->size) { /* only the newest size bytes can survive */
        s += n - r->size;
        r->total += n - r->size;
        n = r->size;
    }
    while (n) {
        size_t chunk = MIN(n, r->size - r->head);
        memcpy(r->buf + r->head, s, chunk);
        r->head = (r->head + chunk) % r->size;
        r->total += chunk;
        s += chunk;
        n -= chunk;
    }
}

size_t ring_used(const struct ring *r)
{
    return r->total < r->size ? (size_t)r->total : r->size;
}

size_t ring_read(const struct ring *r, size_t off, char *dst, size_t len)
{
    size_t used = ring_used(r), start, done = 0;

    if (off >= used)
        return 0;
    len = MIN(len, used - off);
    start = (r->head + r->size - used + off) % r->size;
    while (done < len) {
        size_t chunk = MIN(len - done, r->size - start);
        memcpy(dst + done, r->buf + start, chunk);
        done += chunk;
        start = (start + chunk) % r->size;
    }
    return done;
}
