/* SPDX-License-Identifier: MIT */
/* Kernel heap: small objects from per-size free lists, large ones as whole pages. */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include "lib/compiler.h"

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Bytes in use by live objects (for leak checks). */
uint64_t heap_bytes_in_use(void);

#endif
