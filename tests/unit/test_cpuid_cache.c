/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/cpuid.c vmm/cpu_model.c vmm/msr_model.c vmm/msr_virt.c lib/string.c */
/*
 * The per-VM CPUID cache (vm_cpuid_init, vm_cpuid): for several fake host
 * CPUs, cpuid= models, boards and vCPU states, every leaf (basic, hv's and
 * extended, a few subleaves each) answers exactly as hv's CPUID did before
 * the cache: the reference below is that code, verbatim but renamed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vmm/cpuid.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "vmm/msr_virt.h"
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
#define KVM_CPUID_BASE 0x40000100
#define KVM_CPUID_FEATURES 0x40000101

/* The fake machine. */
struct vmx_caps vmx_caps;
const struct vm_ops vmx_vm_ops;
static uint64_t fake_tsc_khz;
static int host_kind; /* 0: values from a hash, 1: every bit set, 2: a small CPU (max leaf 0xD) */
static unsigned cpuid_calls;

uint64_t tsc_khz(void)
{
    return fake_tsc_khz;
}

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Leaves that ignore ECX on real CPUs ignore it here; the others answer per subleaf. */
static bool sub_indexed(uint32_t leaf)
{
    return leaf == 4 || leaf == 7 || leaf == 0xB || leaf == 0xD || leaf == 0xF || leaf == 0x10 ||
           leaf == 0x12 || leaf == 0x14 || leaf == 0x17 || leaf == 0x18 || leaf == 0x1D ||
           leaf == 0x1F || leaf == 0x20;
}

void cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    uint32_t s = sub_indexed(leaf) ? sub : 0,
             seed = mix(leaf * 131u + s * 7u + (uint32_t)host_kind);

    cpuid_calls++;
    if (host_kind == 1) {
        *r = (struct cpuid_regs){~0u, ~0u, ~0u, ~0u};
    } else {
        *r = (struct cpuid_regs){mix(seed), mix(seed + 1), mix(seed + 2), mix(seed + 3)};
        if (leaf == 4 && s >= 3)
            r->eax &= ~0x1fu; /* no more caches */
    }
    if (leaf == 0)
        r->eax = host_kind == 2 ? 0xD : 0x20;
    else if (leaf == 0x80000000)
        r->eax = 0x80000008;
    else if (leaf == 7 && s == 0)
        r->eax = 1;
}

static bool apic_on[VM_MAX_VCPUS];

static bool fake_apic_enabled(void *chip, struct vcpu *v)
{
    (void)chip;
    return apic_on[v->id];
}

static const struct irqchip_ops chip_lapic = {
    .name = "lapic", .lapic = true, .apic_enabled = fake_apic_enabled};
static const struct irqchip_ops chip_pic = {.name = "pic"};

/* The CPUID code before the cache, as the oracle. */
/* The local APIC is globally disabled (IA32_APIC_BASE.EN = 0): CPUID.1:EDX.APIC reads 0 (SDM 11.4.3). */
static bool ref_apic_enabled(struct vcpu *v)
{
    const struct irqchip_ops *c = v->vm->irqchip;

    return !c->apic_enabled || c->apic_enabled(v->vm->irqchip_ctx, v);
}

/* The bits that follow the vCPU's state: OSXSAVE and OSPKE mirror its CR4 (SDM CPUID leaf 01H, 07H). */
static void ref_dynamic_bits(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t cr4,
                             struct cpuid_regs *r)
{
    if (leaf == 1) {
        r->ecx |= CPUID1_ECX_HYPERVISOR;
        if ((cr4 & CR4_OSXSAVE) && cpu_feat(&v->vm->cpu, F_XSAVE))
            r->ecx |= CPUID1_ECX_OSXSAVE;
        if (!ref_apic_enabled(v))
            r->edx &= ~CPUID1_EDX_APIC;
        r->ebx = (r->ebx & 0x00ffffff) | (v->id << 24);
    } else if (leaf == 7 && sub == 0 && (cr4 & CR4_PKE) && cpu_feat(&v->vm->cpu, F_PKU)) {
        r->ecx |= CPUID7_ECX_OSPKE;
    }
}

/*
 * TSC = crystal x 1/1 (SDM CPUID leaf 15H): the crystal is the TSC, and so
 * the APIC timer's clock. A TSC above 4.29 GHz does not fit ECX: then the
 * crystal is left unknown and guests take the TSC from leaf 16H.
 */
static void ref_tsc_leaves(uint32_t leaf, struct cpuid_regs *r)
{
    uint64_t khz = tsc_khz();

    if (leaf == 0x15)
        *r = (struct cpuid_regs){1, 1, khz * 1000 > 0xffffffffULL ? 0 : (uint32_t)(khz * 1000), 0};
    else
        *r = (struct cpuid_regs){(uint32_t)(khz / 1000), (uint32_t)(khz / 1000), 0, 0};
}

