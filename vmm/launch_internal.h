/* SPDX-License-Identifier: MIT */
/* Shared by the launch paths (vmm/launch.c, vmm/launch_linux.c). */
#ifndef VMM_LAUNCH_INTERNAL_H
#define VMM_LAUNCH_INTERNAL_H

#include "vmm/launch.h"
#include "vmm/vm_ops.h"

struct boot_module;

const struct boot_module *launch_find_module(const char *name);
/* The module string's words after the name ("" if none; m may be NULL). */
const char *launch_module_args(const struct boot_module *m);
int launch_linux(const struct launch_req *r, const struct boot_module *m, const struct vm_ops *ops,
                 struct vm **out, const char **err);

#endif
