/* SPDX-License-Identifier: MIT */
/* Putting a parsed guest image into a VM's memory and choosing its start state. */
#ifndef VMM_LOADER_LOAD_H
#define VMM_LOADER_LOAD_H

#include "vmm/loader/image.h"
#include "vmm/vm_ops.h"

struct vm;

/*
 * Copies the image's segments into vm's memory, builds whatever the start
 * mode needs (identity page tables for long mode, a multiboot1 info block)
 * and fills start. Returns 0, or a negative error with *err set.
 */
int guest_load(struct vm *vm, const void *img, size_t len, const struct image_plan *plan,
               const char *cmdline, struct vcpu_start *start, const char **err);

#endif
