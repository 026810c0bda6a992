/* SPDX-License-Identifier: MIT */
/*
 * What a guest sees in CPUID, for every backend: the host's values masked
 * to the VM's CPU model (vmm/cpu_model.c: only features whose MSRs and
 * instructions work, minus what cpuid= removed), the vCPU's own APIC id
 * and state, and the hypervisor's leaves. Guests with local APICs (the PC board's irqchip)
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
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_hw.h"

#define HV_CPUID_BASE 0x40000000
#define HV_CPUID_MAX 0x40000001
#define HV_ABI_VERSION 1
/*
 * Linux guests (vm->x2apic_start): "KVMKVMKVM\0\0\0" at 0x40000100 with no
 * feature or hint bits (0x40000101 reads 0). Linux scans 0x40000000-0x4000FF00
 * for it (hypervisor_cpuid_base); only a hypervisor it knows makes it keep
 * x2APIC without interrupt remapping (try_to_enable_x2apic: x2apic_available).
 */
#define KVM_CPUID_BASE 0x40000100
#define KVM_CPUID_FEATURES 0x40000101

/* What the host and the VM's backend can give (vmm/cpu_model.h). */
static void cpu_env(struct vm *vm, struct cpu_env *e)
{
    struct cpuid_regs r;

    *e = (struct cpu_env){0};
    cpuid(1, 0, &r);
    e->host.r[FR_1_ECX] = r.ecx;
    e->host.r[FR_1_EDX] = r.edx;
    cpuid(0, 0, &r);
    if (r.eax >= 7) {
        cpuid(7, 0, &r);
        e->host.r[FR_7_EBX] = r.ebx;
        e->host.r[FR_7_ECX] = r.ecx;
        e->host.r[FR_7_EDX] = r.edx;
        if (r.eax >= 1) {
            cpuid(7, 1, &r);
            e->host.r[FR_7_1_EAX] = r.eax;
        }
    }
    cpuid(0xD, 1, &r);
    e->host.r[FR_D_1_EAX] = r.eax;
    cpuid(0x80000000, 0, &r);
    if (r.eax >= 0x80000008) {
        cpuid(0x80000001, 0, &r);
        e->host.r[FR_81_ECX] = r.ecx;
        e->host.r[FR_81_EDX] = r.edx;
        cpuid(0x80000007, 0, &r);
        e->host.r[FR_87_EDX] = r.edx;
        cpuid(0x80000008, 0, &r);
        e->host.r[FR_88_EBX] = r.ebx;
    }
    e->lapic = vm->irqchip->lapic;
    /* TDs: the TDX module decides what their instructions do; only vmx VMs need the controls. */
    e->rdtscp_ctl = e->invpcid_ctl = e->xsaves_ctl = true;
    if (vm->ops == &vmx_vm_ops) {
        e->rdtscp_ctl = vmx_caps.proc2.may1 & PROC2_RDTSCP;
        e->invpcid_ctl = vmx_caps.proc2.may1 & PROC2_INVPCID;
        e->xsaves_ctl = vmx_caps.proc2.may1 & PROC2_XSAVES;
    }
}