/* APIC-ID bits that number the VM's vCPUs: each is a core of its own in one package. */
static unsigned ref_core_shift(const struct vm *vm)
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
static void ref_topology(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    unsigned shift = ref_core_shift(v->vm);

    if (leaf == 1) {
        r->ebx = (r->ebx & ~0x00ff0000u) | ((1u << shift) << 16);
        r->edx = v->vm->nvcpus > 1 ? r->edx | CPUID1_EDX_HTT : r->edx & ~CPUID1_EDX_HTT;
    } else if (leaf == 4) { /* past the last cache (type 0) the host's zeros stay */
        if (r->eax & 0x1f) {
            uint32_t share = ((r->eax >> 5) & 7) >= 3 ? (1u << shift) - 1 : 0;
            r->eax = (r->eax & 0x3fff) | (share << 14) | (((1u << shift) - 1) << 26);
        }
    } else if (sub == 0) {
        *r = (struct cpuid_regs){0, 1, (1u << 8) | sub, v->id};
    } else if (sub == 1) {
        *r = (struct cpuid_regs){shift, v->vm->nvcpus, (2u << 8) | sub, v->id};
    } else {
        *r = (struct cpuid_regs){0, 0, sub & 0xff, v->id};
    }
}

static void ref_filter(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t cr4,
                       struct cpuid_regs *r)
{
    cpu_model_filter_leaf(&v->vm->cpu, v->vm->xcr0, leaf, sub, r);
    ref_dynamic_bits(v, leaf, sub, cr4, r);
    switch (leaf) {
    case 0:
        if (v->vm->irqchip->lapic && r->eax < 0x16)
            r->eax = 0x16; /* room for the TSC leaves */
        /* IA32_MISC_ENABLE.LIMIT_CPUID_MAXVAL (SDM Vol. 4 table 2-2) */
        if ((v->msrs.misc_enable & MISC_ENABLE_LIMIT_CPUID) && r->eax > 2)
            r->eax = 2;
        break;
    case 6: /* no APERF/MPERF, HWP or turbo MSRs behind these bits */
        *r = (struct cpuid_regs){CPUID6_EAX_ARAT, 0, 0, 0};
        break;
    case 0xA: /* no virtual PMU */
        *r = (struct cpuid_regs){0, 0, 0, 0};
        break;
    case 1:
    case 4:
        ref_topology(v, leaf, sub, r);
        break;
    case 0xB: /* within the VM's leaf range: the lapic raises it to 0x16 */
    case 0x1F:
        if (leaf == 0xB || r->eax || r->ebx || r->ecx) /* 1FH only if the host has it */
            ref_topology(v, leaf, sub, r);
        break;
    case 0x15:
    case 0x16:
        if (v->vm->irqchip->lapic)
            ref_tsc_leaves(leaf, r);
        break;
    case HV_CPUID_BASE: /* "HVMICROVISOR" */
        *r = (struct cpuid_regs){HV_CPUID_MAX, 0x494d5648, 0x564f5243, 0x524f5349};
        break;
    case HV_CPUID_MAX:
        *r = (struct cpuid_regs){HV_ABI_VERSION, 0, 0, 0};
        break;
    case KVM_CPUID_BASE: /* "KVMKVMKVM\0\0\0" */
        if (v->vm->x2apic_start && v->vm->irqchip->lapic)
            *r = (struct cpuid_regs){KVM_CPUID_FEATURES, 0x4b4d564b, 0x564b4d56, 0x0000004d};
        break;
    }
}

static void ref_vm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t guest_cr4,
                         struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){0, 0, 0, 0};
    if (leaf < HV_CPUID_BASE || leaf > HV_CPUID_BASE + 0xffff)
        cpuid(leaf, sub, r);
    ref_filter(v, leaf, sub, guest_cr4, r);
}

static struct vm vm;
static unsigned finals;

/* The exit fast path's answer (vm_cpuid_final), where it has one, is vm_cpuid's. */
static void check_final(struct vcpu *v, uint32_t leaf, const struct cpuid_regs *got)
{
    const struct cpuid_regs *fin =
        vm_cpuid_final(&v->vm->cpuid_cache, vm_cpuid_final_mask(v), leaf);

    if (!fin)
        return;
    finals++;
    if (memcmp(fin, got, sizeof(*got)))
        fail_msg("leaf %#x vcpu %u limit %d: final %08x %08x %08x %08x, vm_cpuid %08x %08x %08x "
                 "%08x",
                 leaf, v->id, !!(v->msrs.misc_enable & MISC_ENABLE_LIMIT_CPUID), fin->eax, fin->ebx,
                 fin->ecx, fin->edx, got->eax, got->ebx, got->ecx, got->edx);
}

