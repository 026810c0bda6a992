/* SPDX-License-Identifier: MIT */
/* The multiboot1 info block and modules a multiboot1 kernel starts with. */
#ifndef VMM_LOADER_MB1_INFO_H
#define VMM_LOADER_MB1_INFO_H

#include "vmm/loader/image.h"
#include "vmm/vm_ops.h"

struct vm;
struct guest_module;

#define MB1_MAX_MODULES 4

/*
 * Writes the info block (memory map, command line, modules) into vm and
 * the registers that point to it into st. The modules go above the image
 * (p->mem_needed). 0, -ENOSPC when the modules do not fit, -EFAULT.
 */
int mb1_info_build(struct vm *vm, const struct image_plan *p, const char *cmdline,
                   const struct guest_module *mods, unsigned nmods, struct vcpu_start *st);

#endif
