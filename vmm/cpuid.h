/* SPDX-License-Identifier: MIT */
/* The guest's CPUID, shared by every backend (vmm/cpuid.c). */
#ifndef VMM_CPUID_H
#define VMM_CPUID_H

#include "lib/compiler.h"
#include "kernel/x86/cpu.h"

struct vcpu;
struct vm;

/*
 * A VM's CPUID answers as far as they depend on the VM alone (vm_cpuid_init
 * fills it): the basic leaves up to 16H that ignore the subleaf and leaf
 * 07H.0, 80000000H-80000008H, hv's and the KVM signature leaves. vm_cpuid
 * adds the vCPU's own bits to them; other leaves are computed each time.
 */
#define VM_CPUID_CACHE_BASIC 0x17
#define VM_CPUID_CACHE_EXT 9
struct vm_cpuid_cache {
    struct cpuid_regs basic[VM_CPUID_CACHE_BASIC]; /* unused for the subleaf-indexed leaves */
    struct cpuid_regs ext[VM_CPUID_CACHE_EXT];
    struct cpuid_regs hv[4]; /* 40000000H-40000001H, 40000100H-40000101H */
};

/*
 * Resolves the VM's CPU model (vm->cpu_model) against the host and its
 * backend and board into vm->cpu and vm->xcr0, and puts its vCPUs' virtual
 * MSRs in their power-up state. Once, after the board attached.
 */
void vm_cpuid_init(struct vm *vm);

/* guest_cr4: the guest's CR4, which the OSXSAVE and OSPKE bits mirror. Cached leaves: no CPUID. */
void vm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t guest_cr4,
              struct cpuid_regs *r);

/*
 * The basic leaves (bit n: leaf n) whose cached answer is all of vm_cpuid's
 * answer for v as it is now: nothing of the vCPU is added to them. The
 * cached extended leaves never depend on the vCPU.
 */
uint32_t vm_cpuid_final_mask(const struct vcpu *v);

/* vm_cpuid's answer without computing anything, given the mask above; NULL if not that simple. */
static inline const struct cpuid_regs *vm_cpuid_final(const struct vm_cpuid_cache *c,
                                                      uint32_t final_mask, uint32_t leaf)
{
    if (leaf < 32)
        return final_mask >> leaf & 1 ? &c->basic[leaf] : NULL;
    if (leaf - 0x80000000u < VM_CPUID_CACHE_EXT)
        return &c->ext[leaf - 0x80000000u];
    return NULL;
}

#endif