static void check_vm(void)
{
    static const uint64_t cr4s[] = {0, CR4_OSXSAVE, CR4_PKE, CR4_OSXSAVE | CR4_PKE};
    static const uint32_t bases[] = {0, HV_CPUID_BASE, KVM_CPUID_BASE - 2, 0x80000000};
    static const uint32_t subs[] = {0, 1, 2, 3, 5, 0x80000001};

    for (unsigned b = 0; b < 4; b++)
        for (uint32_t leaf = bases[b]; leaf < bases[b] + 0x24; leaf++)
            for (unsigned s = 0; s < 6; s++)
                for (unsigned c = 0; c < 4; c++)
                    for (unsigned i = 0; i < vm.nvcpus; i++) {
                        struct vcpu *v = &vm.vcpus[i];
                        struct cpuid_regs got, want;

                        for (unsigned lim = 0; lim < 2; lim++) {
                            v->msrs.misc_enable = lim ? MISC_ENABLE_LIMIT_CPUID : 0;
                            apic_on[i] = (i + c + lim) % 3 != 0;
                            vm_cpuid(v, leaf, subs[s], cr4s[c], &got);
                            ref_vm_cpuid(v, leaf, subs[s], cr4s[c], &want);
                            if (memcmp(&got, &want, sizeof(got)))
                                fail_msg("leaf %#x.%#x cr4 %#lx vcpu %u limit %u: got %08x %08x "
                                         "%08x %08x, want %08x %08x %08x %08x",
                                         leaf, subs[s], (unsigned long)cr4s[c], i, lim, got.eax,
                                         got.ebx, got.ecx, got.edx, want.eax, want.ebx, want.ecx,
                                         want.edx);
                            check_final(v, leaf, &got);
                        }
                    }
}

static void test_cache_matches(void **state)
{
    static const char *const specs[] = {"host", "baseline", "-xsave", "-pku,-x2apic",
                                        "baseline:+x2apic:-avx"};
    unsigned checked = 0;

    (void)state;
    for (host_kind = 0; host_kind < 3; host_kind++)
        for (unsigned m = 0; m < ARRAY_SIZE(specs); m++)
            for (unsigned board = 0; board < 3; board++)
                for (unsigned n = 1; n <= 5; n += 2) {
                    const char *err;

                    memset(&vm, 0, sizeof(vm));
                    assert_int_equal(cpu_model_parse(specs[m], &vm.cpu_model, &err), 0);
                    vm.ops = board == 2 ? NULL : &vmx_vm_ops;
                    vm.irqchip = board == 1 ? &chip_pic : &chip_lapic;
                    vm.x2apic_start = board != 0;
                    vm.nvcpus = n;
                    for (unsigned i = 0; i < n; i++) {
                        vm.vcpus[i].vm = &vm;
                        vm.vcpus[i].id = i;
                    }
                    fake_tsc_khz = board == 0 ? 2000000 : 5000000; /* 5 GHz: no crystal in 15H */
                    vm_cpuid_init(&vm);
                    check_vm();
                    checked++;
                }
    assert_int_equal(checked, 3 * ARRAY_SIZE(specs) * 3 * 3);
    assert_true(finals > 0);
}

/* vm: one vCPU, the host model on the first host CPU, vmx, local APICs. */
static void one_vcpu_host_vm(void)
{
    const char *err;

    host_kind = 0;
    memset(&vm, 0, sizeof(vm));
    assert_int_equal(cpu_model_parse("host", &vm.cpu_model, &err), 0);
    vm.ops = &vmx_vm_ops;
    vm.irqchip = &chip_lapic;
    vm.nvcpus = 1;
    vm.vcpus[0].vm = &vm;
    vm_cpuid_init(&vm);
}

/* Leaf 0 is final unless MISC_ENABLE limits it; the leaves with per-vCPU bits never are. */
static void test_final_mask(void **state)
{
    static const uint32_t never[] = {1, 4, 7, 0xB, 0xD, 0x1F, HV_CPUID_BASE, 0x80000009};
    struct vcpu *v = &vm.vcpus[0];

    (void)state;
    one_vcpu_host_vm();
    assert_non_null(vm_cpuid_final(&vm.cpuid_cache, vm_cpuid_final_mask(v), 0));
    assert_non_null(vm_cpuid_final(&vm.cpuid_cache, vm_cpuid_final_mask(v), 0x80000001));
    for (unsigned i = 0; i < ARRAY_SIZE(never); i++)
        assert_null(vm_cpuid_final(&vm.cpuid_cache, vm_cpuid_final_mask(v), never[i]));
    v->msrs.misc_enable = MISC_ENABLE_LIMIT_CPUID;
    assert_null(vm_cpuid_final(&vm.cpuid_cache, vm_cpuid_final_mask(v), 0));
}

/* The leaves the exit fast path asks most are answered without the CPUID instruction. */
static void test_cached_leaves_skip_cpuid(void **state)
{
    static const uint32_t leaves[] = {
        0,          1,          7,         0x15, 0x16, HV_CPUID_BASE, HV_CPUID_MAX, KVM_CPUID_BASE,
        0x80000000, 0x80000001, 0x80000008};
    struct cpuid_regs r;

    (void)state;
    one_vcpu_host_vm();
    cpuid_calls = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++)
        vm_cpuid(&vm.vcpus[0], leaves[i], 0, 0, &r);
    assert_int_equal(cpuid_calls, 0);
    vm_cpuid(&vm.vcpus[0], 4, 0, 0, &r); /* subleaf-indexed: the host's */
    assert_int_equal(cpuid_calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_matches),
        cmocka_unit_test(test_cached_leaves_skip_cpuid),
        cmocka_unit_test(test_final_mask),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
