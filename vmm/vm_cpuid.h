/* CPUID as every guest sees it, whatever its backend (vmm/vm_cpuid.c). */
#ifndef VMM_VM_CPUID_H
#define VMM_VM_CPUID_H

#include "kernel/compiler.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"

struct vcpu;

/* The host's leaf with what guests must not see removed, and the hypervisor's own leaves. */
void vm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

#endif
