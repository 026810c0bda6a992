/* SPDX-License-Identifier: MIT */
/*
 * Exception fixups: an instruction that may fault by design (SEAMCALL on a
 * machine without TDX, RDMSR of an MSR that may not exist) lists its
 * address and a recovery address in the .extable section. The exception
 * handler then resumes at the recovery address with RAX = the vector
 * instead of panicking.
 */
#ifndef KERNEL_EXTABLE_H
#define KERNEL_EXTABLE_H

#include "lib/compiler.h"

struct extable_entry {
    uint64_t insn;
    uint64_t fixup;
};

/* The recovery address for a faulting RIP, or 0. */
uint64_t extable_find(uint64_t rip);

/* RDMSR that returns -EIO instead of faulting on an MSR the CPU lacks. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
/* WRMSR that returns -EIO instead of taking #GP. */
int wrmsr_safe(uint32_t msr, uint64_t val);

#endif
