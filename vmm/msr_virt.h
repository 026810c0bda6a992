/* SPDX-License-Identifier: MIT */
/*
 * MSRs that are virtual, and the same, for every backend (vmm/msr_virt.c):
 * what a guest may probe but must not reach on the real CPU.
 */
#ifndef VMM_MSR_VIRT_H
#define VMM_MSR_VIRT_H

#include "lib/compiler.h"

/* 0 and *val, or -ENOENT when msr is not one of them. */
int vm_msr_virt_read(uint32_t msr, uint64_t *val);
/* 0 (accepted, no effect), -EPERM (the guest gets #GP), or -ENOENT when not one of them. */
int vm_msr_virt_write(uint32_t msr, uint64_t val);

#endif
