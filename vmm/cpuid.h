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

#endif
