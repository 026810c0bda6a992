/* SPDX-License-Identifier: MIT */
/* Putting a parsed guest image into a VM's memory and choosing its start state. */
#ifndef VMM_LOADER_LOAD_H
#define VMM_LOADER_LOAD_H

#include "vmm/loader/image.h"
#include "vmm/vm_ops.h"

struct vm;

/* A boot module handed to the guest (multiboot1 modules). */
struct guest_module {
    const void *data;
    size_t len;
    const char *string;
};

/* What the guest's loader passes on besides the image. */
struct guest_boot {
    const char *cmdline; /* multiboot1 command line */
    const struct guest_module *mods;
    unsigned nmods;
};

/*
 * Copies the image's segments into vm's memory, builds whatever the start
 * mode needs (identity page tables for long mode, a multiboot1 info block)
 * and fills start. Returns 0, or a negative error with *err set.
 */
int guest_load(struct vm *vm, const void *img, size_t len, const struct image_plan *plan,
               const struct guest_boot *boot, struct vcpu_start *start, const char **err);

#endif
