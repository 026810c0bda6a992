/* SPDX-License-Identifier: MIT */
/* The guest's CPUID, shared by every backend (vmm/cpuid.c). */
#ifndef VMM_CPUID_H
#define VMM_CPUID_H

#include "lib/compiler.h"
#include "kernel/x86/cpu.h"

struct vcpu;
struct vm;

/*
 * Resolves the VM's CPU model (vm->cpu_model) against the host and its
 * backend and board into vm->cpu and vm->xcr0, and puts its vCPUs' virtual
 * MSRs in their power-up state. Once, after the board attached.
 */
void vm_cpuid_init(struct vm *vm);

/* guest_cr4: the guest's CR4, which the OSXSAVE and OSPKE bits mirror. */
void vm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t guest_cr4,
              struct cpuid_regs *r);

#endif
