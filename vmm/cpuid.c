/* SPDX-License-Identifier: MIT */
/*
 * What a guest sees in CPUID, for every backend: the host's values with
 * what is not virtualized hidden, the vCPU's own APIC id, and the
 * hypervisor's leaves. Guests with local APICs (the PC board's irqchip)
 * also see the x2APIC and the TSC-deadline timer their local APIC models,
 * and the TSC frequency in leaves 0x15/0x16, since they have no other
 * clock to calibrate against.
 */
#include "vmm/cpuid.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"
#include "kernel/x86/regs.h"

#define HV_CPUID_BASE 0x40000000
#define HV_CPUID_MAX 0x40000001
#define HV_ABI_VERSION 1

static void leaf1(struct vcpu *v, uint64_t cr4, struct cpuid_regs *r)
{
    uint32_t hide =
        CPUID1_ECX_VMX | CPUID1_ECX_SMX | CPUID1_ECX_MONITOR | CPUID1_ECX_PCID | CPUID1_ECX_OSXSAVE;

    if (!v->vm->irqchip->lapic)
        hide |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE;
    r->ecx = (r->ecx & ~hide) | CPUID1_ECX_HYPERVISOR;
    /* OSXSAVE mirrors the guest's CR4, not the host's (SDM CPUID leaf 01H). */
    if (cr4 & CR4_OSXSAVE)
        r->ecx |= CPUID1_ECX_OSXSAVE;
    r->ebx = (r->ebx & 0x00ffffff) | (v->id << 24);
}

static void leaf7(uint64_t cr4, struct cpuid_regs *r)
{
    r->ecx &= ~CPUID7_ECX_OSPKE;
    if (cr4 & CR4_PKE)
        r->ecx |= CPUID7_ECX_OSPKE;
    r->ebx &= ~(CPUID7_EBX_SGX | CPUID7_EBX_PT);
    r->ecx &= ~(CPUID7_ECX_WAITPKG | CPUID7_ECX_SGX_LC | CPUID7_ECX_LA57);
    /* Linux 6.1's memmove trusts FSRM to imply ERMS (linux-guest.md): keep them together. */
    if (!(r->ebx & CPUID7_EBX_ERMS))
        r->edx &= ~CPUID7_EDX_FSRM;
}

/*
 * TSC = crystal x 1/1 (SDM CPUID leaf 15H): the crystal is the TSC, and so
 * the APIC timer's clock. A TSC above 4.29 GHz does not fit ECX: then the
 * crystal is left unknown and guests take the TSC from leaf 16H.
 */
static void tsc_leaves(uint32_t leaf, struct cpuid_regs *r)
{
    uint64_t khz = tsc_khz();

    if (leaf == 0x15)
        *r = (struct cpuid_regs){1, 1, khz * 1000 > 0xffffffffULL ? 0 : (uint32_t)(khz * 1000), 0};
    else
        *r = (struct cpuid_regs){(uint32_t)(khz / 1000), (uint32_t)(khz / 1000), 0, 0};
}

static void filter(struct vcpu *v, uint32_t leaf, uint64_t cr4, struct cpuid_regs *r)
{
    switch (leaf) {
    case 0:
        if (v->vm->irqchip->lapic && r->eax < 0x16)
            r->eax = 0x16; /* room for the TSC leaves */
        break;
    case 1:
        leaf1(v, cr4, r);
        break;
    case 6: /* no APERF/MPERF, HWP or turbo MSRs behind these bits */
        *r = (struct cpuid_regs){CPUID6_EAX_ARAT, 0, 0, 0};
        break;
    case 7:
        leaf7(cr4, r);
        break;
    case 0xA:  /* no virtual PMU */
    case 0x12: /* no SGX */
        *r = (struct cpuid_regs){0, 0, 0, 0};
        break;
    case 0xB:
    case 0x1F:
        r->edx = v->id;
        break;
    case 0x15:
    case 0x16:
        if (v->vm->irqchip->lapic)
            tsc_leaves(leaf, r);
        break;
    case HV_CPUID_BASE: /* "HVMICROVISOR" */
        *r = (struct cpuid_regs){HV_CPUID_MAX, 0x494d5648, 0x564f5243, 0x524f5349};
        break;
    case HV_CPUID_MAX:
        *r = (struct cpuid_regs){HV_ABI_VERSION, 0, 0, 0};
        break;
    }
}

void vm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t guest_cr4, struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){0, 0, 0, 0};
    if (leaf < HV_CPUID_BASE || leaf > HV_CPUID_BASE + 0xffff)
        cpuid(leaf, sub, r);
    filter(v, leaf, guest_cr4, r);
}
