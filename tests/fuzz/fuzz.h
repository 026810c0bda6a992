/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer targets in tests/fuzz/: the entry point, CHECK() and an input reader. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that failed is a crash for libFuzzer: abort() with the reason. */
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

/* The fuzz input, read front to back by fuzz_take(). */
struct fuzz_input {
    const uint8_t *data;
    size_t size, pos;
};

/* The next n (<= 8) bytes, little-endian; past the end they read as zero, so a
 * truncated last operation still runs. */
static inline uint64_t fuzz_take(struct fuzz_input *in, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++, in->pos++) {
        if (in->pos < in->size)
            v |= (uint64_t)in->data[in->pos] << (8 * i);
    }
    return v;
}

#endif