/* The local APIC is globally disabled (IA32_APIC_BASE.EN = 0): CPUID.1:EDX.APIC reads 0 (SDM 11.4.3). */
static bool apic_enabled(struct vcpu *v)
{
    const struct irqchip_ops *c = v->vm->irqchip;

    return !c->apic_enabled || c->apic_enabled(v->vm->irqchip_ctx, v);
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

/* APIC-ID bits that number the VM's vCPUs: each is a core of its own in one package. */
static unsigned core_shift(const struct vm *vm)
{
    unsigned s = 0;

    while ((1u << s) < vm->nvcpus)
        s++;
    return s;
}

/*
 * The VM's topology, not the host's (SDM CPUID leaves 0BH and 1FH): level 0
 * SMT with one thread per core, level 1 the cores, then the invalid level.
 * Leaf 1 EBX[23:16] and leaf 4 EAX[31:26] (cores per package) follow from
 * the same shift, and the last-level cache is shared by every vCPU.
 */
static void topology_vm(struct vm *vm, uint32_t leaf, struct cpuid_regs *r)
{
    unsigned shift = core_shift(vm);

    if (leaf == 1) {
        r->ebx = (r->ebx & ~0x00ff0000u) | ((1u << shift) << 16);
        r->edx = vm->nvcpus > 1 ? r->edx | CPUID1_EDX_HTT : r->edx & ~CPUID1_EDX_HTT;
    } else if (r->eax & 0x1f) { /* leaf 4 */
        uint32_t share = ((r->eax >> 5) & 7) >= 3 ? (1u << shift) - 1 : 0;
        r->eax = (r->eax & 0x3fff) | (share << 14) | (((1u << shift) - 1) << 26);
    }
}

/* Leaves 0BH and 1FH: EDX is the vCPU's x2APIC id. */
static void topology_vcpu(struct vcpu *v, uint32_t sub, struct cpuid_regs *r)
{
    if (sub == 0)
        *r = (struct cpuid_regs){0, 1, (1u << 8) | sub, v->id};
    else if (sub == 1)
        *r = (struct cpuid_regs){core_shift(v->vm), v->vm->nvcpus, (2u << 8) | sub, v->id};
    else
        *r = (struct cpuid_regs){0, 0, sub & 0xff, v->id};
}

/*
 * What depends only on the VM: the model's mask, the hypervisor bit, the
 * topology's VM-wide fields, the fixed and hv's own leaves. For the leaves
 * vm_cpuid_init caches, computed once there.
 */
static void filter_vm(struct vm *vm, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    cpu_model_filter_leaf(&vm->cpu, vm->xcr0, leaf, sub, r);
    switch (leaf) {
    case 0:
        if (vm->irqchip->lapic && r->eax < 0x16)
            r->eax = 0x16; /* room for the TSC leaves */
        break;
    case 1:
        r->ecx |= CPUID1_ECX_HYPERVISOR;
        topology_vm(vm, leaf, r);
        break;
    case 4:
        topology_vm(vm, leaf, r);
        break;
    case 6: /* no APERF/MPERF, HWP or turbo MSRs behind these bits */
        *r = (struct cpuid_regs){CPUID6_EAX_ARAT, 0, 0, 0};
        break;
    case 0xA: /* no virtual PMU */
        *r = (struct cpuid_regs){0, 0, 0, 0};
        break;
    case 0x15:
    case 0x16:
        if (vm->irqchip->lapic)
            tsc_leaves(leaf, r);
        break;
    case HV_CPUID_BASE: /* "HVMICROVISOR" */
        *r = (struct cpuid_regs){HV_CPUID_MAX, 0x494d5648, 0x564f5243, 0x524f5349};
        break;
    case HV_CPUID_MAX:
        *r = (struct cpuid_regs){HV_ABI_VERSION, 0, 0, 0};
        break;
    case KVM_CPUID_BASE: /* "KVMKVMKVM\0\0\0" */
        if (vm->x2apic_start && vm->irqchip->lapic)
            *r = (struct cpuid_regs){KVM_CPUID_FEATURES, 0x4b4d564b, 0x564b4d56, 0x0000004d};
        break;
    }
}

/* The host's leaf, or nothing for hv's own range; then what the VM shows of it. */
static void leaf_vm(struct vm *vm, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){0, 0, 0, 0};
    if (leaf < HV_CPUID_BASE || leaf > HV_CPUID_BASE + 0xffff)
        cpuid(leaf, sub, r);
    filter_vm(vm, leaf, sub, r);
}

/*
 * The bits that follow the vCPU: its APIC id and state, OSXSAVE and OSPKE
 * mirroring its CR4 (SDM CPUID leaf 01H, 07H), IA32_MISC_ENABLE's limit,
 * the per-vCPU topology leaves. Disjoint from what filter_vm sets.
 */
