/*
 * Guest CPUID, shared by the vmx backend's CPUID exit and the tdx
 * backend's TDG.VP.VMCALL<Instruction.CPUID>: no VMX/SMX, no x2APIC or
 * TSC deadline (no model), no PMU, SGX or PT, the vCPU's APIC id, and the
 * hypervisor leaves 0x40000000-0x40000001 (docs/guest-abi.md).
 */
#include "vmm/vm_cpuid.h"
#include "vmm/vm.h"
#include "kernel/x86/cpu.h"

#define HV_CPUID_BASE 0x40000000
#define HV_CPUID_MAX 0x40000001
#define HV_ABI_VERSION 1

static void cpuid_leaf1(struct vcpu *v, struct cpuid_regs *r)
{
    r->ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_SMX | CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE |
                (1U << 3) /* MONITOR */ | (1U << 17) /* PCID */);
    r->ecx |= CPUID1_ECX_HYPERVISOR;
    r->ebx = (r->ebx & 0x00ffffff) | (v->id << 24);
}

static void cpuid_filter(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
    switch (leaf) {
    case 1:
        cpuid_leaf1(v, r);
        break;
    case 7:
        r->ebx &= ~((1U << 2) /* SGX */ | (1U << 25) /* PT */);
        r->ecx &= ~((1U << 5) /* WAITPKG */ | (1U << 30) /* SGX_LC */);
        break;
    case 0xA:  /* no virtual PMU */
    case 0x12: /* no SGX */
        *r = (struct cpuid_regs){0, 0, 0, 0};
        break;
    case 0xB:
    case 0x1F:
        r->edx = v->id;
        break;
    case HV_CPUID_BASE: /* "HVMICROVISOR" */
        *r = (struct cpuid_regs){HV_CPUID_MAX, 0x494d5648, 0x564f5243, 0x524f5349};
        break;
    case HV_CPUID_MAX:
        *r = (struct cpuid_regs){HV_ABI_VERSION, 0, 0, 0};
        break;
    }
}

void vm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){0, 0, 0, 0};
    if (leaf < HV_CPUID_BASE || leaf > HV_CPUID_BASE + 0xffff)
        cpuid(leaf, sub, r);
    cpuid_filter(v, leaf, r);
}