static void filter_vcpu(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t cr4,
                        struct cpuid_regs *r)
{
    switch (leaf) {
    case 0:
        /* IA32_MISC_ENABLE.LIMIT_CPUID_MAXVAL (SDM Vol. 4 table 2-2) */
        if ((v->msrs.misc_enable & MISC_ENABLE_LIMIT_CPUID) && r->eax > 2)
            r->eax = 2;
        break;
    case 1:
        if ((cr4 & CR4_OSXSAVE) && cpu_feat(&v->vm->cpu, F_XSAVE))
            r->ecx |= CPUID1_ECX_OSXSAVE;
        if (!apic_enabled(v))
            r->edx &= ~CPUID1_EDX_APIC;
        r->ebx = (r->ebx & 0x00ffffff) | (v->id << 24);
        break;
    case 7:
        if (sub == 0 && (cr4 & CR4_PKE) && cpu_feat(&v->vm->cpu, F_PKU))
            r->ecx |= CPUID7_ECX_OSPKE;
        break;
    case 0xB: /* within the VM's leaf range: the lapic raises it to 0x16 */
    case 0x1F:
        if (leaf == 0xB || r->eax || r->ebx || r->ecx) /* 1FH only if the host has it */
            topology_vcpu(v, sub, r);
        break;
    }
}

/*
 * The cached leaves: those whose answer ignores the subleaf (leaf 7 only
 * for subleaf 0), so one entry per leaf; NULL for the others.
 */
#define CACHED_BASIC                                                                       \
    ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 6) | (1u << 0xA) | \
     (1u << 0x15) | (1u << 0x16))

static struct cpuid_regs *cache_slot(struct vm *vm, uint32_t leaf, uint32_t sub)
{
    struct vm_cpuid_cache *c = &vm->cpuid_cache;

    if (leaf < VM_CPUID_CACHE_BASIC)
        return (CACHED_BASIC >> leaf & 1) || (leaf == 7 && sub == 0) ? &c->basic[leaf] : NULL;
    if (leaf - 0x80000000u < VM_CPUID_CACHE_EXT)
        return &c->ext[leaf - 0x80000000u];
    if (leaf - HV_CPUID_BASE <= HV_CPUID_MAX - HV_CPUID_BASE)
        return &c->hv[leaf - HV_CPUID_BASE];
    if (leaf - KVM_CPUID_BASE <= KVM_CPUID_FEATURES - KVM_CPUID_BASE)
        return &c->hv[2 + leaf - KVM_CPUID_BASE];
    return NULL;
}

/* The leaves filter_vcpu changes; leaf 0 only under MISC_ENABLE's limit. */
#define VCPU_FILTERED ((1u << 1) | (1u << 7) | (1u << 0xB) | (1u << 0x1F))

uint32_t vm_cpuid_final_mask(const struct vcpu *v)
{
    uint32_t m = CACHED_BASIC & ~VCPU_FILTERED;

    return v->msrs.misc_enable & MISC_ENABLE_LIMIT_CPUID ? m & ~1u : m;
}

static void cache_fill(struct vm *vm)
{
    static const uint32_t ranges[][2] = {
        {0, VM_CPUID_CACHE_BASIC - 1},
        {0x80000000u, 0x80000000u + VM_CPUID_CACHE_EXT - 1},
        {HV_CPUID_BASE, HV_CPUID_MAX},
        {KVM_CPUID_BASE, KVM_CPUID_FEATURES},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(ranges); i++)
        for (uint32_t leaf = ranges[i][0]; leaf <= ranges[i][1]; leaf++) {
            struct cpuid_regs *slot = cache_slot(vm, leaf, 0);

            if (slot)
                leaf_vm(vm, leaf, 0, slot);
        }
}

void vm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t guest_cr4, struct cpuid_regs *r)
{
    const struct cpuid_regs *c = cache_slot(v->vm, leaf, sub);

    if (c)
        *r = *c;
    else
        leaf_vm(v->vm, leaf, sub, r);
    filter_vcpu(v, leaf, sub, guest_cr4, r);
}

void vm_cpuid_init(struct vm *vm)
{
    struct cpu_env env;
    struct cpuid_regs r = {0, 0, 0, 0};

    cpu_env(vm, &env);
    cpu_model_resolve(&vm->cpu_model, &env, &vm->cpu);
    if (cpu_feat(&env.host, F_XSAVE))
        cpuid(0xD, 0, &r);
    vm->xcr0 = cpu_model_xcr0(&vm->cpu, ((uint64_t)r.edx << 32) | r.eax);
    for (unsigned i = 0; i < vm->nvcpus; i++)
        vm_msrs_init(&vm->vcpus[i].msrs);
    cache_fill(vm);
}
